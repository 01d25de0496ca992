// JSON event exports: the three shapes, the three layouts, bad objects, compressed input, and
// the evtx-crate JSON of SigmaHQ's regression data against the EVTX files it was made from.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <map>

#include "core/sequential_input.hpp"
#include "evtx/file_reader.hpp"
#include "json/event_reader.hpp"
#include "support.hpp"

namespace {

using vigie::json::JsonFormat;

struct Read {
    std::vector<std::map<std::string, std::string>> events;  // field name -> text (first)
    std::vector<std::uint64_t> timestamps, record_ids;
    std::vector<JsonFormat> shapes;
    vigie::json::JsonStats stats;
};

Read read(std::string_view text, JsonFormat format = JsonFormat::kAuto) {
    Read r;
    auto in = vigie::core::memory_sequential(text);
    vigie::json::JsonReadOptions options;
    options.format = format;
    options.max_object_bytes = 4096;
    auto stats = vigie::json::read_json_events(
        *in, options, [&](const vigie::core::Event& e, const vigie::json::JsonEventInfo& info) {
            std::map<std::string, std::string> m;
            for (const auto& f : e.fields()) m.emplace(std::string(f.name), f.value.text());
            r.events.push_back(std::move(m));
            r.timestamps.push_back(e.timestamp);
            r.record_ids.push_back(e.record_id);
            r.shapes.push_back(info.shape);
        });
    EXPECT_TRUE(stats);
    if (stats) r.stats = *stats;
    return r;
}

const char* kCrate =
    R"({"Event":{"#attributes":{"xmlns":"x"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":1,"TimeCreated":{"#attributes":{"SystemTime":"2019-11-15T20:01:02.500000Z"}},"EventRecordID":42,"Correlation":null,"Execution":{"#attributes":{"ProcessID":3208}},"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"PC-01","Security":{"#attributes":{"UserID":"S-1-5-18"}}},"EventData":{"Image":"C:\\Windows\\cmd.exe","Empty":null}}})";

}  // namespace

TEST(JsonEvents, EvtxCrateShapeNamesFieldsLikeTheEvtxReader) {
    const Read r = read(kCrate);
    ASSERT_EQ(r.events.size(), 1u);
    const auto& e = r.events[0];
    EXPECT_EQ(r.shapes[0], JsonFormat::kEvtxCrate);
    EXPECT_EQ(e.at("EventID"), "1");
    EXPECT_EQ(e.at("Provider_Name"), "Microsoft-Windows-Sysmon");
    EXPECT_EQ(e.at("Execution_ProcessID"), "3208");
    EXPECT_EQ(e.at("Security_UserID"), "S-1-5-18");
    EXPECT_EQ(e.at("Channel"), "Microsoft-Windows-Sysmon/Operational");
    EXPECT_EQ(e.at("Image"), "C:\\Windows\\cmd.exe");
    EXPECT_EQ(e.count("Correlation"), 0u);
    EXPECT_EQ(e.at("Empty"), "");  // present, null
    EXPECT_EQ(r.record_ids[0], 42u);
    EXPECT_EQ(vigie::core::format_iso8601_micros(r.timestamps[0]), "2019-11-15T20:01:02.500000Z");
}

TEST(JsonEvents, UnwrappedCrateShapeAsVelociraptorWritesIt) {
    const Read r =
        read(R"({"System":{"EventID":4624,"Channel":"Security"},"EventData":{"LogonType":3}})");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.shapes[0], JsonFormat::kEvtxCrate);
    EXPECT_EQ(r.events[0].at("LogonType"), "3");
}

TEST(JsonEvents, UnnamedDataAsDataAndPositions) {
    const Read r = read(
        R"({"Event":{"System":{"EventID":400,"Channel":"Windows PowerShell"},"EventData":{"Data":["Available","None","HostApplication=powershell"]}}})");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].at("Data"), "Available");
    EXPECT_EQ(r.events[0].at("Data[3]"), "HostApplication=powershell");
}

