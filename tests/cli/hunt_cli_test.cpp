// `vigie hunt` and `vigie rules check` end to end: the built binary, rules written here, the
// demo log, and the SigmaHQ corpus over the real attack recordings.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli_support.hpp"

namespace {

using vigie::test::CommandResult;
using vigie::test::kDemo;
using vigie::test::kVigie;
using vigie::test::lines;
using vigie::test::RuleDir;
using vigie::test::run;

namespace fs = std::filesystem;

const fs::path kShared = VIGIE_SHARED_DATA;

const char* kServiceRule = R"(title: Clop Service Installed
id: 11111111-0000-4000-8000-000000000001
status: test
level: critical
tags: [attack.persistence, attack.t1543.003]
logsource: {product: windows, service: system}
detection:
    selection:
        EventID: 7045
        ServiceName: SecurityCenterIBM
    condition: selection
)";

const char* kNoteRule = R"(title: Ransom Note Written
id: 11111111-0000-4000-8000-000000000002
status: test
level: high
logsource: {product: windows, category: file_event}
detection:
    selection:
        TargetFilename|endswith: '\ClopReadMe.txt'
    condition: selection
)";

const char* kLogonRule = R"(title: Network Logon
id: 11111111-0000-4000-8000-000000000003
status: test
level: low
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: 4624
        LogonType: 3
    condition: selection
)";

}  // namespace

TEST(HuntCli, JsonlDetectionsCarryTheIssueFields) {
    RuleDir rules;
    rules.write("service.yml", kServiceRule);
    rules.write("note.yml", kNoteRule);
    const CommandResult r =
        run(kVigie + " hunt --no-summary --format jsonl -r " + rules.path() + " " + kDemo);
    ASSERT_EQ(r.status, 0);
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 2u);
    simdjson::dom::parser parser;
    simdjson::dom::element first;
    ASSERT_EQ(parser.parse(out[0]).get(first), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(first["timestamp"]), "2019-11-15T02:13:12.000000Z");
    EXPECT_EQ(std::string_view(first["computer"]), "SRV-FICHIERS-01");
    EXPECT_EQ(std::string_view(first["channel"]), "System");
    EXPECT_EQ(int64_t(first["event_id"]), 7045);
    EXPECT_GT(int64_t(first["record_id"]), 0);
    EXPECT_EQ(std::string_view(first["level"]), "critical");
    EXPECT_EQ(std::string_view(first["rule_id"]), "11111111-0000-4000-8000-000000000001");
    EXPECT_EQ(std::string_view(first["rule_title"]), "Clop Service Installed");
    EXPECT_EQ(std::string_view(first["tags"].at(0)), "attack.persistence");
    EXPECT_EQ(std::string_view(first["file"]), kDemo);
    EXPECT_EQ(std::string_view(first["fields"]["ImagePath"]), "C:\\Windows\\Temp\\wsvc.exe");
    simdjson::dom::element second;
    ASSERT_EQ(parser.parse(out[1]).get(second), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(second["rule_title"]), "Ransom Note Written");
    EXPECT_EQ(std::string_view(second["fields"]["TargetFilename"]),
              "D:\\Partages\\Radiologie\\ClopReadMe.txt");
}

TEST(HuntCli, ExitStatusOneWhenNothingMatches) {
    RuleDir rules;
    rules.write("logon.yml",
                std::string(kLogonRule)
                    .replace(std::string(kLogonRule).find("LogonType: 3"), 12, "LogonType: 10"));
    const CommandResult r = run(kVigie + " hunt --no-summary -r " + rules.path() + " " + kDemo);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
}

TEST(HuntCli, ExitStatusTwoOnAMissingInput) {
    RuleDir rules;
    rules.write("logon.yml", kLogonRule);
    const CommandResult r =
        run(kVigie + " hunt --no-summary -r " + rules.path() + " /nonexistent.evtx 2>/dev/null");
    EXPECT_EQ(r.status, 2);
}

TEST(HuntCli, MinLevelAndTimeRangeFilter) {
    RuleDir rules;
    rules.write("service.yml", kServiceRule);
    rules.write("note.yml", kNoteRule);
    rules.write("logon.yml", kLogonRule);
    EXPECT_EQ(lines(run(kVigie + " hunt --no-summary -r " + rules.path() + " " + kDemo).out).size(),
              3u);
    EXPECT_EQ(
        lines(run(kVigie + " hunt --no-summary --min-level high -r " + rules.path() + " " + kDemo)
                  .out)
            .size(),
        2u);
    EXPECT_EQ(lines(run(kVigie + " hunt --no-summary --from 2019-11-15T02:13:11Z -r " +
                        rules.path() + " " + kDemo)
                        .out)
                  .size(),
              2u);
    EXPECT_EQ(lines(run(kVigie + " hunt --no-summary --to 2019-11-15T02:13:11Z -r " + rules.path() +
                        " " + kDemo)
                        .out)
                  .size(),
              1u);
    EXPECT_EQ(run(kVigie + " hunt --no-summary --from yesterday -r " + rules.path() + " " + kDemo +
                  " 2>/dev/null")
                  .status,
              2);
}

