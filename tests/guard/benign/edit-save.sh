#!/usr/bin/env bash
# edit-save.sh TREE WORK: text files edited by programs that save the way editors do, never by
# writing over the old bytes: `sed -i` on half the CSV and text files, at most 20 (sed writes the
# new text to a temporary sedXXXXXX beside the file, then renames it over the file: an atomic
# replace), vim on half the rest, at most 8 (`:write` with backupcopy=no: the file moved to
# NAME~, a new one written under the name, the backup deleted) and `perl -pi` on the others, at
# most 8 (the old file unlinked, a new one written under its name). Each edit is checked, and that sed's saves gave the name a new inode.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init edit-save "$@"
need sed vim perl stat

texts=()
find_docs texts txt csv
if [ ${#texts[@]} -eq 0 ]; then
  # No text in the tree: a few notes, as a user would write them.
  mkdir -p "$tree/Documents"
  for i in 1 2 3; do
    printf 'Compte rendu %s\nPatient vu par le Dr Martin.\n' "$i" >"$tree/Documents/note-$i.txt"
  done
  find_docs texts txt csv
fi

count=${#texts[@]}
by_sed=$(((count + 1) / 2))
[ "$by_sed" -le 20 ] || by_sed=20
by_vim=$(((count - by_sed + 1) / 2))
[ "$by_vim" -le 8 ] || by_vim=8

edited_sed=0
for f in "${texts[@]:0:by_sed}"; do
  inode=$(stat -c %i "$f")
  sed -i -e "1i Relu le $today" -e 's/Dr /Docteur /g' "$f"
  [ "$(head -n 1 "$f")" = "Relu le $today" ] || fail "sed -i did not edit ${f#"$tree"/}"
  [ "$(stat -c %i "$f")" != "$inode" ] || fail "sed -i wrote ${f#"$tree"/} in place, not by a rename over it"
  edited_sed=$((edited_sed + 1))
done

edited_vim=0
for f in "${texts[@]:by_sed:by_vim}"; do
  vim -Es -u NONE -i NONE -N -c 'set backupcopy=no writebackup nobackup' \
    -c "\$put ='Vu le $today'" -c 'wq' "$f" </dev/null || fail "vim could not save ${f#"$tree"/}"
  # A file with CRLF line ends keeps them (vim reads it as a DOS file).
  [ "$(tail -n 1 "$f" | tr -d '\r')" = "Vu le $today" ] || fail "vim did not edit ${f#"$tree"/}"
  [ ! -e "$f~" ] || fail "vim left its backup ${f#"$tree"/}~"
  edited_vim=$((edited_vim + 1))
done

edited_perl=0
for f in "${texts[@]:by_sed+by_vim:8}"; do
  perl -pi -e 's/(\r?)$/ ;$1/ if $. == 1' "$f" || fail "perl -pi could not edit ${f#"$tree"/}"
  [ "$(head -n 1 "$f" | tr -d '\r' | tail -c 3)" = " ;" ] || fail "perl -pi did not edit ${f#"$tree"/}"
  edited_perl=$((edited_perl + 1))
done

left=$(find "$tree" -name 'sed??????' -o -name '*~' | wc -l)
[ "$left" -eq 0 ] || fail "$left temporary or backup files left in the tree"
echo "edit-save: $edited_sed files saved by sed -i (temporary file renamed over), $edited_vim by vim (backupcopy=no), $edited_perl by perl -pi"
