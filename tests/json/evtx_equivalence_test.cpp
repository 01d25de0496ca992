// A JSON export of a log must give the same fields as the log itself, so that rules match both
// alike. Two checks against the EVTX reader:
// - SigmaHQ's regression data: each .evtx comes with a .json the Rust evtx crate made from it;
// - the 277 evtx-attack-samples, rendered by vigie's evtx-crate JSON renderer (which the
//   regression data shows equal to the crate's output) and read back: these cover what the
//   regression data lacks (unnamed Data, UserData variety, qualifiers, RenderingInfo).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "collect.hpp"
#include "evtx/json_render.hpp"
#include "support.hpp"

namespace {

using vigie::test::FieldList;

struct EvtxRead {
    std::vector<FieldList> events;  // sorted
    std::vector<std::uint64_t> record_ids, timestamps;
    std::string jsonl;  // the events rendered in the evtx crate's shape
};

EvtxRead read_evtx(const std::filesystem::path& path) {
    EvtxRead r;
    auto file = vigie::evtx::EvtxFile::open(path.string());
    EXPECT_TRUE(file) << path;
    if (!file) return r;
    vigie::evtx::ReadOptions options;
    options.threads = 1;
    vigie::evtx::JsonRenderer renderer;
    vigie::evtx::for_each_event<int>(
        *file, options,
        [&](const vigie::core::Event& e, const vigie::evtx::RecordInfo&, int&, unsigned) {
            FieldList l = vigie::test::field_list(e);
            std::sort(l.begin(), l.end());
            r.events.push_back(std::move(l));
            // Some files were cut out of larger logs: the record header counts from 1, while
            // System/EventRecordID (what JSON exports print) keeps the original number.
            const auto* id = e.field("EventRecordID");
            r.record_ids.push_back(
                id != nullptr ? static_cast<std::uint64_t>(id->to_int().value_or(0)) : 0);
            r.timestamps.push_back(e.timestamp);
            renderer.render(e, r.jsonl);
            r.jsonl.push_back('\n');
        },
        [](int&&) {});
    return r;
}

vigie::test::Collected read_json(vigie::core::InputStream& in) {
    auto c = vigie::test::collect(in);
    for (auto& l : c.events) std::sort(l.begin(), l.end());
    return c;
}

// The crate prints microseconds; EVTX holds 100 ns ticks.
std::uint64_t micros(std::uint64_t ticks) {
    return ticks / 10 * 10;
}

// One <Data> holding a string array (classic Application-log providers: MSSQL, MsiInstaller,
// ESENT) prints in the crate's JSON exactly like several <Data> elements, so the JSON reader
// gives Data[1..n], one per item, where the EVTX reader gives one Data with the items joined
// by ','. Returns `json` with its Data fields replaced by the joined form when that is the
// whole difference.
bool join_string_array_data(const FieldList& evtx, FieldList& json) {
    std::vector<std::string> evtx_data, json_items;
    for (const auto& [name, text] : evtx) {
        if (name == "Data") evtx_data.push_back(text);
    }
    // The items in order: Data[1], Data[2], ... (the lists are sorted by name and text).
    for (std::size_t k = 1;; ++k) {
        const std::string name = "Data[" + std::to_string(k) + "]";
        auto it =
            std::find_if(json.begin(), json.end(), [&](const auto& f) { return f.first == name; });
        if (it == json.end()) break;
        json_items.push_back(it->second);
    }
    if (evtx_data.size() != 1 || json_items.size() < 2) return false;
    std::string joined;
    for (std::size_t i = 0; i < json_items.size(); ++i) {
        if (i > 0) joined.push_back(',');
        joined += json_items[i];
    }
    if (joined != evtx_data[0]) return false;
    std::erase_if(
        json, [](const auto& f) { return f.first == "Data" || f.first.rfind("Data[", 0) == 0; });
    for (const auto& f : evtx) {
        if (f.first == "Data" || f.first == "Data[1]") json.push_back(f);
    }
    std::sort(json.begin(), json.end());
    return true;
}

}  // namespace

