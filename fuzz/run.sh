#!/usr/bin/env bash
# fuzz/run.sh SECONDS - builds build-fuzz and runs evtx_file_fuzzer for SECONDS seconds.
#
# Exits nonzero when libFuzzer finds a crash, leak or timeout; the reproducer is written to
# build-fuzz/ as crash-*, leak-* or timeout-* (replay it: build-fuzz/fuzz/evtx_file_fuzzer FILE).
set -euo pipefail

if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS" >&2
    exit 2
fi
seconds="$1"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DVIGIE_FUZZ=ON -DVIGIE_TESTS=OFF \
    -DVIGIE_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz --target evtx_file_fuzzer

# Seeds are made once; the working corpus grows across runs and keeps what the fuzzer learnt.
if [[ ! -d build-fuzz/seeds ]]; then
    fuzz/make_seed_corpus.sh build-fuzz/seeds
fi
mkdir -p build-fuzz/corpus
dirs=(build-fuzz/corpus)
[[ -d build-fuzz/seeds ]] && dirs+=(build-fuzz/seeds)

log="build-fuzz/fuzz-$(date +%Y%m%d-%H%M%S).log"
status=0
# The libraries are built with -fno-sanitize-recover=undefined; halt_on_error also covers any
# code that is not, so a UBSan report stops the run instead of scrolling past.
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    build-fuzz/fuzz/evtx_file_fuzzer "${dirs[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1100000 \
    -print_final_stats=1 -artifact_prefix=build-fuzz/ 2>&1 | tee "$log" || status=$?

execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
echo "run.sh: ${execs:-?} executions in ${seconds}s, corpus $(find build-fuzz/corpus -type f | wc -l) files, log $log"
if [[ $status -eq 0 ]] && grep -qE '^==[0-9]+==ERROR|^SUMMARY: |Test unit written to' "$log"; then
    status=1
fi
if [[ $status -ne 0 ]]; then
    echo "run.sh: the fuzzer found a problem (exit $status); see $log" >&2
fi
exit "$status"
