// FolderFollower in process: JSON lines appended line by line (a half-written line waits for
// its newline), rotation by rename, truncation, a file that appears later, Windows event XML,
// an EVTX file copied chunk by chunk across a restart, bad input counted; every time the
// detections are those `vigie hunt` finds and none is seen twice.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>

#include "engine_support.hpp"
#include "evtx/xml_render.hpp"
#include "scenario/scenario.hpp"
#include "watch/folder_follower.hpp"
#include "watch/watch_engine.hpp"

namespace {

using namespace vigie;
using namespace vigie::test;
namespace fs = std::filesystem;

const std::string kDemoEvtx = std::string(VIGIE_SOURCE_DIR) + "/tests/fixtures/demo.evtx";

// Appends bytes to a file (creating it), flushed when the call returns.
void append(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string joined(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to && i < lines.size(); ++i) out += lines[i] + "\n";
    return out;
}

std::multiset<DetectionKey> alerted_detections(const std::string& state_dir) {
    std::multiset<DetectionKey> out;
    auto reader = watch::StateReader::open(state_dir);
    EXPECT_TRUE(reader);
    if (!reader) return out;
    simdjson::dom::parser parser;
    EXPECT_TRUE(reader->alerts_after(0, 1'000'000, [&](std::int64_t, std::string_view body) {
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(body.data(), body.size()).get(e), simdjson::SUCCESS) << body;
        if (e["type"].get_string().value_unsafe() != "detection") return;
        out.emplace(std::string(e["computer"].get_string().value_unsafe()),
                    e["record_id"].get_uint64().value_unsafe(),
                    std::string(e["rule_id"].get_string().value_unsafe()));
    }));
    return out;
}

// An engine and a follower on DIR/logs, state in DIR/state; stopped (follower first) when
// destroyed, as `vigie watch` stops them.
class Following {
  public:
    Following(const sigma::RuleSet& rules, const TempDir& dir, int settle_ms = 300,
              std::size_t max_event_bytes = std::size_t{1} << 20) {
        watch::WatchOptions o;
        o.state_dir = dir.str() + "/state";
        o.match_threads = 2;
        o.idle_release_ms = 50;
        auto engine = watch::WatchEngine::open(rules, o);
        EXPECT_TRUE(engine) << engine.error().to_string();
        engine_ = std::move(*engine);
        fs::create_directories(dir.path() / "logs");
        watch::FolderFollowerOptions fo;
        fo.folder = (dir.path() / "logs").string();
        fo.poll_ms = 40;
        fo.settle_ms = settle_ms;
        fo.max_event_bytes = max_event_bytes;
        auto follower = watch::FolderFollower::open(*engine_, fo, [this](std::string_view l) {
            std::lock_guard lock(log_mutex_);
            log_ += std::string(l) + "\n";
        });
        EXPECT_TRUE(follower);
        follower_ = std::move(*follower);
        engine_->start();
        follower_->start();
    }
    ~Following() { stop(); }

    void stop() {
        if (follower_) follower_->stop();
        if (engine_) engine_->stop();
    }
    watch::WatchEngine& engine() { return *engine_; }
    watch::FolderFollower& follower() { return *follower_; }
    watch::InputCounters& counters() { return engine_->counters(follower_->input()); }
    std::string log() {
        std::lock_guard lock(log_mutex_);
        return log_;
    }
    /// Waits until `n` events are processed; then a little longer, to see that no more come.
    bool processed_exactly(std::uint64_t n) {
        const bool reached = wait_until([&] { return counters().events_processed >= n; });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        EXPECT_EQ(counters().events_processed, n) << log();
        return reached;
    }

  private:
    std::unique_ptr<watch::WatchEngine> engine_;
    std::unique_ptr<watch::FolderFollower> follower_;
    std::mutex log_mutex_;
    std::string log_;
};

TEST(FolderFollower, JsonLinesAppendedLineByLineAndAHalfWrittenLineWaitsForItsNewline) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    ASSERT_EQ(lines.size(), 11u);
    const fs::path file = dir.path() / "logs" / "wec.jsonl";
    Following f(*rules, dir, /*settle_ms=*/60'000);
    for (std::size_t i = 0; i < 5; ++i) append(file, lines[i] + "\n");
    append(file, std::string_view(lines[5]).substr(0, lines[5].size() / 2));
    ASSERT_TRUE(f.processed_exactly(5)) << f.log();
    EXPECT_EQ(f.counters().events_received, 5u) << "the half line is not taken";
    append(file, lines[5].substr(lines[5].size() / 2) + "\n");
    for (std::size_t i = 6; i < lines.size(); ++i) append(file, lines[i] + "\n");
    ASSERT_TRUE(f.processed_exactly(11));
    ASSERT_TRUE(wait_until([&] { return f.engine().status().pending_correlation == 0; }));
    f.stop();
    EXPECT_EQ(f.counters().events_rejected, 0u) << f.log();
    EXPECT_EQ(f.engine().status().duplicates, 0u);
    EXPECT_EQ(alerted_detections(dir.str() + "/state"),
              hunt_in_process(*rules, {kDemoEvtx}).detections);
}