TEST(JsonEvents, WinlogbeatEcsShape) {
    const Read r = read(
        R"({"@timestamp":"2019-11-15T20:01:02.000Z","host":{"name":"pc-01.chu.local"},"winlog":{"channel":"Security","event_id":4624,"provider_name":"Microsoft-Windows-Security-Auditing","computer_name":"PC-01.chu.local","record_id":"9001","event_data":{"LogonType":"3","TargetUserName":"adm"},"process":{"pid":612}},"event":{"code":"4624"}})");
    ASSERT_EQ(r.events.size(), 1u);
    const auto& e = r.events[0];
    EXPECT_EQ(r.shapes[0], JsonFormat::kEcs);
    EXPECT_EQ(e.at("Channel"), "Security");
    EXPECT_EQ(e.at("EventID"), "4624");
    EXPECT_EQ(e.at("Provider_Name"), "Microsoft-Windows-Security-Auditing");
    EXPECT_EQ(e.at("Computer"), "PC-01.chu.local");
    EXPECT_EQ(e.at("LogonType"), "3");
    EXPECT_EQ(e.at("Execution_ProcessID"), "612");
    EXPECT_EQ(e.at("winlog.event_data.TargetUserName"), "adm");
    EXPECT_EQ(r.record_ids[0], 9001u);
    EXPECT_NE(r.timestamps[0], 0u);
}

TEST(JsonEvents, FlatExportWithAliases) {
    const Read r = read(
        R"({"EventTime":"2019-11-15 20:01:02","Hostname":"PC-01","SourceName":"Service Control Manager","Channel":"System","EventID":7045,"RecordNumber":77,"ServiceName":"SecurityCenterIBM","Extra":{"Nested":"x"}})");
    ASSERT_EQ(r.events.size(), 1u);
    const auto& e = r.events[0];
    EXPECT_EQ(r.shapes[0], JsonFormat::kFlat);
    EXPECT_EQ(e.at("Computer"), "PC-01");
    EXPECT_EQ(e.at("Provider_Name"), "Service Control Manager");
    EXPECT_EQ(e.at("ServiceName"), "SecurityCenterIBM");
    EXPECT_EQ(e.at("Extra.Nested"), "x");
    EXPECT_EQ(r.record_ids[0], 77u);
    EXPECT_NE(r.timestamps[0], 0u);
}

TEST(JsonEvents, ForcedFormatOverridesDetection) {
    const Read r = read(kCrate, JsonFormat::kFlat);
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.shapes[0], JsonFormat::kFlat);
    EXPECT_EQ(r.events[0].at("Event.System.Channel"), "Microsoft-Windows-Sysmon/Operational");
}

TEST(JsonEvents, JsonLinesArraysAndConcatenatedObjectsReadAlike) {
    const std::string a = R"({"EventID":1,"s":"a, } ] { \" \\"})";
    const std::string b = R"({"EventID":2,"n":{"deep":[1,{"x":"}"}]}})";
    for (const std::string& text : {a + "\n" + b + "\n", "[" + a + ",\n" + b + "]", a + b,
                                    "[\n  " + a + ",\n  " + b + "\n]\n"}) {
        const Read r = read(text);
        ASSERT_EQ(r.events.size(), 2u) << text;
        EXPECT_EQ(r.events[0].at("s"), "a, } ] { \" \\");
        EXPECT_EQ(r.events[1].at("EventID"), "2");
        EXPECT_EQ(r.stats.malformed, 0u);
    }
}

TEST(JsonEvents, AMalformedObjectIsCountedAndTheNextOnesStillRead) {
    const Read r = read("{\"EventID\":1}\n{\"EventID\":2,,}\nnot json at all\n{\"EventID\":3}\n");
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[1].at("EventID"), "3");
    EXPECT_EQ(r.stats.malformed, 2u);
    ASSERT_EQ(r.stats.problems.size(), 2u);
    EXPECT_EQ(r.stats.problems[0].rfind("line 2 (offset 14): malformed JSON", 0), 0u)
        << r.stats.problems[0];
    EXPECT_EQ(r.stats.problems[1].rfind("line 3 (offset 30)", 0), 0u) << r.stats.problems[1];
}

TEST(JsonEvents, OversizedAndTruncatedObjectsAreSkipped) {
    const std::string big = "{\"EventID\":1,\"blob\":\"" + std::string(10000, 'x') + "\"}";
    const Read r = read(big + "\n{\"EventID\":2}\n{\"EventID\":3,\"cut\":\"");
    ASSERT_EQ(r.events.size(), 1u);
    EXPECT_EQ(r.events[0].at("EventID"), "2");
    EXPECT_EQ(r.stats.oversized, 1u);
    EXPECT_EQ(r.stats.malformed, 1u);
}

