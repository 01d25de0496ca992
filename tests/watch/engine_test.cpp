// WatchEngine in process: the same detections and host picture as `vigie hunt` on the same
// events, nothing alerted twice after a restart or a resend, rejects counted, back-pressure.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <random>

#include "engine_support.hpp"
#include "watch/api_render.hpp"
#include "watch/watch_engine.hpp"

namespace {

using namespace vigie;
using namespace vigie::test;

const std::string kDemoEvtx = std::string(VIGIE_SOURCE_DIR) + "/tests/fixtures/demo.evtx";

watch::WatchOptions options_for(const TempDir& dir) {
    watch::WatchOptions o;
    o.state_dir = dir.str() + "/state";
    o.match_threads = 2;
    o.idle_release_ms = 50;
    return o;
}

// Submits the lines in batches of `per_batch` and waits until each batch is committed.
void submit_all(watch::WatchEngine& engine, std::uint32_t input,
                const std::vector<std::string>& lines, std::size_t per_batch = 4) {
    std::atomic<std::size_t> committed{0};
    std::size_t batches = 0;
    for (std::size_t i = 0; i < lines.size(); i += per_batch) {
        watch::EventBatch batch;
        batch.input = input;
        batch.origin = engine.intern_origin("test://engine");
        for (std::size_t k = i; k < std::min(lines.size(), i + per_batch); ++k) batch.add(lines[k]);
        batch.on_committed = [&](const watch::BatchOutcome& o) {
            EXPECT_TRUE(o.committed);
            ++committed;
        };
        ASSERT_TRUE(engine.submit(std::move(batch)));
        ++batches;
    }
    ASSERT_TRUE(wait_until([&] { return committed == batches; }));
}

// The alerts committed so far: detection keys and host alerts.
struct Alerts {
    std::multiset<DetectionKey> detections;
    std::vector<std::string> hosts;
};

Alerts read_alerts(const std::string& state_dir) {
    Alerts a;
    auto reader = watch::StateReader::open(state_dir);
    EXPECT_TRUE(reader);
    simdjson::dom::parser parser;
    EXPECT_TRUE(reader->alerts_after(0, 1'000'000, [&](std::int64_t, std::string_view body) {
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(body.data(), body.size()).get(e), simdjson::SUCCESS) << body;
        const std::string_view type = e["type"].get_string().value_unsafe();
        if (type == "detection") {
            a.detections.emplace(std::string(e["computer"].get_string().value_unsafe()),
                                 e["record_id"].get_uint64().value_unsafe(),
                                 std::string(e["rule_id"].get_string().value_unsafe()));
        } else {
            a.hosts.emplace_back(e["host"].get_string().value_unsafe());
        }
    }));
    return a;
}

TEST(WatchEngine, SameDetectionsAndHostPictureAsHunt) {
    const auto rules = load_pack();
    TempDir dir("engine");
    const HuntResult expected = hunt_in_process(*rules, {kDemoEvtx});
    ASSERT_FALSE(expected.detections.empty());
    auto engine = watch::WatchEngine::open(*rules, options_for(dir));
    ASSERT_TRUE(engine) << engine.error().to_string();
    const auto input = (*engine)->register_input("test", "test");
    (*engine)->start();
    submit_all(**engine, input, evtx_as_json_lines(kDemoEvtx));
    ASSERT_TRUE(wait_until([&] { return (*engine)->status().pending_correlation == 0; }));
    (*engine)->stop();
    EXPECT_EQ(hunt::render_hosts_jsonl(*(*engine)->picture()), expected.hosts_jsonl);
    const Alerts alerts = read_alerts(dir.str() + "/state");
    EXPECT_EQ(alerts.detections, expected.detections);
    EXPECT_FALSE(alerts.hosts.empty()) << "the demo's hosts reach an urgency worth an alert";
    EXPECT_EQ((*engine)->counters(input).events_processed, 11u);
}

// Sigma filters apply in the daemon as in the hunt, and /api/status counts what each removed.
TEST(WatchEngine, FiltersRemoveTheSameDetectionsAsInTheHuntAndAreCounted) {
    auto rules = std::make_unique<sigma::RuleSet>();
    ASSERT_TRUE(rules->load_path(std::string(VIGIE_SOURCE_DIR) + "/rules"));
    rules->load_yaml(R"(title: AD discovery at the reception desk is the inventory tool
logsource: {product: windows, category: process_creation}
filter:
    rules: [bd9a9f67-09c8-530d-b024-c10919325084]
    selection: {Computer: PC-ACCUEIL-07}
    condition: selection
)",
                     "site.yml", sigma::DocumentKinds::kFiltersOnly);
    rules->finalize();
    ASSERT_EQ(rules->filters().size(), 1u);
    TempDir dir("engine");
    const HuntResult expected = hunt_in_process(*rules, {kDemoEvtx});
    ASSERT_FALSE(expected.detections.empty());
    for (const DetectionKey& k : expected.detections)
        EXPECT_NE(std::get<2>(k), "bd9a9f67-09c8-530d-b024-c10919325084");
    auto engine = watch::WatchEngine::open(*rules, options_for(dir));
    ASSERT_TRUE(engine) << engine.error().to_string();
    const auto input = (*engine)->register_input("test", "test");
    (*engine)->start();
    submit_all(**engine, input, evtx_as_json_lines(kDemoEvtx));
    ASSERT_TRUE(wait_until([&] { return (*engine)->status().pending_correlation == 0; }));
    (*engine)->stop();
    EXPECT_EQ(read_alerts(dir.str() + "/state").detections, expected.detections);
    EXPECT_EQ((*engine)->status().filter_removals, std::vector<std::uint64_t>{2});
    const std::string status = watch::render_status_json(watch::take_snapshot(**engine, 1.0));
    EXPECT_NE(status.find("\"filters\":[{\"title\":\"AD discovery at the reception desk is the "
                          "inventory tool\",\"file\":\"site.yml\",\"line\":1,\"removed\":2}]"),
              std::string::npos)
        << status;
}

