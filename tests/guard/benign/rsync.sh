#!/usr/bin/env bash
# rsync.sh TREE WORK: the tree's largest folder mirrored with rsync -a into TREE/Mirror/, then a
# few of its files changed and the mirror brought up to date twice: once with --inplace (blocks
# rewritten in the existing files, delta algorithm on) and once the default way (each changed
# file written to a temporary name, then renamed over the old copy); last, a few documents
# replaced by new versions of the same kind and synced the default way again.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init rsync "$@"
need rsync diff

folder=$(largest_folder)
if [ -z "$folder" ]; then
  folder=Documents
  mkdir -p "$tree/$folder"
fi
src=$tree/$folder
dst=$tree/Mirror/$folder
mkdir -p "$tree/Mirror"

same() { diff -r "$src" "$dst" >/dev/null || fail "pass $1: the mirror differs from $folder"; }

# touch_files PASS: appends a line to up to five text files of the folder (a note added to a
# report, a row to a table), and adds one new note; returns the number changed in $changed.
touch_files() {
  local texts=() f
  mapfile -d '' -t texts < <(find "$src" -type f \( -iname '*.txt' -o -iname '*.csv' -o -iname '*.md' \) -print0 | sort -z)
  changed=0
  for f in "${texts[@]:0:5}"; do
    printf 'Mise a jour %s, passage %s : relu et complete.\n' "$today" "$1" >>"$f"
    changed=$((changed + 1))
  done
  printf 'Note du %s, passage %s.\n' "$today" "$1" >"$src/note-$1.txt"
  changed=$((changed + 1))
}

rsync -a "$src/" "$dst/" || fail "first rsync failed"
same 1
files=$(find "$dst" -type f | wc -l)

touch_files 2
rsync -a --inplace --no-whole-file "$src/" "$dst/" || fail "rsync --inplace failed"
same 2
changed2=$changed

touch_files 3
rsync -a "$src/" "$dst/" || fail "rsync (temporary file and rename) failed"
same 3

changed3=$changed

# New versions of documents: up to three .docx, .xlsx or .pdf of the folder replaced by another
# document of the same kind, then synced the default way (each written to .NAME.XXXXXX in the
# mirror, renamed over the old version: a whole document replaced by another valid one).
docs=()
mapfile -d '' -t docs < <(find "$src" -type f \( -iname '*.docx' -o -iname '*.xlsx' -o -iname '*.pdf' \) -print0 | sort -z)
versions=0
for f in "${docs[@]}"; do
  [ "$versions" -lt 3 ] || break
  for g in "${docs[@]}"; do
    if [ "$g" != "$f" ] && [ "${g##*.}" = "${f##*.}" ] && ! cmp -s "$f" "$g"; then
      cp "$g" "$f"
      versions=$((versions + 1))
      break
    fi
  done
done
rsync -a "$src/" "$dst/" || fail "rsync (new document versions) failed"
same 4

echo "rsync: $folder ($files files) mirrored to Mirror/$folder, then $changed2, $changed3 and $versions changed files synced (--inplace, then temp+rename twice), mirror identical"
