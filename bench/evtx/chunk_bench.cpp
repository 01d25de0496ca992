// Hot paths of the EVTX reader on one file of dense synthetic events, in memory (no I/O):
// parsing records into events (with and without naming fields) and printing them as JSON.
//   build/bench/evtx_chunk_bench
#include <benchmark/benchmark.h>

#include "core/byte_source.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/json_render.hpp"
#include "evtx/windows_event.hpp"
#include "evtx/writer.hpp"

namespace {

const std::vector<std::uint8_t>& sample_file() {
    static const std::vector<std::uint8_t> bytes = [] {
        vigie::evtx::EvtxWriter writer;
        vigie::core::Event event;
        for (std::uint64_t i = 0; i < 20000; ++i) {
            vigie::evtx::WindowsEventSpec s;
            s.provider = "Microsoft-Windows-Sysmon";
            s.provider_guid = "5770385F-C22A-43E0-BF4C-06F5698FFBD9";
            s.event_id = 1;
            s.record_id = i + 1;
            s.time = 133'000'000'000'000'000ULL + i * 10'000;
            s.channel = "Microsoft-Windows-Sysmon/Operational";
            s.computer = "PC-URGENCES-12";
            s.user_sid = "S-1-5-18";
            s.data = {{"RuleName", "-"},
                      {"Image", "C:\\Windows\\System32\\cmd.exe"},
                      {"CommandLine", "cmd.exe /c whoami /all " + std::to_string(i)},
                      {"CurrentDirectory", "C:\\Windows\\system32\\"},
                      {"User", "CHU\\utilisateur"},
                      {"ParentImage", "C:\\Windows\\explorer.exe"}};
            vigie::evtx::build_windows_event(s, event);
            if (!writer.add(event)) std::abort();
        }
        return writer.finish();
    }();
    return bytes;
}

void run(benchmark::State& state, bool fields, bool json) {
    const auto& bytes = sample_file();
    vigie::evtx::JsonRenderer renderer;
    std::uint64_t records = 0;
    for (auto _ : state) {
        auto file = vigie::evtx::EvtxFile::open(vigie::core::memory_source(bytes));
        vigie::evtx::ReadOptions options;
        options.index_fields = fields;
        std::string out;
        vigie::evtx::for_each_event<int>(
            *file, options,
            [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
                ++records;
                if (json) {
                    out.clear();
                    renderer.render(e, out);
                    benchmark::DoNotOptimize(out.data());
                }
            },
            [](int&&) {});
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
    state.counters["records/s"] =
        benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

void BM_ParseTree(benchmark::State& s) {
    run(s, false, false);
}
void BM_ParseWithFields(benchmark::State& s) {
    run(s, true, false);
}
void BM_ParseAndJson(benchmark::State& s) {
    run(s, false, true);
}

}  // namespace

BENCHMARK(BM_ParseTree)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseWithFields)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndJson)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
