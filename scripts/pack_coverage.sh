#!/usr/bin/env bash
# Runs vigie's built-in rule pack over each tactic folder of the EVTX attack samples and prints,
# per folder: files, files with at least one detection (informational building blocks aside),
# detections by level, and the rules that fired most. Used to see what the pack covers.
#
#   scripts/pack_coverage.sh [SAMPLES_DIR]     (default ../shared/data/evtx-attack-samples)
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-../shared/data/evtx-attack-samples}"
vigie=./build/vigie
[ -x "$vigie" ] || { echo "build vigie first (cmake --build --preset release)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf '%-24s %5s %5s %6s  %s\n' folder files lit dets "critical/high/medium/low"
for dir in "$samples"/*/; do
    name=$(basename "$dir")
    files=$(find "$dir" -name '*.evtx' | wc -l)
    [ "$files" -gt 0 ] || continue
    : >"$tmp/all.jsonl"
    lit=0
    while IFS= read -r -d '' f; do
        status=0
        "$vigie" hunt --no-summary --no-progress --min-level low --format jsonl "$f" \
            >"$tmp/one.jsonl" 2>/dev/null || status=$?
        [ "$status" -le 1 ] || echo "vigie failed on $f" >&2
        if [ -s "$tmp/one.jsonl" ]; then
            lit=$((lit + 1))
            cat "$tmp/one.jsonl" >>"$tmp/all.jsonl"
        fi
    done < <(find "$dir" -name '*.evtx' -print0)
    python3 - "$name" "$files" "$lit" "$tmp/all.jsonl" <<'PY'
import collections, json, sys
name, files, lit, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
levels = collections.Counter()
rules = collections.Counter()
for line in open(path):
    d = json.loads(line)
    levels[d["level"]] += 1
    rules[d["rule_title"]] += 1
total = sum(levels.values())
print(f"{name:<24} {files:>5} {lit:>5} {total:>6}  "
      f"{levels['critical']}/{levels['high']}/{levels['medium']}/{levels['low']}")
for title, n in rules.most_common(6):
    print(f"{'':<24}   {n:>5}  {title}")
PY
done
