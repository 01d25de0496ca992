// Correlations in the rule set (references, cycles, `generate`) and over detections in time
// order (hunt::Correlator): groups through aliases, chains, and what a correlation detection
// tells the analyst.
#include <gtest/gtest.h>

#include "core/time.hpp"
#include "hunt/correlator.hpp"

namespace {

using vigie::hunt::Correlator;
using vigie::hunt::Detection;
using vigie::sigma::RuleSet;

constexpr std::uint64_t kSecond = vigie::core::kTicksPerSecond;
constexpr std::uint64_t kT0 = 13'220'000'000ULL * kSecond;

const char* kBaseRules = R"(title: Network logon
id: 8d0a0a7e-0000-4000-8000-000000000001
name: net_logon
logsource: {product: windows, service: security}
detection:
    sel: {EventID: 4624, LogonType: 3}
    condition: sel
level: informational
---
title: Credential dump
id: 8d0a0a7e-0000-4000-8000-000000000002
name: cred_dump
logsource: {product: windows, service: security}
detection:
    sel: {EventID: 4662}
    condition: sel
level: high
---
title: Remote tool
id: 8d0a0a7e-0000-4000-8000-000000000003
name: remote_tool
logsource: {product: windows, service: security}
detection:
    sel: {EventID: 4648}
    condition: sel
level: medium
)";

RuleSet load(const std::string& correlations) {
    RuleSet rules;
    rules.load_yaml(kBaseRules, "base.yml");
    rules.load_yaml(correlations, "correlations.yml");
    rules.finalize();
    return rules;
}

std::uint32_t rule_named(const RuleSet& rules, const std::string& name) {
    for (std::uint32_t i = 0; i < rules.detection_rule_count(); ++i) {
        if (rules.rule_info(i).name == name) return i;
    }
    ADD_FAILURE() << "no rule " << name;
    return 0;
}

Detection detection(const RuleSet& rules, const std::string& rule, std::uint64_t seconds,
                    const std::string& computer,
                    std::vector<std::pair<std::string, std::string>> fields) {
    Detection d;
    d.rule = rule_named(rules, rule);
    d.timestamp = kT0 + seconds * kSecond;
    d.order = seconds;
    d.computer = computer;
    d.fields = std::move(fields);
    return d;
}

// Feeds detections in order; returns the title of every detection shown.
std::vector<std::string> shown(const RuleSet& rules, const std::vector<Detection>& in,
                               std::vector<Detection>* out = nullptr) {
    Correlator correlator(rules);
    std::vector<std::string> titles;
    for (const Detection& d : in) {
        correlator.add(d, [&](Detection&& s) {
            titles.push_back(rules.rule_info(s.rule).title);
            if (out != nullptr) out->push_back(std::move(s));
        });
    }
    return titles;
}

const char* kManyHosts = R"(title: One account on many hosts
id: 8d0a0a7e-0000-4000-8000-000000000010
correlation:
    type: value_count
    rules: [net_logon]
    group-by: [TargetUserName]
    timespan: 1h
    condition: {field: Computer, gte: 3}
level: high
)";

}  // namespace

TEST(CorrelationLinks, UnknownReferenceIsRejectedWithFileAndLine) {
    const RuleSet rules = load(std::string(kManyHosts) + R"(---
title: Broken
id: 8d0a0a7e-0000-4000-8000-000000000011
correlation:
    type: event_count
    rules: [no_such_rule]
    timespan: 1h
    condition: {gte: 2}
)");
    ASSERT_EQ(rules.correlations().size(), 1u);
    ASSERT_EQ(rules.report().rejected.size(), 1u);
    const auto& problem = rules.report().rejected[0];
    EXPECT_EQ(problem.file, "correlations.yml");
    EXPECT_EQ(problem.line, 11u);
    EXPECT_NE(problem.reason.find("no_such_rule"), std::string::npos);
    EXPECT_EQ(rules.report().loaded, 4u);  // three base rules and the good correlation
}

TEST(CorrelationLinks, CyclesAndTheirDependentsAreRejected) {
    const RuleSet rules = load(R"(title: A
name: corr_a
correlation: {type: event_count, rules: [corr_b], timespan: 1h, condition: {gte: 1}}
---
title: B
name: corr_b
correlation: {type: event_count, rules: [corr_a], timespan: 1h, condition: {gte: 1}}
---
title: C
name: corr_c
correlation: {type: event_count, rules: [corr_a], timespan: 1h, condition: {gte: 1}}
)");
    EXPECT_TRUE(rules.correlations().empty());
    ASSERT_EQ(rules.report().rejected.size(), 3u);
    bool cycle = false;
    for (const auto& p : rules.report().rejected)
        cycle |= p.reason.find("cycle") != std::string::npos;
    EXPECT_TRUE(cycle);
}

TEST(CorrelationLinks, ReferencedRulesAreHiddenUnlessGenerated) {
    const RuleSet rules = load(std::string(kManyHosts) + R"(---
title: Credential dump then remote tool
correlation:
    type: temporal_ordered
    rules: [cred_dump, remote_tool]
    group-by: [Computer]
    timespan: 1d
    generate: true
)");
    EXPECT_FALSE(rules.shown(rule_named(rules, "net_logon")));
    EXPECT_TRUE(rules.shown(rule_named(rules, "cred_dump")));
    EXPECT_TRUE(rules.shown(rule_named(rules, "remote_tool")));
    EXPECT_TRUE(rules.shown(rules.correlations()[0].index));
}

