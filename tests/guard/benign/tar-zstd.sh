#!/usr/bin/env bash
# tar-zstd.sh TREE WORK: a backup of the tree (everything but the suite's output folders) as
# TREE/Archives/backup-<date>.tar.zst, compressed with zstd on all cores, then restored into
# TREE/Restored/backup-<date>/ and compared with the originals.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init tar-zstd "$@"
need tar zstd diff cmp

docs=()
find_docs docs
[ ${#docs[@]} -gt 0 ] || fail "the tree holds no document"
folders=()
top_folders folders
excludes=()
for dir in "${OUTPUT_DIRS[@]}"; do
  excludes+=(--exclude="./$dir")
done
excludes+=(--exclude='./Share-copy-*')

archive=$tree/Archives/backup-$today.tar.zst
restored=$tree/Restored/backup-$today
mkdir -p "$tree/Archives"
rm -rf "$restored"
mkdir -p "$restored"

tar -C "$tree" "${excludes[@]}" -cf - . | zstd -q -T0 -6 -f -o "$archive"
zstd -q -t "$archive" || fail "zstd says $archive is damaged"
zstd -q -dc "$archive" | tar -C "$restored" -xf -

for dir in "${folders[@]}"; do
  diff -r "$tree/$dir" "$restored/$dir" >/dev/null || fail "restored $dir differs from the original"
done
for f in "${docs[@]}"; do
  rel=${f#"$tree"/}
  case "$rel" in
    */*) ;;
    *) cmp -s "$f" "$restored/$rel" || fail "restored $rel differs from the original" ;;
  esac
done
files=$(find "$restored" -type f | wc -l)
[ "$files" -gt 0 ] || fail "the archive holds no file"
raw=$(du -sb --apparent-size "$restored" | cut -f1)
echo "tar-zstd: $files files, $(human "$raw") -> $(human "$(stat -c %s "$archive")") in ${archive#"$tree"/}, restored identical"
