// Correlation rules end to end: detections of several files and hosts merged in time order,
// windows of days, rules read only by correlations kept out of the timeline, and levels.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_support.hpp"

namespace {

using namespace vigie::test;

const char* kRules = R"(title: Network Logon (building block)
id: 5a1d0c52-0000-4000-8000-000000000001
name: test_network_logon
logsource: {product: windows, service: security}
detection:
    sel: {EventID: 4624, LogonType: 3}
    condition: sel
fields: [TargetUserName]
level: informational
---
title: One Account Logs On to Three Hosts Within Three Days
id: 5a1d0c52-0000-4000-8000-000000000002
correlation:
    type: value_count
    rules: [test_network_logon]
    group-by: [TargetUserName]
    timespan: 3d
    condition: {field: Computer, gte: 3}
level: high
)";

std::string logon(const std::string& time, const std::string& host, const std::string& user) {
    return R"({"EventTime":")" + time + R"(","Hostname":")" + host +
           R"(","Channel":"Security","EventID":4624,"LogonType":3,"TargetUserName":")" + user +
           "\"}\n";
}

class CorrelationCli : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("vigie-corr-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_ / "logs");
        std::ofstream(dir_ / "rules.yml") << kRules;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / "logs" / name) << text;
    }
    CommandResult hunt(const std::string& extra = "") {
        return run(kVigie + " hunt --no-summary --format jsonl -r " +
                   (dir_ / "rules.yml").string() + " " + extra + " " + (dir_ / "logs").string());
    }
    std::filesystem::path dir_;
};

}  // namespace

TEST_F(CorrelationCli, MultiDayWindowAcrossFilesAndHosts) {
    // One file per host, as collected; the account reaches its third host on day 3. Files
    // are read in name order, not time order: the timeline puts them together.
    write("a-srv.jsonl", logon("2019-11-15T02:00:00Z", "SRV-FICHIERS-01", "adm-it") +
                             logon("2019-11-13T09:00:00Z", "SRV-FICHIERS-01", "m.durand"));
    write("b-dc.jsonl", logon("2019-11-13T10:00:00Z", "DC01", "adm-it"));
    write("c-pc.jsonl", logon("2019-11-14T23:00:00Z", "PC-RADIO-01", "adm-it") +
                            logon("2019-11-14T23:30:00Z", "PC-RADIO-01", "m.durand"));
    const CommandResult r = hunt();
    ASSERT_EQ(r.status, 0) << r.out;
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 1u) << r.out;  // the building block itself is not shown
    EXPECT_NE(out[0].find(R"("timestamp":"2019-11-15T02:00:00.000000Z")"), std::string::npos);
    EXPECT_NE(out[0].find(R"("rule_source":"correlation")"), std::string::npos);
    EXPECT_NE(out[0].find(R"("TargetUserName":"adm-it")"), std::string::npos);
    EXPECT_NE(out[0].find(R"("Computer":"DC01, PC-RADIO-01, SRV-FICHIERS-01")"), std::string::npos)
        << out[0];
    EXPECT_NE(out[0].find(R"("level":"high")"), std::string::npos);
}

TEST_F(CorrelationCli, JustOutsideTheWindowNothingFires) {
    write("a.jsonl", logon("2019-11-12T10:00:00Z", "DC01", "adm-it") +
                         logon("2019-11-14T10:00:00Z", "PC-RADIO-01", "adm-it") +
                         logon("2019-11-15T10:00:01Z", "SRV-FICHIERS-01", "adm-it"));
    const CommandResult r = hunt();
    EXPECT_EQ(r.status, 1) << r.out;  // no detection shown
    EXPECT_TRUE(r.out.empty()) << r.out;
    write("b.jsonl", logon("2019-11-15T10:00:00Z", "SRV-SAUVEGARDE", "adm-it"));
    EXPECT_EQ(hunt().status, 0);  // exactly 3 days back from here reaches 2019-11-12T10:00
}

TEST_F(CorrelationCli, MinimumLevelDoesNotStarveCorrelations) {
    write("a.jsonl", logon("2019-11-13T10:00:00Z", "DC01", "adm-it") +
                         logon("2019-11-13T10:01:00Z", "PC-RADIO-01", "adm-it") +
                         logon("2019-11-13T10:02:00Z", "SRV-FICHIERS-01", "adm-it"));
    EXPECT_EQ(lines(hunt("--min-level high").out).size(), 1u);
    EXPECT_EQ(hunt("--min-level critical").status, 1);
}

TEST_F(CorrelationCli, RulesCheckListsCorrelationsAndBadReferences) {
    std::ofstream(dir_ / "rules.yml", std::ios::app)
        << "---\ntitle: Broken\nid: 5a1d0c52-0000-4000-8000-000000000003\ncorrelation:\n"
           "    type: event_count\n    rules: [missing_rule]\n    timespan: 1h\n"
           "    condition: {gte: 2}\n";
    const CommandResult r = run(kVigie + " rules check " + (dir_ / "rules.yml").string());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("[correlation value_count of test_network_logon]"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("rules.yml:21  5a1d0c52-0000-4000-8000-000000000003  correlation refers "
                         "to 'missing_rule'"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 correlations"), std::string::npos);
    EXPECT_NE(r.out.find("correlation names a rule that is not loaded"), std::string::npos);
}
