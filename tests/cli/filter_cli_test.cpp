// Sigma filters end to end: `vigie hunt` with filters among the rules (-r) and in folders of
// their own (--filters) removes exactly the detections they name, says so per filter in the
// summary, and warns about a filter naming a rule that is not loaded.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

const char* kServiceRule = R"(title: Clop Service Installed
id: 11111111-0000-4000-8000-000000000001
level: critical
logsource: {product: windows, service: system}
detection:
    selection:
        EventID: 7045
        ServiceName: SecurityCenterIBM
    condition: selection
)";

const char* kNoteRule = R"(title: Ransom Note Written
id: 11111111-0000-4000-8000-000000000002
level: high
logsource: {product: windows, category: file_event}
detection:
    selection:
        TargetFilename|endswith: '\ClopReadMe.txt'
    condition: selection
)";

// A count as the summary's filter lines align it.
std::string fmt_count(std::size_t n) {
    return fmt::format("  {:>7}", n);
}

// Runs a hunt writing JSON lines to a file; returns them, and the summary and warnings.
struct Hunt {
    int status = -1;
    std::vector<std::string> detections;
    std::string messages;
};

Hunt hunt(const std::string& args, const std::string& inputs) {
    RuleDir out;
    const CommandResult r = run(kVigie + " hunt --summary --format jsonl -o " +
                                out.file("out.jsonl") + " " + args + " " + inputs + " 2>&1");
    return {r.status, lines(read_file(out.file("out.jsonl"))), r.out};
}

}  // namespace

TEST(FilterCli, FilterAmongTheRulesRemovesTheDetectionItNames) {
    RuleDir rules;
    rules.write("service.yml", kServiceRule);
    rules.write("note.yml", kNoteRule);
    const Hunt before = hunt("-r " + rules.path(), kDemo);
    ASSERT_EQ(before.status, 0) << before.messages;
    ASSERT_EQ(before.detections.size(), 2u);

    rules.write("mf_radiology_restores.yml", R"(title: Notes on the radiology share are restores
logsource: {product: windows}
filter:
    rules: [11111111-0000-4000-8000-000000000002]
    selection:
        TargetFilename|contains: '\Radiologie\'
    condition: selection
)");
    rules.write("mf_unknown.yml", R"(title: Names a rule nobody loaded
logsource: {product: windows}
filter:
    rules: [no-such-rule]
    selection: {Computer: 'X'}
    condition: selection
)");
    const Hunt after = hunt("-r " + rules.path(), kDemo);
    ASSERT_EQ(after.status, 0) << after.messages;
    // The service detection is untouched, byte for byte; the note is gone.
    EXPECT_EQ(after.detections, std::vector<std::string>{before.detections[0]});
    EXPECT_NE(after.messages.find("filters    2 loaded (1 warning: see `vigie rules check`)"),
              std::string::npos)
        << after.messages;
    EXPECT_NE(after.messages.find("        1  Notes on the radiology share are restores  ("),
              std::string::npos)
        << after.messages;
    EXPECT_NE(after.messages.find("        0  Names a rule nobody loaded  ("), std::string::npos)
        << after.messages;
    EXPECT_NE(after.messages.find("vigie: warning: " + rules.file("mf_unknown.yml") +
                                  ":1: filter 'Names a rule nobody loaded' names rule "
                                  "'no-such-rule', which is not loaded: nothing to filter"),
              std::string::npos)
        << after.messages;
    EXPECT_NE(after.messages.find("detections 1: critical 1, high 0"), std::string::npos);
}

// The published SigmaHQ Windows rules over the real attack recordings, with two filters given
// by --filters: the timeline loses exactly the detections of the named rules on the named
// hosts, everything else is identical, and the summary counts what each filter removed.
TEST(FilterCli, FiltersRemoveExactlyWhatTheyNameOverTheAttackSamples) {
    if (!fs::is_directory(kShared / "evtx-attack-samples") ||
        !fs::is_directory(kShared / "sigma/rules")) {
        GTEST_SKIP() << "shared data absent: " << kShared;
    }
    const std::string rules = fmt::format("-r {}", (kShared / "sigma/rules/windows").string());
    const std::string samples = fmt::format("'{}'", (kShared / "evtx-attack-samples").string());
    constexpr const char* kDiscovery = "502b42de-4306-40b4-9596-6f590c81f073";
    constexpr const char* kLogCleared = "d99b79d2-0a6f-4f46-ad8b-260b6e17f982";
    RuleDir filters;
    filters.write("mf_lab_account_discovery.yml",
                  std::string("title: Account discovery on the IEWIN7 lab machine\n"
                              "logsource: {category: process_creation, product: windows}\n"
                              "filter:\n    rules: [") +
                      kDiscovery +
                      "]\n    selection: {Computer: iewin7}\n    condition: selection\n");
    filters.write("mf_pc01_log_clearing.yml",
                  std::string("title: PC01 security log cleared by maintenance\n"
                              "logsource: {product: windows, service: security}\n"
                              "filter:\n    rules:\n        - ") +
                      kLogCleared +
                      "\n    selection: {Computer|startswith: 'PC01.'}\n"
                      "    condition: selection\n");

    const Hunt before = hunt(rules, samples);
    ASSERT_EQ(before.status, 0) << before.messages;
    const Hunt after = hunt(rules + " --filters " + filters.path(), samples);
    ASSERT_EQ(after.status, 0) << after.messages;

    std::vector<std::string> expected;
    std::size_t discovery_removed = 0, cleared_removed = 0;
    simdjson::dom::parser parser;
    for (const std::string& l : before.detections) {
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(l).get(e), simdjson::SUCCESS) << l;
        const std::string_view rule = e["rule_id"];
        const std::string computer{std::string_view(e["computer"])};
        if (rule == kDiscovery && computer == "IEWIN7") {
            ++discovery_removed;
        } else if (rule == kLogCleared && computer.rfind("PC01.", 0) == 0) {
            ++cleared_removed;
        } else {
            expected.push_back(l);
        }
    }
    ASSERT_GT(discovery_removed, 0u) << "the recordings changed: choose other rules";
    ASSERT_GT(cleared_removed, 0u) << "the recordings changed: choose other rules";
    EXPECT_EQ(after.detections.size(), expected.size());
    EXPECT_EQ(after.detections, expected);
    EXPECT_NE(after.messages.find("filters    2 loaded; detections removed by each:"),
              std::string::npos)
        << after.messages;
    EXPECT_NE(after.messages.find(fmt_count(discovery_removed) +
                                  "  Account discovery on the IEWIN7 lab machine  ("),
              std::string::npos)
        << after.messages;
    EXPECT_NE(after.messages.find(fmt_count(cleared_removed) +
                                  "  PC01 security log cleared by maintenance  ("),
              std::string::npos)
        << after.messages;
    EXPECT_EQ(after.messages.find("warning"), std::string::npos) << after.messages;
}