TEST(WatchEngine, ARestartAndAResendAlertNothingTwice) {
    const auto rules = load_pack();
    TempDir dir("engine");
    const auto lines = evtx_as_json_lines(kDemoEvtx);
    std::size_t alerts_before = 0;
    std::string picture_before;
    {
        auto engine = watch::WatchEngine::open(*rules, options_for(dir));
        ASSERT_TRUE(engine);
        const auto input = (*engine)->register_input("test", "test");
        (*engine)->start();
        submit_all(**engine, input, lines);
        (*engine)->stop();
        const Alerts a = read_alerts(dir.str() + "/state");
        alerts_before = a.detections.size() + a.hosts.size();
        picture_before = hunt::render_hosts_jsonl(*(*engine)->picture());
    }
    auto engine = watch::WatchEngine::open(*rules, options_for(dir));
    ASSERT_TRUE(engine);
    // Rebuilt from the stored detections alone.
    EXPECT_EQ(hunt::render_hosts_jsonl(*(*engine)->picture()), picture_before);
    const auto input = (*engine)->register_input("test", "test");
    (*engine)->start();
    submit_all(**engine, input, lines);
    (*engine)->stop();
    const watch::EngineStatus s = (*engine)->status();
    EXPECT_EQ(s.detections, 0u);
    EXPECT_GT(s.duplicates, 0u);
    const Alerts after = read_alerts(dir.str() + "/state");
    EXPECT_EQ(after.detections.size() + after.hosts.size(), alerts_before);
    EXPECT_EQ(hunt::render_hosts_jsonl(*(*engine)->picture()), picture_before);
}

TEST(WatchEngine, MalformedEventsAreCountedAndTheRestIsProcessed) {
    const auto rules = load_pack();
    TempDir dir("engine");
    auto lines = evtx_as_json_lines(kDemoEvtx);
    const std::size_t good = lines.size();
    lines.insert(lines.begin() + 3, "{\"Event\": {\"System\": ");  // cut
    lines.insert(lines.begin() + 5, "not json at all");
    lines.insert(lines.begin() + 7, "[1, 2, 3]");
    lines.push_back(
        std::string("{\"Event\":{\"System\":{\"Computer\":\"\xff\xfe\"}}}"));  // bad UTF-8
    auto engine = watch::WatchEngine::open(*rules, options_for(dir));
    ASSERT_TRUE(engine);
    const auto input = (*engine)->register_input("test", "test");
    (*engine)->start();
    submit_all(**engine, input, lines);
    (*engine)->stop();
    EXPECT_EQ((*engine)->counters(input).events_rejected, 3u);
    EXPECT_EQ((*engine)->counters(input).events_processed, good + 1);  // the repaired one
    EXPECT_GT((*engine)->status().detections, 0u);
}

TEST(WatchEngine, AFullQueueMakesSubmitWaitThenGiveUpAtItsDeadline) {
    const auto rules = load_pack();
    TempDir dir("engine");
    watch::WatchOptions o = options_for(dir);
    o.queue_bytes = 4096;
    auto engine = watch::WatchEngine::open(*rules, o);
    ASSERT_TRUE(engine);
    const auto input = (*engine)->register_input("test", "test");
    // Not started: nothing drains the queue.
    watch::EventBatch first;
    first.input = input;
    first.add(std::string(3000, ' '));
    ASSERT_TRUE((*engine)->submit(std::move(first)));
    watch::EventBatch second;
    second.input = input;
    second.add(std::string(3000, ' '));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE((*engine)->submit(std::move(second), start + std::chrono::milliseconds(200)));
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));
    EXPECT_EQ(second.items.size(), 1u) << "a refused batch is left to its owner";
    (*engine)->start();  // now it drains, and a waiting submit goes through
    EXPECT_TRUE((*engine)->submit(std::move(second),
                                  std::chrono::steady_clock::now() + std::chrono::seconds(10)));
    (*engine)->stop();
    EXPECT_EQ((*engine)->counters(input).events_rejected, 2u);  // blanks are not events
}

}  // namespace
