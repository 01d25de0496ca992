#!/usr/bin/env bash
# libreoffice.sh TREE WORK: headless LibreOffice working on the tree's office documents: Word
# files converted to OpenDocument (.odt) and PDF, Excel files to .ods and .csv, into
# TREE/Converted/; then Word files of one folder saved again as .docx over themselves, the way an
# office program saves (a temporary file written beside the document, renamed over it). At most
# 12 Word and 8 Excel files, so that it stays within a minute or two. The profile is private
# (WORK/lo-profile); no X server is needed. Outside TREE and WORK, LibreOffice itself only keeps
# its single-instance socket in /tmp and checks that its install folder is writable (a stamp file
# created and deleted in /usr/lib/libreoffice/share/uno_packages/cache when run as root).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init libreoffice "$@"
need soffice timeout
unset DISPLAY WAYLAND_DISPLAY

profile_url="file://$(printf '%s' "$work/lo-profile" | sed 's/%/%25/g; s/ /%20/g')"
office() {
  timeout 300 soffice "-env:UserInstallation=$profile_url" --headless --norestore --nolockcheck "$@" \
    >"$work/lo.log" 2>&1 || { cat "$work/lo.log" >&2; fail "soffice $* failed"; }
}

# One file per name: the outputs of a conversion share one folder.
unique_names() {
  local -n _unique_out=$1
  local limit=$2 f seen=" "
  shift 2
  _unique_out=()
  for f in "$@"; do
    [ ${#_unique_out[@]} -lt "$limit" ] || break
    case "$seen" in *" $(basename "$f") "*) continue ;; esac
    seen="$seen$(basename "$f") "
    _unique_out+=("$f")
  done
}

all_docx=() all_xlsx=()
find_docs all_docx docx
find_docs all_xlsx xlsx
docx=() xlsx=()
unique_names docx 12 "${all_docx[@]}"
unique_names xlsx 8 "${all_xlsx[@]}"

if [ ${#docx[@]} -eq 0 ] && [ ${#xlsx[@]} -eq 0 ]; then
  # No office document in the tree: write one from its text files (or a line), as a user would.
  texts=()
  find_docs texts txt csv
  mkdir -p "$tree/Documents"
  if [ ${#texts[@]} -gt 0 ]; then
    cp "${texts[0]}" "$tree/Documents/lettre.txt"
  else
    printf 'Lettre de service\n' >"$tree/Documents/lettre.txt"
  fi
  office --convert-to docx --outdir "$tree/Documents" "$tree/Documents/lettre.txt"
  docx=("$tree/Documents/lettre.docx")
  all_docx=("${docx[@]}")
fi

out=$tree/Converted
mkdir -p "$out"
converted=0
if [ ${#docx[@]} -gt 0 ]; then
  office --convert-to odt --outdir "$out" "${docx[@]}"
  office --convert-to pdf --outdir "$out" "${docx[@]}"
  converted=$((converted + 2 * ${#docx[@]}))
fi
if [ ${#xlsx[@]} -gt 0 ]; then
  office --convert-to ods --outdir "$out" "${xlsx[@]}"
  office --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' --outdir "$out" "${xlsx[@]}"
  converted=$((converted + 2 * ${#xlsx[@]}))
fi
for f in "${docx[@]}"; do
  b=$(basename "$f" .docx)
  [ -s "$out/$b.odt" ] || fail "$b.docx was not converted to .odt"
  [ -s "$out/$b.pdf" ] || fail "$b.docx was not converted to .pdf"
done
for f in "${xlsx[@]}"; do
  b=$(basename "$f" .xlsx)
  [ -s "$out/$b.ods" ] || fail "$b.xlsx was not converted to .ods"
  [ -s "$out/$b.csv" ] || fail "$b.xlsx was not converted to .csv"
done

# Save again: the Word files of the folder that holds the most (at most 6) are opened from a
# copy and saved as .docx into their own folder, over the originals (LibreOffice writes a
# temporary file there and renames it over the document).
resaved=0
dir=$tree
if [ ${#docx[@]} -gt 0 ]; then
  dir=$(for f in "${all_docx[@]}"; do dirname "$f"; done | sort | uniq -c | sort -k1,1nr -k2 |
    awk 'NR == 1 { sub(/^ *[0-9]+ /, ""); print }')
  mapfile -d '' -t save < <(find "$dir" -maxdepth 1 -type f -iname '*.docx' ! -name '.*' -print0 | sort -z | head -z -n 6)
  rm -rf "$work/lo-open"
  mkdir -p "$work/lo-open"
  cp -p "${save[@]}" "$work/lo-open/"
  opened=() inodes=() mtimes=()
  for f in "${save[@]}"; do
    opened+=("$work/lo-open/$(basename "$f")")
    inodes+=("$(stat -c %i "$f")")
    mtimes+=("$(stat -c %Y "$f")")
  done
  office --convert-to 'docx:MS Word 2007 XML' --outdir "$dir" "${opened[@]}"
  for i in "${!save[@]}"; do
    f=${save[$i]}
    [ "$(head -c 2 "$f")" = PK ] || fail "${f#"$tree"/} is not a .docx after saving"
    # A save writes a temporary file and renames it over the document (a new inode), except
    # when the document has other names: LibreOffice then writes it in place to keep them (a
    # guard's journal links every protected file). Either way the bytes must be new.
    if [ "$(stat -c %h "$f")" -gt 1 ]; then
      [ "$(stat -c %Y "$f")" -ge "${mtimes[$i]}" ] && ! cmp -s "$f" "$work/lo-open/$(basename "$f")" ||
        fail "${f#"$tree"/} was not saved in place"
    else
      [ "$(stat -c %i "$f")" != "${inodes[$i]}" ] || fail "${f#"$tree"/} was not replaced by a new save"
    fi
    resaved=$((resaved + 1))
  done
  rm -rf "$work/lo-open"
fi

echo "libreoffice: ${#docx[@]} .docx -> .odt+.pdf, ${#xlsx[@]} .xlsx -> .ods+.csv ($converted files in Converted/), $resaved .docx saved over themselves in ${dir#"$tree"/}"
