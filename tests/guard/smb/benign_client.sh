#!/bin/bash
# A benign user's work on an SMB share, checked: writes notes, reads each back, edits them,
# copies a document. Exit 0 when every file holds what was written, 1 otherwise.
#
#   benign_client.sh DIR COUNT      DIR: a folder of the share, through the client's mount
set -euo pipefail
dir=$1
count=${2:-60}
mkdir -p "$dir"
for i in $(seq "$count"); do
    note="$dir/compte-rendu-$i.txt"
    text="Compte rendu de garde $i: patient stable, traitement poursuivi, revoir demain."
    printf '%s\n' "$text" >"$note"
    if [[ $(cat "$note") != "$text" ]]; then
        echo "benign client: $note does not hold what was written" >&2
        exit 1
    fi
    # Edited and saved again (smbnetfs has no O_APPEND: the whole note is rewritten).
    printf '%s\nRelu par le cadre de sante.\n' "$text" >"$note"
    expected=$(printf '%s\nRelu par le cadre de sante.' "$text")
    if [[ $(cat "$note") != "$expected" ]]; then
        echo "benign client: $note does not hold what was written" >&2
        exit 1
    fi
    sleep 0.05
done
echo "benign client: $count notes written and checked in $dir"
