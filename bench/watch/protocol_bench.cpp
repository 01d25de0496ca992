// Throughput of the watch daemon's protocol parsers on realistic input: syslog frames of about
// 1 KB (RFC 5424 with a Winlogbeat-like JSON event, both framings) cut from 64 KiB reads or
// from 1,460-byte reads (one TCP segment each: most frames then straddle two reads and are
// assembled in the reader's buffer), with and without header parsing, and Winlogbeat `_bulk` bodies
// of 1,600 items (the Beats presets' bulk_max_size), parsed and answered. Goal: the parsers are
// never the daemon's bottleneck (over 500,000 frames/s of 1 KB on one core).
//
//   build/bench/watch_protocol_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "watch/bulk_request.hpp"
#include "watch/syslog_framing.hpp"
#include "watch/syslog_message.hpp"

namespace {

using namespace vigie;

// A Winlogbeat ECS event of about `size` bytes (the message text is padded).
std::string ecs_event(std::size_t size, int i) {
    std::string e =
        R"({"@timestamp":"2023-11-15T19:01:02.345Z","agent":{"name":"DC01","type":"winlogbeat","version":"8.11.0"},)"
        R"("winlog":{"channel":"Security","event_id":"4624","provider_name":"Microsoft-Windows-Security-Auditing",)"
        R"("record_id":)" +
        std::to_string(1234567 + i) +
        R"(,"computer_name":"DC01.hopital.local","event_data":{"SubjectUserSid":"S-1-0-0","TargetUserName":"adm-jdupont",)"
        R"("TargetDomainName":"HOPITAL","LogonType":"3","AuthenticationPackageName":"NTLM","WorkstationName":"PC-ACCUEIL-03",)"
        R"("IpAddress":"10.1.2.30","IpPort":"51234"}},"event":{"code":"4624","kind":"event","outcome":"success"},"message":")";
    while (e.size() + 3 < size) e += "An account was successfully logged on. ";
    e.resize(size - 2);
    e += "\"}";
    return e;
}

std::string syslog_stream(bool octet_counted, std::size_t bytes) {
    std::string stream;
    for (int i = 0; stream.size() < bytes; ++i) {
        const std::string msg =
            "<134>1 2023-11-15T20:01:02.345678+01:00 dc01.hopital.local vigie-forward 2417 - - " +
            ecs_event(920, i);
        if (octet_counted) {
            stream += std::to_string(msg.size()) + " " + msg;
        } else {
            stream += msg + "\n";
        }
    }
    return stream;
}

void frames(benchmark::State& state, bool octet_counted, bool parse_headers) {
    const std::string stream = syslog_stream(octet_counted, 8u << 20);
    const auto kRead = static_cast<std::size_t>(state.range(0));  // bytes per read()
    std::int64_t count = 0;
    std::size_t sink = 0;
    for (auto _ : state) {
        watch::SyslogFrameReader reader;
        for (std::size_t pos = 0; pos < stream.size(); pos += kRead) {
            reader.feed(std::string_view(stream).substr(pos, kRead));
            watch::SyslogFrame f;
            while (reader.next(f)) {
                ++count;
                if (parse_headers) {
                    auto m = watch::parse_syslog_message(f.message);
                    sink += watch::find_event_payload(m->message).text.size() + m->hostname.size();
                } else {
                    sink += f.message.size();
                }
            }
        }
        reader.finish();
    }
    benchmark::DoNotOptimize(sink);
    state.SetItemsProcessed(count);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}

void BM_SyslogFramesLf(benchmark::State& state) {
    frames(state, false, false);
}
void BM_SyslogFramesOctetCounted(benchmark::State& state) {
    frames(state, true, false);
}
void BM_SyslogFramesLfWithHeaders(benchmark::State& state) {
    frames(state, false, true);
}
void BM_SyslogFramesOctetCountedWithHeaders(benchmark::State& state) {
    frames(state, true, true);
}

std::string bulk_body(int items) {
    std::string body;
    for (int i = 0; i < items; ++i) {
        body += R"({"create":{"_index":"winlogbeat-8.11.0"}})";
        body += '\n';
        body += ecs_event(1500, i);
        body += '\n';
    }
    return body;
}

void BM_BulkParse(benchmark::State& state) {
    const std::string body = bulk_body(1600);
    std::int64_t count = 0;
    for (auto _ : state) {
        auto r = watch::parse_bulk_body(body);
        count += static_cast<std::int64_t>(r->items.size());
        benchmark::DoNotOptimize(r->items.data());
    }
    state.SetItemsProcessed(count);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void BM_BulkParseAndAnswer(benchmark::State& state) {
    const std::string body = bulk_body(1600);
    watch::BulkIdGenerator ids(42);
    std::int64_t count = 0;
    std::size_t answer_bytes = 0;
    for (auto _ : state) {
        auto r = watch::parse_bulk_body(body);
        const auto outcomes = watch::default_outcomes(*r);
        const std::string answer = watch::render_bulk_response(*r, outcomes, 5, ids);
        answer_bytes += answer.size();
        count += static_cast<std::int64_t>(r->items.size());
    }
    benchmark::DoNotOptimize(answer_bytes);
    state.SetItemsProcessed(count);
}

}  // namespace

BENCHMARK(BM_SyslogFramesLf)->Arg(64 << 10)->Arg(1460)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SyslogFramesOctetCounted)->Arg(64 << 10)->Arg(1460)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SyslogFramesLfWithHeaders)->Arg(64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SyslogFramesOctetCountedWithHeaders)->Arg(64 << 10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BulkParse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BulkParseAndAnswer)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
