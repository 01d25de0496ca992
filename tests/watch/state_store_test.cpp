// StateStore: detections kept once by identity, hostile field values kept byte for byte,
// positions and numbers, all of it surviving a reopen.
#include <gtest/gtest.h>

#include <filesystem>

#include "watch/state_store.hpp"

namespace {

using vigie::watch::StateStore;
using vigie::watch::StoredDetection;

class StateStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("vigie-state-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

StoredDetection sample(std::uint64_t record) {
    StoredDetection d;
    d.timestamp = 132183558671250000ull;
    d.computer = "PC-ACCUEIL-07";
    d.channel = "Security";
    d.event_id = 4624;
    d.record_id = record;
    d.rule_key = "rule-1|security-4624";
    d.origin = "json-tcp://127.0.0.1";
    d.fields = {{"TargetUserName", "adm"}, {"IpAddress", "10.0.0.5"}};
    return d;
}

TEST_F(StateStoreTest, ADetectionIsStoredOnceAndHostileValuesSurvive) {
    {
        auto store = StateStore::open(dir_.string());
        ASSERT_TRUE(store) << store.error().to_string();
        ASSERT_TRUE(store->begin());
        StoredDetection a = sample(7);
        a.fields.emplace_back("CommandLine", std::string("a\0b\n12:x\x1f\xff", 10));
        a.fields.emplace_back("3:abc", "");
        EXPECT_TRUE(*store->insert_detection(a));
        StoredDetection again = a;
        EXPECT_FALSE(*store->insert_detection(again));  // the same event, resent
        StoredDetection other_rule = sample(7);
        other_rule.rule_key = "rule-2|security-4624";
        EXPECT_TRUE(*store->insert_detection(other_rule));
        StoredDetection other_record = sample(8);
        EXPECT_TRUE(*store->insert_detection(other_record));
        ASSERT_TRUE(store->commit());
    }
    auto store = StateStore::open(dir_.string());
    ASSERT_TRUE(store);
    std::vector<StoredDetection> all;
    ASSERT_TRUE(
        store->for_each_detection([&](StoredDetection&& d) { all.push_back(std::move(d)); }));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].record_id, 7u);
    ASSERT_EQ(all[0].fields.size(), 4u);
    EXPECT_EQ(all[0].fields[2].second, std::string("a\0b\n12:x\x1f\xff", 10));
    EXPECT_EQ(all[0].fields[3].first, "3:abc");
    EXPECT_EQ(all[0].fields[3].second, "");
    EXPECT_EQ(all[1].rule_key, "rule-2|security-4624");
}

TEST_F(StateStoreTest, EventsWithoutARecordIdDifferByWhatTheySay) {
    auto store = StateStore::open(dir_.string());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin());
    StoredDetection a = sample(0);
    StoredDetection b = sample(0);
    b.fields[0].second = "other";
    StoredDetection a_again = sample(0);
    EXPECT_TRUE(*store->insert_detection(a));
    EXPECT_TRUE(*store->insert_detection(b));
    EXPECT_FALSE(*store->insert_detection(a_again));
    ASSERT_TRUE(store->commit());
}

TEST_F(StateStoreTest, RolledBackWorkLeavesNothing) {
    auto store = StateStore::open(dir_.string());
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->begin());
    StoredDetection a = sample(1);
    EXPECT_TRUE(*store->insert_detection(a));
    ASSERT_TRUE(store->set_position({"/logs/a.jsonl", "fp", 123}));
    ASSERT_TRUE(store->rollback());
    std::size_t count = 0;
    ASSERT_TRUE(store->for_each_detection([&](StoredDetection&&) { ++count; }));
    EXPECT_EQ(count, 0u);
    auto position = store->position("/logs/a.jsonl");
    ASSERT_TRUE(position);
    EXPECT_FALSE(position->has_value());
}

TEST_F(StateStoreTest, PositionsNumbersAndHostUrgenciesPersist) {
    {
        auto store = StateStore::open(dir_.string());
        ASSERT_TRUE(store);
        ASSERT_TRUE(store->begin());
        ASSERT_TRUE(store->set_position({"/logs/a.jsonl", "dev:ino:hash", 4096}));
        ASSERT_TRUE(store->set_position({"/logs/a.jsonl", "dev:ino:hash", 8192}));
        ASSERT_TRUE(store->set_number("watermark", 42));
        ASSERT_TRUE(store->set_host_urgency("PC-01", 3));
        ASSERT_TRUE(store->commit());
    }
    auto store = StateStore::open(dir_.string());
    ASSERT_TRUE(store);
    auto position = store->position("/logs/a.jsonl");
    ASSERT_TRUE(position && position->has_value());
    EXPECT_EQ((*position)->offset, 8192);
    EXPECT_EQ((*position)->fingerprint, "dev:ino:hash");
    EXPECT_EQ(*store->number("watermark", 0), 42);
    EXPECT_EQ(*store->number("absent", -5), -5);
    EXPECT_EQ((*store->host_urgencies())["PC-01"], 3);
}

TEST_F(StateStoreTest, AStateFolderThatCannotBeMadeIsAClearError) {
    auto store = StateStore::open("/proc/vigie-cannot-be-here/state");
    ASSERT_FALSE(store);
    EXPECT_NE(store.error().to_string().find("state folder"), std::string::npos)
        << store.error().to_string();
}

}  // namespace
