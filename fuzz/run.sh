#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET...] - builds build-fuzz and runs the fuzz targets, SECONDS split
# between them by weight (default: all seven: evtx_file_fuzzer 4 parts, json_events_fuzzer,
# sigma_rule_fuzzer and xml_events_fuzzer 2 each, syslog_framing_fuzzer, bulk_request_fuzzer and
# report_escape_fuzzer 1 each; the watch parsers and the report's escaping are small and saturate
# their coverage quickly). SECONDS is the
# total whatever the targets chosen.
#
# Exits nonzero when libFuzzer finds a crash, leak or timeout; the reproducer is written to
# build-fuzz/ as crash-*, leak-* or timeout-* (replay it: build-fuzz/fuzz/<target> FILE).
set -euo pipefail

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS [evtx_file_fuzzer|json_events_fuzzer|sigma_rule_fuzzer|xml_events_fuzzer|syslog_framing_fuzzer|bulk_request_fuzzer|report_escape_fuzzer]..." >&2
    exit 2
fi
seconds="$1"
shift
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] ||
    targets=(evtx_file_fuzzer json_events_fuzzer sigma_rule_fuzzer xml_events_fuzzer
        syslog_framing_fuzzer bulk_request_fuzzer report_escape_fuzzer)
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DVIGIE_FUZZ=ON -DVIGIE_TESTS=OFF \
    -DVIGIE_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-fuzz --target "${targets[@]}"

# Seeds are made once; the working corpora grow across runs and keep what the fuzzers learnt.
if [[ ! -d build-fuzz/seeds/sigma || ! -d build-fuzz/seeds/xml || ! -d build-fuzz/seeds/syslog ||
    ! -d build-fuzz/seeds/bulk ]]; then
    rm -rf build-fuzz/seeds
    fuzz/make_seed_corpus.sh build-fuzz/seeds
fi

# Share of SECONDS for each target, by weight (the EVTX reader, the largest parser, gets the most).
weight() {
    case "$1" in
        evtx_file_fuzzer) echo 4 ;;
        json_events_fuzzer | sigma_rule_fuzzer | xml_events_fuzzer) echo 2 ;;
        *) echo 1 ;;
    esac
}
total_weight=0
for target in "${targets[@]}"; do total_weight=$((total_weight + $(weight "$target"))); done
share() {
    echo $((seconds * $(weight "$1") / total_weight))
}

status=0
for target in "${targets[@]}"; do
    kind="${target%%_*}"  # evtx, json, sigma, xml, syslog, bulk, report
    t="$(share "$target")"
    [[ "$t" -ge 1 ]] || t=1
    mkdir -p "build-fuzz/corpus/$kind"
    dirs=("build-fuzz/corpus/$kind")
    [[ -d "build-fuzz/seeds/$kind" ]] && dirs+=("build-fuzz/seeds/$kind")
    log="build-fuzz/fuzz-$target-$(date +%Y%m%d-%H%M%S).log"
    target_status=0
    # The libraries are built with -fno-sanitize-recover=undefined; halt_on_error also covers
    # any code that is not, so a UBSan report stops the run instead of scrolling past.
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
        "build-fuzz/fuzz/$target" "${dirs[@]}" \
        -max_total_time="$t" -timeout=10 -rss_limit_mb=2048 -max_len=1100000 \
        -print_final_stats=1 -artifact_prefix=build-fuzz/ >"$log" 2>&1 || target_status=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
    echo "run.sh: $target: ${execs:-?} executions in ${t}s, corpus $(find "build-fuzz/corpus/$kind" -type f | wc -l) files, log $log"
    if [[ $target_status -eq 0 ]] && grep -qE '^==[0-9]+==ERROR|^SUMMARY: |Test unit written to' "$log"; then
        target_status=1
    fi
    if [[ $target_status -ne 0 ]]; then
        tail -n 40 "$log" >&2
        echo "run.sh: $target found a problem (exit $target_status); see $log" >&2
        status=$target_status
    fi
done
exit "$status"
