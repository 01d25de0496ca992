# shellcheck shell=bash
# Sourced by every workload of the benign suite: arguments, tool checks, document selection.
# A workload is run as `NAME.sh TREE WORK`: it works inside TREE (the protected tree) and keeps
# scratch files that do not belong in the tree (a gpg home, an office profile) in WORK.

export LC_ALL=C
export TZ=UTC
umask 022

# Folders at the top of TREE that the workloads write; they are not taken as input, so that a
# second run of the suite on the same tree does the same work.
OUTPUT_DIRS=(Archives Restored Converted Mirror Projects Databases Sorted)

fail() {
  echo "${workload:-benign}: $*" >&2
  exit 1
}

# benign_init NAME TREE WORK: checks the arguments, sets tree, work (absolute) and today.
benign_init() {
  workload=$1
  shift
  if [ $# -ne 2 ]; then
    echo "usage: $workload.sh TREE WORK" >&2
    exit 2
  fi
  [ -d "$1" ] || fail "TREE $1 is not a directory"
  mkdir -p "$2"
  tree=$(cd "$1" && pwd -P)
  work=$(cd "$2" && pwd -P)
  case "$work/" in "$tree"/*) fail "WORK ($work) must be outside TREE ($tree)" ;; esac
  case "$tree/" in "$work"/*) fail "TREE ($tree) must be outside WORK ($work)" ;; esac
  # Temporary files, caches and settings of the tools stay in WORK.
  mkdir -p "$work/tmp" "$work/home"
  export TMPDIR=$work/tmp HOME=$work/home XDG_CACHE_HOME=$work/home/.cache XDG_CONFIG_HOME=$work/home/.config
  # shellcheck disable=SC2034  # read by the workloads
  today=$(date +%Y-%m-%d)
}

# need TOOL...: fails when a tool is missing.
need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (scripts/install-deps.sh installs it)"
  done
}

# find_docs ARRAY [EXT...]: fills ARRAY with the tree's documents (with one of the extensions,
# any case; every file without extensions), sorted, leaving out the output folders, hidden files
# and folders, and git repositories.
find_docs() {
  local -n _docs_out=$1
  shift
  local prune=() names=() dir ext
  for dir in "${OUTPUT_DIRS[@]}"; do
    prune+=(-path "$tree/$dir" -o)
  done
  prune+=(-path "$tree/Share-copy-*" -o -name '.*' -o -exec test -e '{}/.git' ';')
  for ext in "$@"; do
    [ ${#names[@]} -eq 0 ] || names+=(-o)
    names+=(-iname "*.$ext")
  done
  [ ${#names[@]} -gt 0 ] || names=(-true)
  mapfile -d '' -t _docs_out < <(find "$tree" -mindepth 1 -type d \( "${prune[@]}" \) -prune -o \
    -type f ! -name '.*' \( "${names[@]}" \) -print0 | sort -z)
}

# top_folders ARRAY: the folders at the top of TREE that hold documents, sorted, without the
# output folders and hidden ones.
top_folders() {
  local -n _folders_out=$1
  local docs=() f rel
  find_docs docs
  mapfile -t _folders_out < <(for f in "${docs[@]}"; do
    rel=${f#"$tree"/}
    case "$rel" in */*) printf '%s\n' "${rel%%/*}" ;; esac
  done | sort -u)
}

# largest_folder: the top folder of TREE with the most documents (empty when there is none).
largest_folder() {
  local docs=() f rel
  find_docs docs
  for f in "${docs[@]}"; do
    rel=${f#"$tree"/}
    case "$rel" in */*) printf '%s\n' "${rel%%/*}" ;; esac
  done | sort | uniq -c | sort -k1,1nr -k2 | awk 'NR == 1 { sub(/^ *[0-9]+ /, ""); print }'
}

# human BYTES: a size in bytes, KiB or MiB.
human() {
  awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else if (b >= 1024) printf "%.0f KiB", b / 1024; else printf "%d B", b }'
}