TEST(HuntCli, CsvHasAHeaderAndQuotesFields) {
    RuleDir rules;
    rules.write("note.yml", kNoteRule);
    const auto out =
        lines(run(kVigie + " hunt --no-summary --format csv -r " + rules.path() + " " + kDemo).out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0],
              "timestamp,computer,channel,event_id,record_id,level,rule_title,rule_id,tags,file,"
              "fields");
    EXPECT_NE(out[1].find("2019-11-15T20:01:02.000000Z,SRV-FICHIERS-01,"), std::string::npos);
    EXPECT_NE(out[1].find(",Ransom Note Written,"), std::string::npos);
}

TEST(HuntCli, TimelineIsInTimeOrderAcrossFiles) {
    // The same log twice, plus rules firing on events days apart: output must interleave by time
    // whatever the order of the files on the command line.
    RuleDir rules;
    rules.write("service.yml", kServiceRule);
    rules.write("logon.yml", kLogonRule);
    rules.write("note.yml", kNoteRule);
    const auto copy =
        fs::temp_directory_path() / ("vigie-hunt-copy-" + std::to_string(getpid()) + ".evtx");
    fs::copy_file(kDemo, copy, fs::copy_options::overwrite_existing);
    const auto out = lines(run(kVigie + " hunt --no-summary --format csv -r " + rules.path() + " " +
                               copy.string() + " " + kDemo)
                               .out);
    fs::remove(copy);
    ASSERT_EQ(out.size(), 7u);
    for (std::size_t i = 2; i < out.size(); ++i) {
        EXPECT_LE(out[i - 1].substr(0, 27), out[i].substr(0, 27)) << out[i - 1] << "\n" << out[i];
    }
}

TEST(HuntCli, ABrokenRuleIsReportedAndTheOthersStillRun) {
    RuleDir rules;
    rules.write("note.yml", kNoteRule);
    rules.write("broken.yml",
                "title: Broken\nlogsource: {product: windows, service: system}\n"
                "detection:\n    selection:\n        EventID|nosuchmodifier: 7045\n"
                "    condition: selection\n");
    const CommandResult check = run(kVigie + " rules check " + rules.path());
    EXPECT_EQ(check.status, 1);
    EXPECT_NE(check.out.find("rejected  " + rules.path() + "/broken.yml:5"), std::string::npos)
        << check.out;
    EXPECT_NE(check.out.find("unknown modifier 'nosuchmodifier'"), std::string::npos);
    EXPECT_NE(check.out.find("rules loaded 1"), std::string::npos);
    const CommandResult hunt = run(kVigie + " hunt --no-summary -r " + rules.path() + " " + kDemo);
    EXPECT_EQ(hunt.status, 0);
    EXPECT_EQ(lines(hunt.out).size(), 1u);
}

