#!/usr/bin/env bash
# Builds and runs every test: the optimised build, the ASan+UBSan build, and a short fuzz run.
# Tests that need ../shared/data or a tool that is missing skip with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

echo "== release build and tests"
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release -j "$(nproc)"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan -j "$(nproc)"

echo "== short fuzz run of the EVTX, JSON, XML, Sigma rule, syslog and bulk API parsers, and the report's escaping"
./fuzz/run.sh "${VIGIE_FUZZ_SECONDS:-60}"
