#!/usr/bin/env bash
# Builds vigie and runs its main job on the built-in default: for now, `vigie dump` on the
# project's own demo log (tests/fixtures/demo.evtx, a short intrusion story written by
# vigie-evtxgen), with per-file statistics.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
echo "== vigie dump --stats tests/fixtures/demo.evtx" >&2
./build/vigie dump --stats tests/fixtures/demo.evtx