TEST(HuntCli, SummaryCountsHostsLevelsAndUncoveredEventTypes) {
    RuleDir rules;
    rules.write("note.yml", kNoteRule);
    const CommandResult r =
        run(kVigie + " hunt --summary -o /dev/null -r " + rules.path() + " " + kDemo + " 2>&1");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("11 read"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("detections 1: critical 0, high 1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("SRV-FICHIERS-01"), std::string::npos);
    EXPECT_NE(r.out.find("Security 4624"), std::string::npos) << "uncovered pair listed";
}

TEST(HuntCli, SigmaHQCorpusOverTheAttackSamples) {
    if (!fs::is_directory(kShared / "evtx-attack-samples") ||
        !fs::is_directory(kShared / "sigma/rules")) {
        GTEST_SKIP() << "shared data absent: " << kShared;
    }
    std::string args;
    for (const char* d : {"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-dfir",
                          "rules-compliance", "rules-placeholder"}) {
        args += " -r ";
        args += (kShared / "sigma" / d).string();
    }
    const std::string samples = " '" + (kShared / "evtx-attack-samples").string() + "'";
    const CommandResult r =
        run(kVigie + " hunt --no-summary --format jsonl --threads 2" + args + samples);
    EXPECT_EQ(r.status, 0);
    const auto out = lines(r.out);
    EXPECT_GT(out.size(), 1000u);
    simdjson::dom::parser parser;
    std::string previous;
    for (const std::string& l : out) {
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(l).get(e), simdjson::SUCCESS) << l;
        const std::string t{std::string_view(e["timestamp"])};
        EXPECT_LE(previous, t);
        previous = t;
    }
    // The same timeline, byte for byte, whatever the number of threads.
    const CommandResult one =
        run(kVigie + " hunt --no-summary --format jsonl --threads 1" + args + samples);
    EXPECT_EQ(one.out, r.out);
}

TEST(RulesCheckCli, EveryWindowsRuleOfSigmaHQLoadsOrIsRejectedForAStatedReason) {
    if (!fs::is_directory(kShared / "sigma/rules"))
        GTEST_SKIP() << "shared data absent: " << kShared;
    std::string dirs;
    for (const char* d : {"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-dfir",
                          "rules-compliance", "rules-placeholder"}) {
        dirs += ' ';
        dirs += (kShared / "sigma" / d).string();
    }
    // Without placeholder values, the rules using `expand` are rejected and say which value is
    // missing; every other rejection is a log source that is not a Windows event log.
    const CommandResult bare = run(kVigie + " rules check --rejected-only" + dirs);
    EXPECT_EQ(bare.status, 1);
    std::size_t placeholder = 0, not_windows = 0, other = 0;
    for (const std::string& l : lines(bare.out)) {
        if (!l.starts_with("rejected  ")) continue;
        if (l.find("placeholder %") != std::string::npos &&
            l.find("is not configured") != std::string::npos) {
            ++placeholder;
        } else if (l.find("is not a Windows event log") != std::string::npos ||
                   l.find("names no Windows product") != std::string::npos) {
            ++not_windows;
        } else {
            ++other;
            ADD_FAILURE() << l;
        }
    }
    EXPECT_GT(placeholder, 0u);
    EXPECT_GT(not_windows, 800u);
    EXPECT_EQ(other, 0u);
    // With the example placeholder file, only non-Windows sources remain rejected.
    const std::string placeholders =
        std::string(VIGIE_SOURCE_DIR) + "/config/placeholders.example.yml";
    const CommandResult configured =
        run(kVigie + " rules check --rejected-only --placeholders " + placeholders + dirs);
    EXPECT_EQ(configured.out.find("placeholder %"), std::string::npos);
    EXPECT_NE(configured.out.find("rules loaded 28"), std::string::npos) << configured.out;
}

// A host without Sysmon logs process starts as Security 4688 only: a rule with a Sysmon-only
// alternative still runs there on the other one, and `rules check` says what it loses.
TEST(RulesCheckCli, SaysWhatProcessCreationRulesLoseOnSecurity4688) {
    RuleDir rules;
    rules.write("whoami.yml", R"(title: Whoami
id: 11111111-0000-4000-8000-000000000010
level: medium
logsource: {product: windows, category: process_creation}
detection:
    selection_img:
        Image|endswith: '\whoami.exe'
    selection_ofn:
        OriginalFileName: 'whoami.exe'
    condition: 1 of selection_*
)");
    rules.write("renamed.yml", R"(title: Renamed Whoami
id: 11111111-0000-4000-8000-000000000011
level: high
logsource: {product: windows, category: process_creation}
detection:
    selection:
        OriginalFileName: 'whoami.exe'
    filter:
        Image|endswith: '\whoami.exe'
    condition: selection and not filter
)");
    const CommandResult check = run(kVigie + " rules check " + rules.path());
    EXPECT_EQ(check.status, 0) << check.out;
    EXPECT_NE(check.out.find("note      " + rules.path() +
                             "/whoami.yml:8  11111111-0000-4000-8000-000000000010  on "
                             "security-4688: fields absent there, selections can never match: "
                             "'selection_ofn' (OriginalFileName)"),
              std::string::npos)
        << check.out;
    EXPECT_NE(check.out.find("/renamed.yml:6  11111111-0000-4000-8000-000000000011  not run on "
                             "security-4688"),
              std::string::npos)
        << check.out;
    EXPECT_NE(check.out.find("process_creation rules 2: runnable on Security 4688 1, not 1"),
              std::string::npos)
        << check.out;

    std::ofstream(rules.path() + "/events.jsonl")
        << R"({"Event":{"System":{"EventID":4688,"EventRecordID":7,"Channel":"Security",)"
        << R"("Computer":"PC-01","TimeCreated":{"#attributes":{"SystemTime":)"
        << R"("2024-05-01T10:00:00.000000Z"}}},"EventData":{"NewProcessName":)"
        << R"("C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all"}}})"
        << "\n";
    const CommandResult hunt =
        run(kVigie + " hunt --no-summary --format csv -r " + rules.path() + "/whoami.yml -r " +
            rules.path() + "/renamed.yml " + rules.path() + "/events.jsonl");
    EXPECT_EQ(hunt.status, 0) << hunt.out;
    EXPECT_NE(hunt.out.find("Whoami"), std::string::npos) << hunt.out;
    EXPECT_EQ(hunt.out.find("Renamed Whoami"), std::string::npos) << hunt.out;
}

TEST(HuntCli, JsonLinesAndCompressedInputsGiveTheSameTimelineAsTheEvtx) {
    RuleDir rules;
    rules.write("service.yml", kServiceRule);
    rules.write("note.yml", kNoteRule);
    rules.write("logon.yml", kLogonRule);
    const std::string dir = rules.path();
    ASSERT_EQ(run(kVigie + " dump " + kDemo + " > " + dir + "/demo.jsonl").status, 0);
    ASSERT_EQ(run("gzip -c " + dir + "/demo.jsonl > " + dir + "/demo2.jsonl.gz").status, 0);
    ASSERT_EQ(run("zstd -q -c " + dir + "/demo.jsonl > " + dir + "/demo3.jsonl.zst").status, 0);
    auto timeline = [&](const std::string& input) {
        std::vector<std::string> out;
        for (const std::string& l :
             lines(run(kVigie + " hunt --no-summary --format csv -r " + dir + "/service.yml -r " +
                       dir + "/note.yml -r " + dir + "/logon.yml " + input)
                       .out)) {
            out.push_back(l.substr(0, l.find(",/")));  // drop the file column and after
        }
        return out;
    };
    const auto from_evtx = timeline(kDemo);
    ASSERT_EQ(from_evtx.size(), 4u);
    // EVTX compressed: read through a temporary decompressed copy.
    ASSERT_EQ(run("gzip -c " + kDemo + " > " + dir + "/demo4.evtx.gz").status, 0);
    ASSERT_EQ(run("zstd -q -c " + kDemo + " > " + dir + "/demo5.evtx.zst").status, 0);
    EXPECT_EQ(timeline(dir + "/demo4.evtx.gz"), from_evtx);
    EXPECT_EQ(timeline(dir + "/demo5.evtx.zst"), from_evtx);
    EXPECT_EQ(timeline(dir + "/demo.jsonl"), from_evtx);
    EXPECT_EQ(timeline(dir + "/demo2.jsonl.gz"), from_evtx);
    EXPECT_EQ(timeline(dir + "/demo3.jsonl.zst"), from_evtx);
    // Windows event XML: `vigie dump --format xml` prints events one per line without a root,
    // as `wevtutil qe /f:xml` does; Event Viewer saves them inside <Events>.
    ASSERT_EQ(run(kVigie + " dump --format xml " + kDemo + " > " + dir + "/demo.xml").status, 0);
    ASSERT_EQ(run("{ echo '<?xml version=\"1.0\" encoding=\"UTF-8\"?>'; echo '<Events>'; cat " +
                  dir + "/demo.xml; echo '</Events>'; } | gzip -c > " + dir + "/viewer.xml.gz")
                  .status,
              0);
    EXPECT_EQ(timeline(dir + "/demo.xml"), from_evtx);
    EXPECT_EQ(timeline(dir + "/viewer.xml.gz"), from_evtx);
}

TEST(HuntCli, BuiltInPackOnTheDemoLog) {
    // No -r: the pack in rules/ (what ./scripts/demo.sh runs).
    const CommandResult check = run(kVigie + " rules check " + VIGIE_SOURCE_DIR + "/rules");
    EXPECT_EQ(check.status, 0) << check.out;  // every rule of the pack loads
    const CommandResult r = run(kVigie + " hunt --no-summary --format csv " + kDemo);
    ASSERT_EQ(r.status, 0);
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 11u);  // header + 10 detections
    const std::vector<std::string> expected = {
        "Office Application Starts a Shell or Script Host",
        "Msiexec Installs a Package From a Web Address",
        "Active Directory Discovery With AdFind, Nltest or Net Group",
        "Active Directory Discovery With AdFind, Nltest or Net Group",
        "Executable Written to an Administrative Share",
        "Service Name Used by Clop Deployments",
        "Shadow Copies Deleted or Shrunk",
        "Ransom Note or Encrypted File Extension Written",
        "Ransom Note or Encrypted File Extension Written",
        "Security or System Event Log Cleared",
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NE(out[i + 1].find(expected[i]), std::string::npos) << out[i + 1];
    }
}
