// Alert delivery: to a file exactly once (a file cut by a crash is brought back to what was
// recorded, and rotation is followed), to a command and a webhook at least once, with a
// deadline on the command.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <mutex>

#include "engine_support.hpp"
#include "watch/alert_dispatcher.hpp"
#include "watch/state_store.hpp"
#include "watch_daemon.hpp"

namespace {

using namespace vigie;
using namespace vigie::test;

watch::AlertSinks file_only(const std::string& file) {
    watch::AlertSinks sinks;
    sinks.file = file;
    return sinks;
}

void commit_alerts(const std::string& state, int first, int count) {
    auto store = watch::StateStore::open(state);
    ASSERT_TRUE(store) << store.error().to_string();
    ASSERT_TRUE(store->begin());
    for (int i = first; i < first + count; ++i) {
        ASSERT_TRUE(store->add_alert("{\"type\":\"detection\",\"n\":" + std::to_string(i) + "}"));
    }
    ASSERT_TRUE(store->commit());
}

TEST(AlertDispatcher, FileExactlyOnceAcrossACrashAndARotation) {
    TempDir dir("alerts");
    const std::string state = dir.str() + "/state";
    const std::string file = dir.str() + "/alerts.jsonl";
    commit_alerts(state, 0, 3);
    {
        auto d = watch::AlertDispatcher::open(state, file_only(file), nullptr);
        ASSERT_TRUE(d) << d.error().to_string();
        (*d)->start();
        (*d)->notify();
        ASSERT_TRUE(wait_until([&] { return lines_of(read_file(file)).size() == 3; }));
        (*d)->stop();
    }
    // A kill between writing and recording: the file holds more than was recorded.
    {
        std::FILE* f = std::fopen(file.c_str(), "ab");
        std::fputs("{\"type\":\"detection\",\"n\":3}\n{\"type\":\"detec", f);
        std::fclose(f);
    }
    commit_alerts(state, 3, 2);
    {
        auto d = watch::AlertDispatcher::open(state, file_only(file), nullptr);
        ASSERT_TRUE(d);
        (*d)->start();
        (*d)->notify();
        ASSERT_TRUE(wait_until([&] { return lines_of(read_file(file)).size() == 5; }));
        // Rotated away by logrotate, then SIGHUP: the next alerts start a new file.
        std::rename(file.c_str(), (file + ".1").c_str());
        (*d)->reopen();
        commit_alerts(state, 5, 1);
        (*d)->notify();
        ASSERT_TRUE(wait_until([&] { return lines_of(read_file(file)).size() == 1; }));
        (*d)->stop();
    }
    const auto before = lines_of(read_file(file + ".1"));
    ASSERT_EQ(before.size(), 5u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(before[i], "{\"type\":\"detection\",\"n\":" + std::to_string(i) + "}");
    }
    EXPECT_EQ(lines_of(read_file(file))[0], "{\"type\":\"detection\",\"n\":5}");
}

TEST(AlertDispatcher, CommandAndWebhookGetEveryAlert) {
    TempDir dir("alerts");
    const std::string state = dir.str() + "/state";
    commit_alerts(state, 0, 4);
    httplib::Server hook;
    std::mutex mutex;
    std::vector<std::string> posted;
    hook.Post("/hooks/vigie", [&](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        posted.push_back(req.body);
        res.status = 204;
    });
    const int port = hook.bind_to_any_port("127.0.0.1");
    std::thread server([&] { hook.listen_after_bind(); });
    watch::AlertSinks sinks;
    sinks.command = "cat >> '" + dir.str() + "/command.out'";
    sinks.webhook = "http://127.0.0.1:" + std::to_string(port) + "/hooks/vigie";
    sinks.notify_detections = true;
    auto d = watch::AlertDispatcher::open(state, sinks, nullptr);
    ASSERT_TRUE(d);
    (*d)->start();
    (*d)->notify();
    EXPECT_TRUE(wait_until([&] {
        std::lock_guard lock(mutex);
        return posted.size() == 4;
    }));
    (*d)->stop();
    hook.stop();
    server.join();
    const auto lines = lines_of(read_file(dir.str() + "/command.out"));
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[2], "{\"type\":\"detection\",\"n\":2}");
    EXPECT_EQ(posted[3], "{\"type\":\"detection\",\"n\":3}");
    EXPECT_EQ((*d)->failures(), 0u);
}

TEST(AlertDispatcher, AFailingOrHangingCommandIsCountedAndCutOff) {
    TempDir dir("alerts");
    const std::string state = dir.str() + "/state";
    const std::string file = dir.str() + "/alerts.jsonl";
    commit_alerts(state, 0, 2);
    watch::AlertSinks sinks;
    sinks.file = file;
    sinks.command = "sleep 29.5; true";  // the shell forks sleep: both must go at the deadline
    sinks.timeout_ms = 200;
    sinks.webhook = "http://127.0.0.1:1/nothing-listens-here";
    sinks.notify_detections = true;
    auto d = watch::AlertDispatcher::open(state, sinks, nullptr);
    ASSERT_TRUE(d);
    const auto start = std::chrono::steady_clock::now();
    (*d)->start();
    (*d)->notify();
    ASSERT_TRUE(wait_until([&] { return (*d)->failures() == 4; }, std::chrono::seconds(20)));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    (*d)->stop();
    EXPECT_EQ(lines_of(read_file(file)).size(), 2u) << "the file has them all the same";
    EXPECT_NE(std::system("pgrep -f '^sleep 29.5$' >/dev/null"), 0)
        << "the command's children were killed with it";
}

TEST(AlertDispatcher, PeopleGetHostAlertsOnlyUnlessAskedForDetections) {
    TempDir dir("alerts");
    const std::string state = dir.str() + "/state";
    commit_alerts(state, 0, 3);
    {
        auto store = watch::StateStore::open(state);
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->begin());
        ASSERT_TRUE(store->add_alert("{\"type\":\"host\",\"host\":\"PC-01\"}"));
        ASSERT_TRUE(store->commit());
    }
    watch::AlertSinks sinks;
    sinks.file = dir.str() + "/alerts.jsonl";
    sinks.command = "cat >> '" + dir.str() + "/command.out'";
    auto d = watch::AlertDispatcher::open(state, sinks, nullptr);
    ASSERT_TRUE(d);
    (*d)->start();
    (*d)->notify();
    ASSERT_TRUE(wait_until([&] { return lines_of(read_file(sinks.file)).size() == 4; }));
    (*d)->stop();
    const auto told = lines_of(read_file(dir.str() + "/command.out"));
    ASSERT_EQ(told.size(), 1u);
    EXPECT_EQ(told[0], "{\"type\":\"host\",\"host\":\"PC-01\"}");
}

}  // namespace