TEST(JsonEvents, GzipAndZstdInputsAreReadDirectly) {
    const std::string text = std::string(kCrate) + "\n" + kCrate + "\n";
    // gzip, two members (concatenated .gz files are one stream)
    std::string gz;
    for (int member = 0; member < 2; ++member) {
        z_stream z{};
        ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
        std::string out(compressBound(text.size()) + 64, '\0');
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
        z.avail_in = static_cast<uInt>(text.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
        out.resize(z.total_out);
        deflateEnd(&z);
        gz += out;
    }
    EXPECT_EQ(read(gz).events.size(), 4u);
    std::string zst(ZSTD_compressBound(text.size()), '\0');
    zst.resize(ZSTD_compress(zst.data(), zst.size(), text.data(), text.size(), 3));
    EXPECT_EQ(read(zst).events.size(), 2u);
    // A truncated stream is an error, not a crash or a silent end.
    auto in = vigie::core::memory_sequential(std::string_view(zst).substr(0, zst.size() / 2));
    auto stats = vigie::json::read_json_events(*in, {}, [](auto&&, auto&&) {});
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().code, vigie::core::ErrorCode::kCorrupt);
    std::string garbage_gz = "\x1f\x8b" + std::string(100, 'z');
    auto bad = vigie::core::memory_sequential(garbage_gz);
    EXPECT_FALSE(vigie::json::read_json_events(*bad, {}, [](auto&&, auto&&) {}));
}

// The .json beside each .evtx of SigmaHQ's regression data is the evtx crate's rendering of the
// same records: reading it must give the same fields, values, times and record ids as reading
// the EVTX file.
TEST(JsonEvents, RegressionDataJsonGivesTheSameFieldsAsItsEvtx) {
    VIGIE_REQUIRE_SHARED_DATA("sigma/regression_data");
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "sigma/regression_data", ".evtx");
    ASSERT_GE(files.size(), 200u);
    std::size_t compared = 0, fields = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        using FieldList = std::vector<std::pair<std::string, std::string>>;
        std::vector<FieldList> from_evtx, from_json;
        std::vector<std::uint64_t> evtx_ids, json_ids, evtx_times, json_times;
        auto file = vigie::evtx::EvtxFile::open(path.string());
        ASSERT_TRUE(file);
        vigie::evtx::ReadOptions options;
        options.threads = 1;
        vigie::evtx::for_each_event<int>(
            *file, options,
            [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
                FieldList l;
                for (const auto& f : e.fields()) l.emplace_back(f.name, f.value.text());
                from_evtx.push_back(std::move(l));
                // Some files were cut out of larger logs: the record header counts from 1,
                // System/EventRecordID (what the crate prints) keeps the original number.
                const auto* id = e.field("EventRecordID");
                evtx_ids.push_back(
                    id != nullptr ? static_cast<std::uint64_t>(id->to_int().value_or(0)) : 0);
                evtx_times.push_back(e.timestamp);
            },
            [](int&&) {});
        auto in = vigie::core::open_sequential(
            std::filesystem::path(path).replace_extension(".json").string());
        ASSERT_TRUE(in);
        auto stats = vigie::json::read_json_events(
            **in, {}, [&](const vigie::core::Event& e, const vigie::json::JsonEventInfo&) {
                FieldList l;
                for (const auto& f : e.fields()) l.emplace_back(f.name, f.value.text());
                from_json.push_back(std::move(l));
                json_ids.push_back(e.record_id);
                json_times.push_back(e.timestamp);
            });
        ASSERT_TRUE(stats);
        EXPECT_EQ(stats->malformed, 0u);
        ASSERT_EQ(from_json.size(), from_evtx.size());
        EXPECT_EQ(json_ids, evtx_ids);
        const bool edited = path.filename() == "ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx";
        if (!edited) {
            // The crate prints microseconds; EVTX holds 100 ns ticks.
            for (std::size_t i = 0; i < evtx_times.size(); ++i) {
                EXPECT_EQ(json_times[i], evtx_times[i] / 10 * 10);
            }
        }
        for (std::size_t i = 0; i < from_evtx.size(); ++i) {
            for (auto& l : {&from_evtx[i], &from_json[i]}) std::sort(l->begin(), l->end());
            FieldList evtx_fields = from_evtx[i], json_fields = from_json[i];
            // Times: the crate prints SystemTime with microseconds, as vigie's text does; the one
            // hand-edited file (see tests/evtx/regression_data_test.cpp) differs in two values.
            if (edited) {
                auto drop = [](FieldList& l) {
                    std::erase_if(l, [](const auto& f) {
                        return f.first == "TimeCreated_SystemTime" ||
                               f.first == "ParentCommandLine";
                    });
                };
                drop(evtx_fields);
                drop(json_fields);
            }
            EXPECT_EQ(json_fields, evtx_fields) << "record " << i;
            fields += evtx_fields.size();
        }
        ++compared;
    }
    std::printf("regression data: %zu files, %zu fields compared\n", compared, fields);
}