TEST(JsonEvtxEquivalence, RegressionDataJsonGivesTheSameFieldsAsItsEvtx) {
    VIGIE_REQUIRE_SHARED_DATA("sigma/regression_data");
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "sigma/regression_data", ".evtx");
    ASSERT_EQ(files.size(), 202u);
    std::size_t records = 0, fields = 0, exceptions = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        const EvtxRead evtx = read_evtx(path);
        auto in = vigie::core::open_input_stream(
            std::filesystem::path(path).replace_extension(".json").string());
        ASSERT_TRUE(in);
        const auto json = read_json(**in);
        ASSERT_FALSE(json.error) << json.error->to_string();
        EXPECT_EQ(json.stats.malformed, 0u);
        EXPECT_EQ(json.stats.repaired, 0u);
        ASSERT_EQ(json.events.size(), evtx.events.size());
        EXPECT_EQ(json.record_ids, evtx.record_ids);
        // The named exceptions of tests/evtx/regression_data_test.cpp: this file's .json was
        // edited by hand (a 9-digit SystemTime, Explorer.exe for the record's Explorer.EXE).
        const bool edited = path.filename() == "ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx";
        for (std::size_t i = 0; i < evtx.events.size(); ++i) {
            SCOPED_TRACE("record " + std::to_string(i));
            FieldList evtx_fields = evtx.events[i], json_fields = json.events[i];
            if (edited) {
                EXPECT_EQ(json.timestamps[i], evtx.timestamps[i]);  // 9 digits: exact ticks
                for (auto* l : {&evtx_fields, &json_fields}) {
                    std::erase_if(*l, [&](const auto& f) {
                        if (f.first != "TimeCreated_SystemTime" && f.first != "ParentCommandLine")
                            return false;
                        ++exceptions;
                        return true;
                    });
                }
            } else {
                EXPECT_EQ(json.timestamps[i], micros(evtx.timestamps[i]));
            }
            EXPECT_EQ(json_fields, evtx_fields);
            fields += evtx_fields.size();
            ++records;
        }
    }
    EXPECT_EQ(exceptions, 4u);  // two fields, on each side
    std::printf("regression data: 202 files, %zu records, %zu fields equal, 2 named exceptions\n",
                records, fields);
}

TEST(JsonEvtxEquivalence, AttackSamplesRenderedAsCrateJsonReadBackToTheSameFields) {
    VIGIE_REQUIRE_SHARED_DATA("evtx-attack-samples");
    const auto files =
        vigie::test::files_under(vigie::test::shared_data() / "evtx-attack-samples", ".evtx");
    ASSERT_GE(files.size(), 270u);
    std::size_t records = 0, fields = 0, joined = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.string());
        const EvtxRead evtx = read_evtx(path);
        auto in = vigie::core::memory_input_stream(evtx.jsonl, path.string());
        const auto json = read_json(*in);
        ASSERT_FALSE(json.error);
        EXPECT_EQ(json.stats.malformed, 0u);
        ASSERT_EQ(json.events.size(), evtx.events.size());
        EXPECT_EQ(json.record_ids, evtx.record_ids);
        for (std::size_t i = 0; i < evtx.events.size(); ++i) {
            SCOPED_TRACE("record " + std::to_string(i));
            EXPECT_EQ(json.timestamps[i], micros(evtx.timestamps[i]));
            FieldList json_fields = json.events[i];
            if (json_fields != evtx.events[i] &&
                join_string_array_data(evtx.events[i], json_fields)) {
                ++joined;
            }
            EXPECT_EQ(json_fields, evtx.events[i]);
            fields += json_fields.size();
            ++records;
        }
    }
    std::printf(
        "attack samples: %zu files, %zu records, %zu fields equal; %zu records with a "
        "string-array Data compared joined\n",
        files.size(), records, fields, joined);
}
