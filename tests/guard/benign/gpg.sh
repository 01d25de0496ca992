#!/usr/bin/env bash
# gpg.sh TREE WORK: a user encrypting ONE document with GnuPG, the way it is done to send it:
# for a colleague's public key (DOC.gpg) and with a passphrase (DOC.pass.gpg), both written
# beside the document in TREE, then decrypted into WORK and compared. The keyring is a throwaway
# GNUPGHOME in WORK; batch mode, loopback pinentry, no prompt; the agent is stopped at the end.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init gpg "$@"
need gpg gpgconf cmp

# The document: the largest PDF or Word file, else the largest document of any kind.
docs=()
find_docs docs pdf docx odt
[ ${#docs[@]} -gt 0 ] || find_docs docs
if [ ${#docs[@]} -eq 0 ]; then
  mkdir -p "$tree/Documents"
  printf 'Document confidentiel\n' >"$tree/Documents/confidentiel.txt"
  docs=("$tree/Documents/confidentiel.txt")
fi
# The readers take the whole input (no `head`, no `exit` in awk): with pipefail, a writer cut
# off early dies of SIGPIPE and fails the script.
doc=$(for f in "${docs[@]}"; do printf '%s\t%s\n' "$(stat -c %s "$f")" "$f"; done |
  sort -t "$(printf '\t')" -k1,1nr -k2 | awk 'NR == 1 { print substr($0, index($0, "\t") + 1) }')

export GNUPGHOME=$work/gnupg
rm -rf "$GNUPGHOME"
mkdir -m 700 "$GNUPGHOME"
# The agent's sockets go to /run/user/UID/gnupg/d.* when that folder exists: removed at the end.
stop_agent() {
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  gpgconf --remove-socketdir >/dev/null 2>&1 || true
}
trap stop_agent EXIT
gpg_batch() { gpg --batch --yes --quiet --no-tty --pinentry-mode loopback "$@"; }

recipient='Secretariat de direction <secretariat@hopital.example>'
gpg_batch --passphrase '' --quick-generate-key "$recipient" ed25519 sign never 2>/dev/null ||
  fail "key generation failed"
fpr=$(gpg_batch --with-colons --list-keys "$recipient" 2>/dev/null | awk -F: '$1 == "fpr" && !found { print $10; found = 1 }')
gpg_batch --passphrase '' --quick-add-key "$fpr" cv25519 encr never 2>/dev/null ||
  fail "encryption subkey generation failed"

passphrase='correct horse battery staple'
gpg_batch --trust-model always --recipient "$fpr" --output "$doc.gpg" --encrypt "$doc" ||
  fail "public-key encryption of $doc failed"
gpg_batch --passphrase "$passphrase" --symmetric --cipher-algo AES256 --output "$doc.pass.gpg" "$doc" ||
  fail "passphrase encryption of $doc failed"

gpg_batch --passphrase '' --output "$work/decrypted" --decrypt "$doc.gpg" 2>/dev/null ||
  fail "decryption of $doc.gpg failed"
cmp -s "$doc" "$work/decrypted" || fail "$doc.gpg does not decrypt to the document"
gpg_batch --passphrase "$passphrase" --output "$work/decrypted" --decrypt "$doc.pass.gpg" 2>/dev/null ||
  fail "decryption of $doc.pass.gpg failed"
cmp -s "$doc" "$work/decrypted" || fail "$doc.pass.gpg does not decrypt to the document"
rm -f "$work/decrypted"

echo "gpg: ${doc#"$tree"/} ($(human "$(stat -c %s "$doc")")) encrypted to .gpg (public key) and .pass.gpg (passphrase), both decrypt identical"
