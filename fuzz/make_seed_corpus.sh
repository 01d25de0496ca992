#!/usr/bin/env bash
# fuzz/make_seed_corpus.sh DIR - fills DIR/evtx, DIR/json, DIR/sigma, DIR/xml, DIR/syslog and
# DIR/bulk with seed inputs for evtx_file_fuzzer, json_events_fuzzer, sigma_rule_fuzzer,
# xml_events_fuzzer, syslog_framing_fuzzer and bulk_request_fuzzer.
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


# Syslog streams and bulk bodies are written here: they need no shared data. A syslog seed's
# first two bytes are the fuzzer's frame limit and chunk seed.
mkdir -p "$out/syslog" "$out/bulk"
ecs='{"@timestamp":"2023-11-15T19:01:02.345Z","winlog":{"channel":"Security","event_id":"4624","computer_name":"DC01.hopital.local","event_data":{"TargetUserName":"adm-jdupont","LogonType":"3","IpAddress":"10.1.2.30"}}}'
printf '\x40\x07<13>Nov  5 20:01:02 dc01 sshd[1234]: Accepted publickey for admin\n<14>Nov 15 20:01:02 DC01 Microsoft-Windows-Security-Audit %s\r\n' "$ecs" >"$out/syslog/rfc3164_lines"
msg="<134>1 2019-11-15T20:01:02.123456+01:00 dc01 vigie-forward 2417 - - $ecs"
printf '\x40\x11%d %s\n%d %s' "$((${#msg} + 1))" "$msg" "${#msg}" "$msg" >"$out/syslog/rfc5424_octet_counted"
printf '\x02\x05%s\n\0<14>1 2019-11-15T20:01:02Z DC01 Microsoft-Windows-Security-Auditing 716 - [NXLOG@14506 EventID="4624" Name="a\\"b\\]c\\\\"][x@1 y="z"] \xef\xbb\xbf@cee: %s\n40 toolong\n12x' "$msg" "$ecs" >"$out/syslog/mixed_nul_sd_oversized"
printf '\x01\x03<13>1 - - - - - - <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4688</EventID></System></Event>\n' >"$out/syslog/xml_payload"
action='{"create":{"_index":"winlogbeat-8.11.0"}}'
printf '%s\n%s\n%s\n%s\n' "$action" "$ecs" "$action" "$ecs" >"$out/bulk/winlogbeat.ndjson"
[[ -f tests/watch/fixtures/winlogbeat_bulk.ndjson ]] && cp tests/watch/fixtures/winlogbeat_bulk.ndjson "$out/bulk/"
printf '\r\n{"index":{"_index":"i","_id":"1"}}\r\n{"a":1}\r\n{"delete":{"_index":"i","_id":"2"}}\n{"update":{"_index":"i","_id":"3"}}\n{"doc":{}}\n{"upsert":{}}\n{"b":2}\nnot json\n{"create":{"_index":"a\\"b\\u0001","_id":"x\\\\y","pipeline":"p"}}\n[1]\n{"create":{}}' >"$out/bulk/every_action.ndjson"

if [[ ! -d "$data" ]]; then
    echo "make_seed_corpus: no data folder at $data; only XML, syslog and bulk seeds made" >&2
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
# A rule and a Sigma filter naming it, in one file: filters reach across documents.
cat >"$out/sigma/rule_and_filter.yml" <<'YAML'
title: Whoami
id: 0d1a2b3c-0000-4000-8000-000000000001
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\whoami.exe'}
    condition: selection
---
title: Admins run whoami
logsource: {product: windows}
filter:
    rules: [0d1a2b3c-0000-4000-8000-000000000001]
    selection: {User|startswith: 'CHU\adm_'}
    other: {CommandLine|contains: '/all'}
    condition: selection and not other
YAML
echo "make_seed_corpus: $count logs -> $(find "$out" -type f | wc -l) seeds in $out"
