#!/usr/bin/env bash
# reorganise.sh TREE WORK: a user tidying up the share: duplicate files deleted (the copy kept is
# the one with the shortest name); hundreds of files renamed (up to 400: half get their date as a
# prefix, 2024-03-14_name, or lose it when they have one; the other half change case: capitalised,
# or lower case when they have capitals); new folders created under TREE/Sorted/<date>/, three
# whole folders moved into it, and up to 20 loose PDFs and pictures moved into per-kind folders.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init reorganise "$@"
need md5sum mv

docs=()
find_docs docs
[ ${#docs[@]} -gt 0 ] || fail "the tree holds no document"

# Duplicates: same content; keep the shortest name (then the first in order), delete the others.
deleted=0
mapfile -d '' -t doomed < <(md5sum -z -- "${docs[@]}" | python3 -c '
import sys
groups = {}
for entry in sys.stdin.buffer.read().split(b"\0"):
    if entry:
        digest, path = entry.split(b"  ", 1)
        groups.setdefault(digest, []).append(path)
for paths in groups.values():
    for path in sorted(paths, key=lambda p: (len(p), p))[1:]:
        sys.stdout.buffer.write(path + b"\0")
')
for f in "${doomed[@]}"; do
  rm -- "$f"
  deleted=$((deleted + 1))
done

# Renames.
find_docs docs
renamed=0
half=$(((${#docs[@]} < 400 ? ${#docs[@]} : 400) / 2))
rename_to() {
  local target=${1%/*}/$2
  [ "$target" != "$1" ] || return 0
  [ -e "$target" ] && return 0
  mv -- "$1" "$target"
  renamed=$((renamed + 1))
}
mtimes=()
[ "$half" -eq 0 ] || mapfile -d '' -t mtimes < <(stat --printf '%Y\0' -- "${docs[@]:0:half}")
for i in $(seq 0 $((half - 1))); do
  f=${docs[$i]}
  name=${f##*/}
  if [[ $name =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}_(.+)$ ]]; then
    rename_to "$f" "${BASH_REMATCH[1]}"
  else
    rename_to "$f" "$(printf '%(%Y-%m-%d)T' "${mtimes[$i]}")_$name"
  fi
done
for f in "${docs[@]:half:half}"; do
  name=${f##*/}
  lower=${name,,}
  if [ "$lower" != "$name" ]; then
    rename_to "$f" "$lower"
  else
    new=${name^}
    [ "$new" != "$name" ] || new=${name//_/-}
    rename_to "$f" "$new"
  fi
done

# New folders; whole folders moved; loose files sorted by kind.
dest=$tree/Sorted/$today
mkdir -p "$dest/PDF" "$dest/Images"
find_docs docs
mapfile -t subfolders < <(for f in "${docs[@]}"; do
  rel=${f#"$tree"/}
  rest=${rel#*/}
  case "$rest" in */*) printf '%s\n' "${rel%%/*}/${rest%%/*}" ;; esac
done | sort -u | head -n 3)
moved=0
for dir in "${subfolders[@]}"; do
  target=$dest/${dir//\//-}
  [ -e "$target" ] && continue
  mv -- "$tree/$dir" "$target"
  moved=$((moved + 1))
done
find_docs docs pdf png jpg jpeg
sorted=0
for f in "${docs[@]:0:20}"; do
  case "${f,,}" in *.pdf) kind=PDF ;; *) kind=Images ;; esac
  [ -e "$dest/$kind/${f##*/}" ] && continue
  mv -- "$f" "$dest/$kind/"
  sorted=$((sorted + 1))
done

echo "reorganise: $deleted duplicates deleted, $renamed files renamed, $moved folders moved and $sorted files sorted into Sorted/$today"
