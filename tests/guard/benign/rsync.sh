#!/usr/bin/env bash
# rsync.sh TREE WORK: the tree's largest folder mirrored with rsync -a into TREE/Mirror/, then a
# few of its files changed and the mirror brought up to date twice: once with --inplace (blocks
# rewritten in the existing files, delta algorithm on) and once the default way (each changed
# file written to a temporary name, then renamed over the old copy).
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

echo "rsync: $folder ($files files) mirrored to Mirror/$folder, then $changed2 and $changed changed files synced (--inplace, then temp+rename), mirror identical"
