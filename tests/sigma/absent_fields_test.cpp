// Sysmon-only fields on Security 4688: absent from every event, so a rule's other alternatives
// still run. Each case is checked twice: on a 4688 event (tests folded at load) and on a Sysmon 1
// event without the field (tests evaluated at match time): both must agree with the expectation.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sigma/absent_fields.hpp"
#include "sigma/rule_set.hpp"

namespace {

using vigie::core::Event;
using vigie::core::Value;
using vigie::sigma::Truth;

std::string indent(const std::string& detection) {
    std::string out = "    ";
    for (const char c : detection) {
        out.push_back(c);
        if (c == '\n') out += "    ";
    }
    return out;
}

vigie::sigma::RuleSet process_rule(const std::string& detection) {
    vigie::sigma::RuleSet rules;
    rules.load_yaml(
        "title: T\nlogsource: {product: windows, category: process_creation}\n"
        "detection:\n" +
            indent(detection) + "\n",
        "t.yml");
    rules.finalize();
    EXPECT_TRUE(rules.report().rejected.empty()) << rules.report().rejected.front().reason << "\n"
                                                 << detection;
    return rules;
}

bool fires(const vigie::sigma::RuleSet& rules,
           const std::vector<std::pair<std::string, std::string>>& fields) {
    Event event;
    for (const auto& [k, v] : fields) event.add_field(event.store(k), Value::utf8(event.store(v)));
    vigie::sigma::RuleMatcher matcher(rules);
    std::vector<const vigie::sigma::CompiledRule*> hits;
    matcher.match(event, hits);
    return !hits.empty();
}

// whoami started at high integrity, as each source records it.
const std::vector<std::pair<std::string, std::string>> kSecurity = {
    {"Channel", "Security"},
    {"EventID", "4688"},
    {"NewProcessName", "C:\\Windows\\System32\\whoami.exe"},
    {"ParentProcessName", "C:\\Windows\\System32\\cmd.exe"},
    {"CommandLine", "whoami /all"},
    {"MandatoryLabel", "S-1-16-12288"},
    {"NewProcessId", "0x1234"},
    {"ProcessId", "0x4d2"}};
const std::vector<std::pair<std::string, std::string>> kSysmonWithoutSysmonOnlyFields = {
    {"Channel", "Microsoft-Windows-Sysmon/Operational"},
    {"EventID", "1"},
    {"Image", "C:\\Windows\\System32\\whoami.exe"},
    {"ParentImage", "C:\\Windows\\System32\\cmd.exe"},
    {"CommandLine", "whoami /all"},
    {"IntegrityLevel", "High"},
    {"ProcessId", "4660"},
    {"ParentProcessId", "1234"}};

struct Case {
    const char* name;
    const char* detection;
    bool expected;
};

const Case kCases[] = {
    {"alternative selections", R"(selection_img: {Image|endswith: '\whoami.exe'}
selection_ofn: {OriginalFileName: 'whoami.exe'}
condition: 1 of selection_*)",
     true},
    {"alternative maps in one selection", R"(selection:
    - Image|endswith: '\whoami.exe'
    - OriginalFileName: 'whoami.exe'
condition: selection)",
     true},
    {"or of identifiers", R"(a: {Image|endswith: '\whoami.exe'}
b: {Hashes|contains: 'IMPHASH=ABC'}
condition: a or b)",
     true},
    {"a value test of an absent field is false", R"(selection:
    Image|endswith: '\whoami.exe'
    OriginalFileName: 'whoami.exe'
condition: selection)",
     false},
    {"its negation is true", R"(selection: {Image|endswith: '\whoami.exe'}
filter: {ParentCommandLine|contains: 'setup'}
condition: selection and not filter)",
     true},
    {"null matches an absent field", R"(selection:
    Image|endswith: '\whoami.exe'
    OriginalFileName: null
condition: selection)",
     true},
    {"not null does not", R"(selection: {Image|endswith: '\whoami.exe'}
filter: {OriginalFileName: null}
condition: selection and not filter)",
     false},
    {"exists false", R"(selection:
    Image|endswith: '\whoami.exe'
    Hashes|exists: false
condition: selection)",
     true},
    {"exists true", R"(selection:
    Image|endswith: '\whoami.exe'
    Hashes|exists: true
condition: selection)",
     false},
    {"neq holds on an absent field", R"(selection:
    Image|endswith: '\whoami.exe'
    Product|neq: 'Microsoft Windows'
condition: selection)",
     true},
    {"all of a list", R"(selection:
    Image|endswith: '\whoami.exe'
    Description|contains|all: [a, b]
condition: selection)",
     false},
    {"regular expression", R"(selection:
    Image|endswith: '\whoami.exe'
    Company|re: '.*'
condition: selection)",
     false},
    {"empty string is a value, not absence", R"(selection:
    Image|endswith: '\whoami.exe'
    Company: ''
condition: selection)",
     false},
    {"field reference to an absent field", R"(selection:
    CommandLine|fieldref: ParentCommandLine
condition: selection)",
     false},
    {"not of a field reference to an absent field", R"(selection: {Image|endswith: '\whoami.exe'}
filter: {CommandLine|fieldref: ParentCommandLine}
condition: selection and not filter)",
     true},
    {"field reference from an absent field", R"(selection: {Image|endswith: '\whoami.exe'}
filter: {ParentCommandLine|fieldref: CommandLine}
condition: selection and not filter)",
     true},
    {"all of them with one that can never match", R"(selection_img: {Image|endswith: '\whoami.exe'}
selection_ofn: {OriginalFileName: 'whoami.exe'}
condition: all of selection_*)",
     false},
    {"mapped fields still run beside absent ones", R"(selection:
    - ParentImage|endswith: '\cmd.exe'
      IntegrityLevel: High
      ProcessId: 4660
    - ParentUser|contains: 'AUTHORI'
condition: selection)",
     true},
};