TEST(FolderFollower, ALastLineWithoutNewlineIsReadOnceTheFileIsQuiet) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    Following f(*rules, dir, /*settle_ms=*/300);
    std::string text = joined(lines, 0, lines.size());
    text.pop_back();  // no newline after the last line
    append(dir.path() / "logs" / "export.json", text);
    ASSERT_TRUE(f.processed_exactly(11)) << f.log();
    EXPECT_EQ(f.counters().events_rejected, 0u);
}

TEST(FolderFollower, ARotatedFileIsReadToItsEndAndTheNewOneFromItsStart) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    const fs::path file = dir.path() / "logs" / "wec.jsonl";
    Following f(*rules, dir);
    append(file, joined(lines, 0, 5));
    ASSERT_TRUE(f.processed_exactly(5)) << f.log();
    // Lines the follower may not have seen yet, then the rotation at once.
    append(file, joined(lines, 5, 8));
    fs::rename(file, dir.path() / "logs" / "wec.jsonl.1");
    append(file, joined(lines, 8, 11));
    ASSERT_TRUE(f.processed_exactly(11)) << f.log();
    ASSERT_TRUE(wait_until([&] { return f.engine().status().pending_correlation == 0; }));
    f.stop();
    EXPECT_EQ(f.engine().status().duplicates, 0u);
    EXPECT_EQ(f.follower().stats().truncations, 0u);
    EXPECT_EQ(alerted_detections(dir.str() + "/state"),
              hunt_in_process(*rules, {kDemoEvtx}).detections);
}

TEST(FolderFollower, ATruncatedFileIsReadAgainFromItsStart) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    const fs::path file = dir.path() / "logs" / "wec.jsonl";
    Following f(*rules, dir);
    append(file, joined(lines, 0, 6));
    ASSERT_TRUE(f.processed_exactly(6)) << f.log();
    fs::resize_file(file, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // seen empty
    append(file, joined(lines, 6, 8));
    ASSERT_TRUE(f.processed_exactly(8)) << f.log();
    // Rewritten in place, longer than before and with the same first line: the bytes before
    // the position tell.
    std::ofstream(file, std::ios::binary | std::ios::trunc)
        << joined(lines, 6, 7) + joined(lines, 8, 11);
    ASSERT_TRUE(f.processed_exactly(12)) << f.log();
    f.stop();
    EXPECT_EQ(f.follower().stats().truncations, 2u) << f.log();
    // Line 6 was read twice: its detections are stored and alerted once.
    const auto alerted = alerted_detections(dir.str() + "/state");
    const std::set<DetectionKey> distinct(alerted.begin(), alerted.end());
    EXPECT_EQ(distinct.size(), alerted.size());
    const auto expected = hunt_in_process(*rules, {kDemoEvtx}).detections;
    EXPECT_EQ(distinct, std::set<DetectionKey>(expected.begin(), expected.end()));
}

TEST(FolderFollower, AFileThatAppearsLaterInASubfolderIsRead) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    Following f(*rules, dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(f.follower().stats().files, 0u);
    fs::create_directories(dir.path() / "logs" / "DC01");
    append(dir.path() / "logs" / "DC01" / "late.ndjson", joined(lines, 0, lines.size()));
    ASSERT_TRUE(f.processed_exactly(11)) << f.log();
    EXPECT_EQ(f.follower().stats().files, 1u);
}