TEST(Correlator, ValueCountOverHostsNamesTheHostsAndTheAccount) {
    const RuleSet rules = load(kManyHosts);
    std::vector<Detection> in = {
        detection(rules, "net_logon", 0, "DC01", {{"TargetUserName", "adm-it"}}),
        detection(rules, "net_logon", 60, "DC01", {{"TargetUserName", "adm-it"}}),
        detection(rules, "net_logon", 120, "SRV-FICHIERS", {{"TargetUserName", "m.durand"}}),
        detection(rules, "net_logon", 600, "SRV-FICHIERS", {{"TargetUserName", "adm-it"}}),
        detection(rules, "net_logon", 3000, "PC-RADIO", {{"TargetUserName", "adm-it"}}),
    };
    std::vector<Detection> out;
    EXPECT_EQ(shown(rules, in, &out), std::vector<std::string>{"One account on many hosts"});
    ASSERT_EQ(out.size(), 1u);
    const Detection& c = out[0];
    EXPECT_EQ(c.timestamp, kT0 + 3000 * kSecond);
    EXPECT_EQ(c.computer, "PC-RADIO");
    std::map<std::string, std::string> fields(c.fields.begin(), c.fields.end());
    EXPECT_EQ(fields["TargetUserName"], "adm-it");
    EXPECT_EQ(fields["count"], "3");
    EXPECT_EQ(fields["Computer"], "DC01, SRV-FICHIERS, PC-RADIO");
    EXPECT_EQ(fields["window_start"], vigie::core::format_iso8601_micros(kT0));
}

TEST(Correlator, ValueCountJustOutsideTheHour) {
    const RuleSet rules = load(kManyHosts);
    EXPECT_TRUE(shown(rules, {detection(rules, "net_logon", 0, "A", {{"TargetUserName", "x"}}),
                              detection(rules, "net_logon", 10, "B", {{"TargetUserName", "x"}}),
                              detection(rules, "net_logon", 3611, "C", {{"TargetUserName", "x"}})})
                    .empty());
}

TEST(Correlator, AliasesJoinDifferentFieldsOfDifferentRules) {
    // Credential theft on a workstation, then its name as the source of a remote tool use.
    const RuleSet rules = load(R"(title: Theft then spread
correlation:
    type: temporal_ordered
    rules: [cred_dump, remote_tool]
    group-by: [source]
    timespan: 1d
    aliases:
        source:
            cred_dump: Computer
            remote_tool: WorkstationName
    generate: true
level: critical
)");
    std::vector<Detection> out;
    const auto titles =
        shown(rules,
              {detection(rules, "remote_tool", 0, "SRV", {{"WorkstationName", "PC-ACCUEIL"}}),
               detection(rules, "cred_dump", 100, "PC-ACCUEIL", {}),
               detection(rules, "remote_tool", 200, "DC01", {{"WorkstationName", "PC-OTHER"}}),
               detection(rules, "remote_tool", 80000, "DC01", {{"WorkstationName", "PC-ACCUEIL"}})},
              &out);
    // The first remote tool use came before the theft: no sequence. The last one completes it.
    EXPECT_EQ(titles, (std::vector<std::string>{"Remote tool", "Credential dump", "Remote tool",
                                                "Remote tool", "Theft then spread"}));
    std::map<std::string, std::string> fields(out.back().fields.begin(), out.back().fields.end());
    EXPECT_EQ(fields["source"], "PC-ACCUEIL");
    EXPECT_EQ(fields["rules"], "cred_dump, remote_tool");
}

TEST(Correlator, ChainedCorrelationsFeedEachOther) {
    // Hosts where one account logged on to many hosts, seen twice within a day.
    const RuleSet rules = load(std::string(kManyHosts) + R"(---
title: Repeated spreading
correlation:
    type: event_count
    rules: [8d0a0a7e-0000-4000-8000-000000000010]
    group-by: [TargetUserName]
    timespan: 1d
    condition: {gte: 2}
level: critical
)");
    // The intermediate correlation is read by the chained one without `generate`: hidden.
    EXPECT_FALSE(rules.shown(rules.correlations()[0].index));
    std::vector<Detection> in;
    for (std::uint64_t burst : {0ull, 20000ull}) {
        for (const char* host : {"A", "B", "C"}) {
            in.push_back(detection(rules, "net_logon", burst++, host, {{"TargetUserName", "adm"}}));
        }
    }
    EXPECT_EQ(shown(rules, in), std::vector<std::string>{"Repeated spreading"});
}

TEST(Correlator, NeededFieldsComeFromGroupByAliasesAndField) {
    const RuleSet rules = load(R"(title: Sum
correlation:
    type: value_sum
    rules: [net_logon]
    group-by: [Computer, who]
    aliases: {who: {net_logon: TargetUserName}}
    timespan: 1h
    condition: {field: Bytes, gte: 10}
)");
    EXPECT_EQ(vigie::hunt::correlation_field_names(rules, rule_named(rules, "net_logon")),
              (std::vector<std::string>{"TargetUserName", "Bytes"}));
    EXPECT_TRUE(
        vigie::hunt::correlation_field_names(rules, rule_named(rules, "cred_dump")).empty());
}
