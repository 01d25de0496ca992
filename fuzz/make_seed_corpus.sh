#!/usr/bin/env bash
# fuzz/make_seed_corpus.sh DIR - fills DIR/evtx, DIR/json, DIR/sigma and DIR/xml with seed
# inputs for evtx_file_fuzzer, json_events_fuzzer, sigma_rule_fuzzer and xml_events_fuzzer.
#
# Seeds are the real logs in ../shared/data (sigma regression data and evtx-attack-samples),
# plus a 69632-byte prefix of each (file header + first chunk): libFuzzer mutates small inputs
# far faster, and one chunk already holds the templates and records worth mutating. The copies
# of the first chunk alone (after the header) feed the fuzzer's chunk mode.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
data="$(pwd)/../shared/data"
out="$1"

# XML: the hand-written samples of tests/json/fixtures (Windows' rendering, OpenWEC's JSON
# around it) and the forms files take: an <Events> root, no root, UTF-16, CDATA, controls.
# They need no shared data, so they are made first.
mkdir -p "$out/xml"
cp tests/json/fixtures/*.xml tests/json/fixtures/*.json "$out/xml/"
event='<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="P" Guid="{54849625-5478-4994-a5ba-3e3b0328c30d}"/><EventID Qualifiers="16384">7045</EventID><TimeCreated SystemTime="2023-03-02T09:14:22.1234567Z"/><EventRecordID>12</EventRecordID><Execution ProcessID="4" ThreadID="8"/><Computer>PC</Computer><Security UserID="S-1-5-18"/></System><EventData><Data Name="ServiceName">x&amp;y</Data><Data>a</Data><Data><![CDATA[<b>]]></Data><Binary>0A0B</Binary></EventData><UserData><A xmlns="u"><B>c</B></A></UserData><RenderingInfo Culture="en-US"><Message>m</Message><Keywords><Keyword>k</Keyword></Keywords></RenderingInfo></Event>'
printf '<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n%s\n%s\n</Events>\n' "$event" "$event" >"$out/xml/events_root.xml"
printf '%s\n%s\n' "$event" "$event" >"$out/xml/wevtutil_stream.xml"
printf '%s' "$event" | iconv -f UTF-8 -t UTF-16 >"$out/xml/utf16.xml"
printf '<Event><EventData><Data Name="C">a\001b\037c&#13;&#10;</Data></EventData></Event>' >"$out/xml/controls.xml"
printf '<!DOCTYPE Event [<!ENTITY a "aaaa">]><Event>&a;</Event>' >"$out/xml/doctype.xml"

if [[ ! -d "$data" ]]; then
    echo "make_seed_corpus: no data folder at $data; XML seeds only" >&2
    exit 0
fi

mkdir -p "$out/evtx" "$out/json" "$out/sigma"
count=0
for sub in sigma/regression_data evtx-attack-samples; do
    [[ -d "$data/$sub" ]] || { echo "make_seed_corpus: $data/$sub missing, skipped" >&2; continue; }
    while IFS= read -r -d '' f; do
        # Flatten the relative path: names repeat across folders and some contain spaces.
        rel="${f#"$data"/}"
        name="${rel//[^A-Za-z0-9._-]/_}"
        cp -- "$f" "$out/evtx/$name"
        head -c 69632 -- "$f" >"$out/evtx/head_$name"
        dd if="$f" of="$out/evtx/chunk_$name" bs=4096 skip=1 count=16 status=none
        count=$((count + 1))
    done < <(find "$data/$sub" -type f -name '*.evtx' -print0)
done
# JSON: the evtx crate's renderings of the regression data, and a few other shapes.
# (No `| head` here: with pipefail, find's SIGPIPE would end the script.)
if [[ -d "$data/sigma/regression_data" ]]; then
    n=0
    first_json=""
    while IFS= read -r -d '' f; do
        n=$((n + 1))
        [[ $n -eq 1 ]] && first_json="$f"
        [[ $n -le 60 ]] && cp -- "$f" "$out/json/$(basename "$f")"
    done < <(find "$data/sigma/regression_data" -type f -name '*.json' -print0)
    # `evtx_dump -o json` (a `Record N` line before each pretty object), and gzip input.
    { printf 'Record 1\n'; cat -- "$first_json"; printf 'Record 2\n'; cat -- "$first_json"; } \
        >"$out/json/evtx_dump_records.json"
    gzip -c -- "$first_json" >"$out/json/regression.json.gz"
fi
printf '{"winlog":{"channel":"Security","event_id":4624,"event_data":{"LogonType":"3"}}}\n' >"$out/json/ecs.jsonl"
printf '[{"Hostname":"PC","EventID":1,"EventTime":"2019-11-15 20:01:02"}]' >"$out/json/flat.json"
printf '{"EventTime":"2019-11-15 20:01:02","Hostname":"PC","SourceName":"Service Control Manager","EventID":7045,"RecordNumber":7,"Big":123456789012345678901234567890}\n{"EventID":2,"cut":"x\n' >"$out/json/nxlog.jsonl"
printf '{"Event":{"System":{"EventID":4625,"EventID_attributes":{"Qualifiers":16384},"Provider":{},"Provider_attributes":{"Name":"x"}},"EventData":{"Data":{"#text":["a","b"]}},"UserData":{"A":{"B":"c"}}}}\n' >"$out/json/separate_attributes.json"
# Sigma: the published rules (every modifier and condition form appears somewhere) and ours.
for dir in "$data"/sigma/rules* rules; do
    [[ -d "$dir" ]] || continue
    while IFS= read -r -d '' f; do
        rel="${f#"$data"/}"
        cp -- "$f" "$out/sigma/${rel//[^A-Za-z0-9._-]/_}"
    done < <(find "$dir" -type f -name '*.yml' -print0)
done
echo "make_seed_corpus: $count logs -> $(find "$out" -type f | wc -l) seeds in $out"