TEST(AbsentFields, Security4688AgreesWithSysmonWithoutTheField) {
    for (const Case& c : kCases) {
        const vigie::sigma::RuleSet rules = process_rule(c.detection);
        EXPECT_EQ(fires(rules, kSecurity), c.expected) << "Security 4688: " << c.name;
        EXPECT_EQ(fires(rules, kSysmonWithoutSysmonOnlyFields), c.expected)
            << "Sysmon 1: " << c.name;
    }
}

TEST(AbsentFields, SysmonStillTestsTheFieldWhenPresent) {
    const vigie::sigma::RuleSet rules = process_rule(kCases[3].detection);
    auto fields = kSysmonWithoutSysmonOnlyFields;
    fields.emplace_back("OriginalFileName", "whoami.exe");
    EXPECT_TRUE(fires(rules, fields));
}

std::vector<std::string> targets(const vigie::sigma::RuleSet& rules) {
    std::vector<std::string> out;
    for (const auto& r : rules.rules()) out.push_back(r->target);
    return out;
}

TEST(AbsentFields, RuleWhoseConditionCanNeverHoldIsNotRunAndSaysWhy) {
    const vigie::sigma::RuleSet rules = process_rule(R"(selection:
    OriginalFileName: 'whoami.exe'
filter:
    Image|endswith: '\whoami.exe'
condition: selection and not filter)");
    EXPECT_EQ(targets(rules), std::vector<std::string>{"sysmon-1"});
    ASSERT_EQ(rules.report().notes.size(), 1u);
    const std::string& reason = rules.report().notes[0].reason;
    EXPECT_NE(reason.find("not run on security-4688"), std::string::npos) << reason;
    EXPECT_NE(reason.find("'selection' (OriginalFileName)"), std::string::npos) << reason;
    EXPECT_EQ(rules.report().loaded, 1u);
}

TEST(AbsentFields, RunnableRuleNamesTheSelectionsThatCanNeverMatch) {
    const vigie::sigma::RuleSet rules = process_rule(kCases[0].detection);
    EXPECT_EQ(targets(rules), (std::vector<std::string>{"sysmon-1", "security-4688"}));
    ASSERT_EQ(rules.report().notes.size(), 1u);
    const std::string& reason = rules.report().notes[0].reason;
    EXPECT_NE(reason.find("on security-4688"), std::string::npos) << reason;
    EXPECT_NE(reason.find("can never match: 'selection_ofn' (OriginalFileName)"), std::string::npos)
        << reason;
    EXPECT_EQ(reason.find("selection_img"), std::string::npos) << reason;
}

TEST(AbsentFields, SelectionThatStillHasAnAlternativeIsNotNoted) {
    const vigie::sigma::RuleSet rules = process_rule(kCases[1].detection);
    EXPECT_EQ(targets(rules), (std::vector<std::string>{"sysmon-1", "security-4688"}));
    EXPECT_TRUE(rules.report().notes.empty());
}

TEST(AbsentFields, RuleWithoutAbsentFieldsHasNoNote) {
    const vigie::sigma::RuleSet rules =
        process_rule("selection: {Image|endswith: '\\whoami.exe'}\ncondition: selection");
    EXPECT_EQ(targets(rules), (std::vector<std::string>{"sysmon-1", "security-4688"}));
    EXPECT_TRUE(rules.report().notes.empty());
}

TEST(AbsentFields, ConditionTruthIsThreeValued) {
    const std::vector<std::string> ids = {"a", "b", "c"};
    auto truth = [&](const char* text, std::vector<Truth> known) {
        auto c = vigie::sigma::Condition::parse(text, ids);
        EXPECT_TRUE(c) << text;
        return vigie::sigma::condition_truth(*c, known);
    };
    const Truth F = Truth::kFalse, T = Truth::kTrue, U = Truth::kUnknown;
    EXPECT_EQ(truth("a and b", {F, U, U}), F);
    EXPECT_EQ(truth("a and b", {T, U, U}), U);
    EXPECT_EQ(truth("a and b", {T, T, U}), T);
    EXPECT_EQ(truth("a or b", {F, U, U}), U);
    EXPECT_EQ(truth("a or b", {F, F, U}), F);
    EXPECT_EQ(truth("a or b", {U, T, U}), T);
    EXPECT_EQ(truth("not a", {F, U, U}), T);
    EXPECT_EQ(truth("not a", {U, U, U}), U);
    EXPECT_EQ(truth("c and not a", {T, U, U}), F);
    EXPECT_EQ(truth("1 of them", {F, F, F}), F);
    EXPECT_EQ(truth("1 of them", {F, F, U}), U);
    EXPECT_EQ(truth("all of them", {T, T, U}), U);
    EXPECT_EQ(truth("all of them", {T, U, F}), F);
    EXPECT_EQ(truth("(a or b) and not c", {F, F, U}), F);
}

}  // namespace
