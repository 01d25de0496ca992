#!/bin/bash
# A file server and two client machines on one host, for the guard's SMB tests and benchmarks.
#
#   lab.sh up DIR TAG        start it; DIR holds everything, TAG (<= 6 letters) names namespaces
#   lab.sh unblock DIR TAG   lift every block the guard put in place (its nftables table)
#   lab.sh down DIR TAG      stop everything and remove the namespaces
#   lab.sh check             exit 0 when this machine can run the lab, else say why (exit 1)
#
# Three network namespaces of our own, nothing on the host's network:
#   TAG-srv  Samba (Debian's smbd, a private configuration), port 445 on 10.231.0.1 and 10.231.1.1
#   TAG-a    client machine 10.231.0.2 (the attacker in tests), veth to the server
#   TAG-b    client machine 10.231.1.2 (a benign user), veth to the server
# Each client mounts the server's shares with smbnetfs (FUSE over libsmbclient), so any program
# on this host works on DIR/mnt-a/10.231.0.1/share as a Windows workstation works on a mapped
# drive: every read and write is an SMB request served by an smbd worker. The share is DIR/share,
# a guest share written as root (force user), on the host's file system: the guard watches it
# there. Only the network namespace changes (nsenter --net), never the mount namespace, so the
# FUSE mounts are visible to every process of the host.
set -euo pipefail

command=${1:-}
dir=${2:-}
tag=${3:-vlab}

server_ns=$tag-srv
client_a_ns=$tag-a
client_b_ns=$tag-b
readonly SERVER_A=10.231.0.1 CLIENT_A=10.231.0.2 SERVER_B=10.231.1.1 CLIENT_B=10.231.1.2

