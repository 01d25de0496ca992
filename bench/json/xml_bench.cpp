// Windows event XML parsing, in memory: every record of ../shared/data/evtx-attack-samples
// rendered as XML by vigie's renderer (what WEF, OpenWEC's Raw format and wevtutil carry), then
// parsed back one event at a time, as a daemon receiving them would: by WindowsXmlParser
// directly, and through EventTextParser as raw XML and as OpenWEC's JsonRaw (XML in JSON).
//   build/bench/json_xml_bench            (items_per_second is events per second, one core)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/xml_render.hpp"
#include "json/event_text.hpp"
#include "json/xml_event_reader.hpp"

namespace {

// The attack samples' records as XML documents, read once.
const std::vector<std::string>& sample_events() {
    static const std::vector<std::string> events = [] {
        std::vector<std::string> out;
        const std::filesystem::path dir =
            std::filesystem::path(VIGIE_SHARED_DATA) / "evtx-attack-samples";
        if (!std::filesystem::is_directory(dir)) return out;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
            if (entry.is_regular_file() && entry.path().extension() == ".evtx")
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& path : files) {
            auto file = vigie::evtx::EvtxFile::open(path.string());
            if (!file) continue;
            vigie::evtx::ReadOptions options;
            options.threads = 1;
            vigie::evtx::for_each_event<int>(
                *file, options,
                [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
                    std::string xml;
                    vigie::evtx::render_xml(e, xml);
                    out.push_back(std::move(xml));
                },
                [](int&&) {});
        }
        return out;
    }();
    return events;
}

template <typename Parse>
void run(benchmark::State& state, const std::vector<std::string>& docs, Parse parse) {
    if (docs.empty()) {
        state.SkipWithError("no evtx-attack-samples in ../shared/data");
        return;
    }
    std::size_t bytes = 0, i = 0, failed = 0;
    for (auto _ : state) {
        const std::string& doc = docs[i];
        failed += parse(doc) ? 0 : 1;
        bytes += doc.size();
        i = i + 1 == docs.size() ? 0 : i + 1;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["avg_bytes"] = static_cast<double>(bytes) / state.iterations();
    state.counters["failed"] = static_cast<double>(failed);
}

void BM_WindowsXmlParser(benchmark::State& state) {
    vigie::json::WindowsXmlParser parser;
    vigie::core::Event event;
    run(state, sample_events(),
        [&](const std::string& doc) { return static_cast<bool>(parser.parse_event(doc, event)); });
}
BENCHMARK(BM_WindowsXmlParser);

void BM_EventTextXml(benchmark::State& state) {
    vigie::json::EventTextParser parser;
    vigie::core::Event event;
    run(state, sample_events(),
        [&](const std::string& doc) { return static_cast<bool>(parser.build_event(doc, event)); });
}
BENCHMARK(BM_EventTextXml);

void BM_EventTextOpenWecJsonRaw(benchmark::State& state) {
    static const std::vector<std::string> docs = [] {
        std::vector<std::string> out;
        for (const std::string& xml : sample_events()) {
            std::string line =
                R"({"meta":{"IpAddress":"10.0.0.5","TimeReceived":"2023-03-02T10:14:23.001+01:00",)"
                R"("Principal":"PC$@CHU.LOCAL","Subscription":{"Name":"all","Uuid":"8B18D83D"}},"data":)";
            vigie::core::append_json_string(line, xml);
            line.push_back('}');
            out.push_back(std::move(line));
        }
        return out;
    }();
    vigie::json::EventTextParser parser;
    vigie::core::Event event;
    run(state, docs,
        [&](const std::string& doc) { return static_cast<bool>(parser.build_event(doc, event)); });
}
BENCHMARK(BM_EventTextOpenWecJsonRaw);

}  // namespace

BENCHMARK_MAIN();
