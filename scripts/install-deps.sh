#!/usr/bin/env bash
# Installs the Debian 12 packages vigie needs to build, test and benchmark.
# Idempotent: when every package is already present it only checks and exits.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  # libraries
  libsimdjson-dev libcli11-dev libfmt-dev libzstd-dev libxxhash-dev zlib1g-dev libexpat1-dev
  libyaml-cpp-dev libre2-dev libvectorscan-dev libssl-dev libsqlite3-dev libcpp-httplib-dev
  # report: the lateral-movement graph laid out and drawn in-process (libgvc)
  libgraphviz-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libevtx-utils time python3 zstd
  # watch: real clients for its inputs (rsyslog forwarding a file, curl, openssl s_client)
  rsyslog curl openssl
  # guard: benign workloads, SMB tests, benchmarks (headless LibreOffice: the -nogui packages
  # give a working `soffice --headless --convert-to`; fonts-dejavu-core for its PDF export)
  libreoffice-core-nogui libreoffice-writer-nogui libreoffice-calc-nogui fonts-dejavu-core
  imagemagick p7zip-full gnupg rsync git sqlite3 fio samba smbclient tar findutils
  # SMB lab (tests/guard/smb/lab.sh): clients mount the share with smbnetfs (FUSE), the guard
  # blocks a client with nftables, namespaces come from iproute2, nsenter from util-linux
  smbnetfs fuse3 nftables iproute2 util-linux
  # report: the HTML report loaded, printed and captured in a real browser
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