check() {
    local missing=()
    for tool in smbd smbnetfs smbclient nft ip nsenter; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    command -v fusermount3 >/dev/null 2>&1 || command -v fusermount >/dev/null 2>&1 ||
        missing+=(fusermount)
    if ((${#missing[@]})); then
        echo "missing programs: ${missing[*]} (scripts/install-deps.sh installs them)"
        return 1
    fi
    if [[ $(id -u) != 0 ]]; then
        echo "needs root (network namespaces, FUSE mounts, nftables)"
        return 1
    fi
    if [[ ! -c /dev/fuse ]]; then
        echo "no /dev/fuse: FUSE is not available here"
        return 1
    fi
    local probe=vlabprobe$$
    if ! ip netns add "$probe" 2>/dev/null; then
        echo "cannot create network namespaces here"
        return 1
    fi
    if ! ip netns exec "$probe" nft add table inet probe 2>/dev/null; then
        ip netns del "$probe"
        echo "nftables is not available in network namespaces here"
        return 1
    fi
    ip netns del "$probe"
}

in_ns() {
    local ns=$1
    shift
    nsenter --net="/run/netns/$ns" "$@"
}

unmount() {
    local mnt=$1
    if mountpoint -q "$mnt" 2>/dev/null; then
        fusermount3 -u "$mnt" 2>/dev/null || fusermount -u "$mnt" 2>/dev/null ||
            umount -l "$mnt" 2>/dev/null || true
    fi
}

mount_client() {
    local ns=$1 name=$2 server=$3
    local home=$dir/client-$name mnt=$dir/mnt-$name
    mkdir -p "$home/.smb" "$mnt"
    # Guest access to the one server; a plain client configuration (not the host's smb.conf).
    printf 'auth "guest" ""\nhost %s visible=true\nsmb_timeout 5000\n' "$server" \
        >"$home/.smb/smbnetfs.conf"
    printf '[global]\n  client min protocol = SMB2\n' >"$home/.smb/smb.conf"
    chmod 600 "$home/.smb/smbnetfs.conf"
    HOME=$home in_ns "$ns" smbnetfs "$mnt"
    for _ in $(seq 100); do
        ls "$mnt/$server/share" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "lab: client $name cannot see //$server/share through $mnt" >&2
    return 1
}

up() {
    mkdir -p "$dir/share" "$dir/samba"/{private,lock,state,cache,pid,ncalrpc,log}
    chmod 0777 "$dir/share"
    down_network 2>/dev/null || true
    ip netns add "$server_ns"
    ip netns add "$client_a_ns"
    ip netns add "$client_b_ns"
    ip -n "$server_ns" link set lo up
    local client ns server address peer
    for client in a b; do
        ns=$tag-$client
        if [[ $client == a ]]; then server=$SERVER_A address=$CLIENT_A; else server=$SERVER_B address=$CLIENT_B; fi
        ip link add "${tag}${client}0" netns "$server_ns" type veth peer name "${tag}${client}1" netns "$ns"
        ip -n "$server_ns" addr add "$server/24" dev "${tag}${client}0"
        ip -n "$ns" addr add "$address/24" dev "${tag}${client}1"
        ip -n "$server_ns" link set "${tag}${client}0" up
        ip -n "$ns" link set "${tag}${client}1" up
        ip -n "$ns" link set lo up
    done
    cat >"$dir/samba/smb.conf" <<EOF
[global]
  server role = standalone server
  interfaces = $SERVER_A/24 $SERVER_B/24
  bind interfaces only = yes
  smb ports = 445
  private dir = $dir/samba/private
  lock directory = $dir/samba/lock
  state directory = $dir/samba/state
  cache directory = $dir/samba/cache
  pid directory = $dir/samba/pid
  ncalrpc dir = $dir/samba/ncalrpc
  log file = $dir/samba/log/log.%m
  log level = 0
  map to guest = Bad User
  load printers = no
  printcap name = /dev/null
  disable spoolss = yes
  server min protocol = SMB2
[share]
  path = $dir/share
  read only = no
  guest ok = yes
  force user = root
EOF
    # In a session of its own, as a service manager starts it: on SIGTERM smbd signals its
    # whole process group, which must not be whoever ran this script.
    in_ns "$server_ns" setsid smbd --foreground --no-process-group -s "$dir/samba/smb.conf" \
        </dev/null >"$dir/samba/smbd.out" 2>&1 &
    for _ in $(seq 100); do
        in_ns "$client_a_ns" smbclient -N "//$SERVER_A/share" -c 'ls' -t 2 >/dev/null 2>&1 && break
        sleep 0.1
    done
    mount_client "$client_a_ns" a "$SERVER_A"
    mount_client "$client_b_ns" b "$SERVER_B"
    echo "lab: //$SERVER_A/share (DIR/share) served; client a $CLIENT_A on $dir/mnt-a/$SERVER_A/share, client b $CLIENT_B on $dir/mnt-b/$SERVER_B/share"
}

unblock() {
    in_ns "$server_ns" nft delete table inet vigie_guard 2>/dev/null || true
}

down_network() {
    for ns in "$server_ns" "$client_a_ns" "$client_b_ns"; do
        ip netns del "$ns" 2>/dev/null || true
    done
}

down() {
    unmount "$dir/mnt-a"
    unmount "$dir/mnt-b"
    # smbd and every worker it forked (their command lines name the lab's configuration).
    local pattern="smbd --foreground --no-process-group -s $dir/samba/smb.conf"
    pkill -TERM -f "$pattern" 2>/dev/null || true
    for _ in $(seq 50); do
        pgrep -f "$pattern" >/dev/null || break
        sleep 0.1
    done
    pkill -KILL -f "$pattern" 2>/dev/null || true
    down_network
}

case $command in
    check) check ;;
    up) [[ -n $dir ]] || { echo "usage: $0 up DIR [TAG]" >&2; exit 2; }; up ;;
    unblock) unblock ;;
    down) [[ -n $dir ]] || { echo "usage: $0 down DIR [TAG]" >&2; exit 2; }; down ;;
    *) echo "usage: $0 check | up DIR [TAG] | unblock DIR [TAG] | down DIR [TAG]" >&2; exit 2 ;;
esac
