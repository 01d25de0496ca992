#!/usr/bin/env bash
# imagemagick.sh TREE WORK: pictures of the tree converted and edited with ImageMagick: PNG
# to JPEG and JPEG to PNG beside the originals, JPEG resized into a new file, and some pictures
# edited in place with mogrify (resized, rotated, stripped: mogrify renames the original to
# NAME~, writes the new picture under the old name and deletes NAME~). At most 10 of each.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init imagemagick "$@"
need convert mogrify identify
convert -version 2>/dev/null | grep -q ImageMagick || fail "convert is not ImageMagick's"

pngs=() jpgs=()
find_docs pngs png
find_docs jpgs jpg jpeg
if [ ${#pngs[@]} -eq 0 ] && [ ${#jpgs[@]} -eq 0 ]; then
  # No picture in the tree: a scan and a screenshot arrive in it first.
  mkdir -p "$tree/Images"
  convert -size 1024x768 -seed 1 plasma:fractal -quality 85 "$tree/Images/scan.jpg"
  convert -size 800x600 gradient:white-lightblue -fill navy -draw 'rectangle 40,40 400,200' "$tree/Images/capture.png"
  pngs=("$tree/Images/capture.png")
  jpgs=("$tree/Images/scan.jpg")
fi

size() { identify -format '%wx%h' "$1[0]"; }
kind() { identify -format '%m' "$1[0]"; }
made=0 edited=0

for f in "${pngs[@]:0:10}"; do
  out=${f%.*}.jpg
  [ -e "$out" ] && out=${f%.*}-png.jpg
  convert "$f" -background white -flatten -quality 88 "$out" || fail "png -> jpg failed for $f"
  [ "$(kind "$out")" = JPEG ] || fail "$out is not a JPEG"
  made=$((made + 1))
done
for f in "${jpgs[@]:0:10}"; do
  out=${f%.*}.png
  [ -e "$out" ] && out=${f%.*}-jpg.png
  convert "$f" "$out" || fail "jpg -> png failed for $f"
  [ "$(kind "$out")" = PNG ] || fail "$out is not a PNG"
  small=${f%.*}-web.jpg
  convert "$f" -resize '50%' -quality 80 "$small" || fail "resize failed for $f"
  [ "$(kind "$small")" = JPEG ] || fail "$small is not a JPEG"
  made=$((made + 2))
done

# In place: JPEGs resized to at most 800 pixels wide, PNGs rotated and stripped of metadata.
for f in "${jpgs[@]:0:10}"; do
  before=$(size "$f")
  mogrify -resize '800x800>' -quality 85 -strip "$f" || fail "mogrify failed for $f"
  [ "$(kind "$f")" = JPEG ] || fail "$f is not a JPEG after mogrify"
  w=${before%x*} h=${before#*x}
  if [ "$w" -gt 800 ] || [ "$h" -gt 800 ]; then [ "$(size "$f")" != "$before" ] || fail "$f was not resized"; fi
  edited=$((edited + 1))
done
for f in "${pngs[@]:0:10}"; do
  before=$(size "$f")
  mogrify -rotate 90 -strip "$f" || fail "mogrify failed for $f"
  [ "$(size "$f")" = "${before#*x}x${before%x*}" ] || fail "$f was not rotated"
  edited=$((edited + 1))
done

echo "imagemagick: $made pictures written (png->jpg, jpg->png, resized jpg), $edited edited in place with mogrify"
