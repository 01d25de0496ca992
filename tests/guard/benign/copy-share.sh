#!/usr/bin/env bash
# copy-share.sh TREE WORK: the whole share copied into one of its own folders (cp -a of every
# entry of TREE into TREE/Share-copy-<date>/, as before a migration), the copy compared with the
# originals, then deleted (rm -rf of the whole copy).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init copy-share "$@"
need cp diff

name=Share-copy-$today
copy=$tree/$name
rm -rf "$copy"
mapfile -d '' -t entries < <(find "$tree" -mindepth 1 -maxdepth 1 ! -name "$name" -print0 | sort -z)
[ ${#entries[@]} -gt 0 ] || fail "the tree is empty"
mkdir "$copy"
cp -a -- "${entries[@]}" "$copy/" || fail "cp -a failed"
diff -r --no-dereference -x "$name" "$tree" "$copy" >/dev/null || fail "the copy differs from the tree"
files=$(find "$copy" -type f | wc -l)
bytes=$(du -sb --apparent-size "$copy" | cut -f1)
rm -rf -- "$copy"
[ ! -e "$copy" ] || fail "the copy was not deleted"
echo "copy-share: $files files ($(human "$bytes")) copied into $name, identical, then deleted"