TEST(FolderFollower, WindowsEventXmlGivesHuntsDetections) {
    const auto rules = load_pack();
    TempDir dir("follow");
    auto file = evtx::EvtxFile::open(kDemoEvtx);
    ASSERT_TRUE(file);
    std::vector<std::string> events;
    evtx::ReadOptions options;
    options.threads = 1;
    evtx::for_each_event<int>(
        *file, options,
        [&](const core::Event& e, const evtx::RecordInfo&, int&, unsigned) {
            std::string xml;
            evtx::render_xml(e, xml);
            events.push_back(std::move(xml));
        },
        [](int&&) {});
    ASSERT_EQ(events.size(), 11u);
    const fs::path path = dir.path() / "logs" / "saved.xml";
    // The element being written waits for its end however slow this machine is (a quiet
    // file's unclosed element is given up after settle_ms, tested elsewhere).
    Following f(*rules, dir, /*settle_ms=*/60'000);
    append(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n");
    for (std::size_t i = 0; i < 4; ++i) append(path, events[i] + "\n");
    append(path, std::string_view(events[4]).substr(0, 100));  // an element being written
    ASSERT_TRUE(f.processed_exactly(4)) << f.log();
    append(path, std::string_view(events[4]).substr(100));
    for (std::size_t i = 5; i < events.size(); ++i) append(path, events[i] + "\n");
    append(path, "</Events>\n");
    ASSERT_TRUE(f.processed_exactly(11)) << f.log();
    ASSERT_TRUE(wait_until([&] { return f.engine().status().pending_correlation == 0; }));
    f.stop();
    EXPECT_EQ(f.counters().events_rejected, 0u) << f.log();
    EXPECT_EQ(alerted_detections(dir.str() + "/state"),
              hunt_in_process(*rules, {kDemoEvtx}).detections);
}

TEST(FolderFollower, ARestartResumesEachFileWhereItsLastCommitLeftIt) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    const fs::path file = dir.path() / "logs" / "wec.jsonl";
    fs::create_directories(file.parent_path());
    append(file, joined(lines, 0, 6));
    {
        Following f(*rules, dir);
        ASSERT_TRUE(f.processed_exactly(6)) << f.log();
    }
    append(file, joined(lines, 6, 11));
    Following f(*rules, dir);
    ASSERT_TRUE(f.processed_exactly(5)) << f.log();
    ASSERT_TRUE(wait_until([&] { return f.engine().status().pending_correlation == 0; }));
    f.stop();
    EXPECT_EQ(f.follower().stats().resumed, 1u);
    EXPECT_EQ(f.engine().status().duplicates, 0u);
    EXPECT_EQ(alerted_detections(dir.str() + "/state"),
              hunt_in_process(*rules, {kDemoEvtx}).detections);
}

// The largest EVTX file of a small generated scenario: several chunks.
std::string multi_chunk_evtx(const TempDir& dir) {
    scenario::ScenarioOptions options;
    options.days = 2;
    options.workstations = 1;
    const std::string out = dir.str() + "/generated";
    EXPECT_TRUE(scenario::write_hospital_scenario(options, out));
    std::string largest;
    std::uintmax_t largest_size = 0;
    for (const auto& entry : fs::recursive_directory_iterator(out)) {
        if (entry.path().extension() == ".evtx" && entry.file_size() > largest_size) {
            largest = entry.path().string();
            largest_size = entry.file_size();
        }
    }
    return largest;
}

TEST(FolderFollower, AnEvtxFileCopiedChunkByChunkAcrossARestartGivesHuntsDetections) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const std::string source = multi_chunk_evtx(dir);
    const std::string bytes = read_whole_file(source);
    const std::size_t chunks = (bytes.size() - evtx::kFileHeaderSize) / evtx::kChunkSize;
    ASSERT_GE(chunks, 3u) << source;
    const std::size_t total = evtx_as_json_lines(source).size();
    const fs::path copy = dir.path() / "logs" / "Security.evtx";
    const std::size_t first_part = evtx::kFileHeaderSize + evtx::kChunkSize * 2;
    // What a reader of the first two chunks alone finds.
    const std::string partial = dir.str() + "/partial.evtx";
    append(partial, std::string_view(bytes).substr(0, first_part));
    const std::size_t in_first_part = evtx_as_json_lines(partial).size();
    ASSERT_GT(in_first_part, 0u);
    ASSERT_LT(in_first_part, total);
    {
        Following f(*rules, dir);
        // Two chunks and half of the third, as a copy in progress leaves it.
        append(copy, std::string_view(bytes).substr(0, first_part + evtx::kChunkSize / 2));
        ASSERT_TRUE(f.processed_exactly(in_first_part)) << f.log();
    }
    Following f(*rules, dir);
    append(copy, std::string_view(bytes).substr(first_part + evtx::kChunkSize / 2));
    ASSERT_TRUE(f.processed_exactly(total - in_first_part)) << f.log();
    ASSERT_TRUE(wait_until([&] { return f.engine().status().pending_correlation == 0; }));
    f.stop();
    EXPECT_EQ(f.follower().stats().resumed, 1u);
    EXPECT_EQ(f.engine().status().duplicates, 0u);
    EXPECT_EQ(f.counters().events_rejected, 0u) << f.log();
    const auto expected = hunt_in_process(*rules, {copy.string()}).detections;
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(alerted_detections(dir.str() + "/state"), expected);
}

TEST(FolderFollower, BadInputIsCountedAndTheRestIsRead) {
    const auto rules = load_pack();
    TempDir dir("follow");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    Following f(*rules, dir, 300, /*max_event_bytes=*/64 * 1024);
    append(dir.path() / "logs" / "not-evtx.evtx", std::string(200 * 1024, 'x'));
    std::string text = joined(lines, 0, 3);
    text += "this is no JSON\n";
    text += "{\"huge\":\"" + std::string(6u << 20, 'a') + "\"}\n";  // over the window too
    text += joined(lines, 3, 11);
    append(dir.path() / "logs" / "mixed.jsonl", text);
    ASSERT_TRUE(f.processed_exactly(11)) << f.log();
    f.stop();
    // The EVTX impostor, the stray line, the huge line.
    EXPECT_EQ(f.counters().events_rejected, 3u) << f.log();
    EXPECT_NE(f.log().find("not an EVTX file"), std::string::npos) << f.log();
}

}  // namespace
