#!/usr/bin/env bash
# 7z.sh TREE WORK: the tree's largest folder archived with 7-Zip into TREE/Archives/, once as a
# plain .7z and once protected by a password (AES-256, names encrypted too), both tested, then
# extracted into TREE/Restored/ and compared with the originals.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init 7z "$@"
need 7z diff

folder=$(largest_folder)
if [ -z "$folder" ]; then
  # A tree without folders: archive its loose documents, gathered in one folder first.
  docs=()
  find_docs docs
  [ ${#docs[@]} -gt 0 ] || fail "the tree holds no document"
  folder=Loose-documents
  mkdir -p "$tree/$folder"
  cp -p "${docs[@]}" "$tree/$folder/"
fi

mkdir -p "$tree/Archives" "$tree/Restored"
plain=$tree/Archives/$folder-$today.7z
locked=$tree/Archives/$folder-$today-protected.7z
password=benign-suite-passphrase
rm -f "$plain" "$locked"
rm -rf "$tree/Restored/7z-$folder" "$tree/Restored/7z-$folder-protected"

(cd "$tree" && 7z a -t7z -mx=5 -bd "$plain" "$folder" >/dev/null) || fail "7z a failed"
(cd "$tree" && 7z a -t7z -mx=3 -mhe=on -p"$password" -bd "$locked" "$folder" >/dev/null) ||
  fail "7z a with a password failed"
7z t -bd "$plain" >/dev/null || fail "7z t says $plain is damaged"
7z t -bd -p"$password" "$locked" >/dev/null || fail "7z t says $locked is damaged"

7z x -bd -o"$tree/Restored/7z-$folder" "$plain" >/dev/null || fail "7z x failed"
7z x -bd -p"$password" -o"$tree/Restored/7z-$folder-protected" "$locked" >/dev/null ||
  fail "7z x with the password failed"
diff -r "$tree/$folder" "$tree/Restored/7z-$folder/$folder" >/dev/null || fail "extracted $folder differs"
diff -r "$tree/$folder" "$tree/Restored/7z-$folder-protected/$folder" >/dev/null ||
  fail "extracted $folder (protected archive) differs"

files=$(find "$tree/$folder" -type f | wc -l)
echo "7z: $folder ($files files) -> $(human "$(stat -c %s "$plain")") .7z and $(human "$(stat -c %s "$locked")") protected .7z, extracted identical"
