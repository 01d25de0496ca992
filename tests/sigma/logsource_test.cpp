// Log sources checked on every event, and process_creation rules on Security 4688.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sigma/rule_set.hpp"

namespace {

using vigie::core::Event;
using vigie::core::Value;

struct Fields {
    std::vector<std::pair<std::string, std::string>> text;
    Event event;
    const Event& build() {
        event.clear();
        for (const auto& [k, v] : text)
            event.add_field(event.store(k), Value::utf8(event.store(v)));
        return event;
    }
};

// Titles of the rules matching the event.
std::vector<std::string> titles(vigie::sigma::RuleSet& rules, Fields& f) {
    vigie::sigma::RuleMatcher matcher(rules);
    std::vector<const vigie::sigma::CompiledRule*> hits;
    matcher.match(f.build(), hits);
    std::vector<std::string> out;
    for (const auto* h : hits) out.push_back(h->info->title + "@" + h->target);
    return out;
}

const char* kProcessRule = R"(title: Whoami
logsource: {product: windows, category: process_creation}
detection:
    selection:
        Image|endswith: '\whoami.exe'
        IntegrityLevel: High
    condition: selection
)";

const char* kPidRule = R"(title: Pid
logsource: {product: windows, category: process_creation}
detection:
    selection:
        ProcessId: 4660
        ParentProcessId: 1234
    condition: selection
)";

const char* kOriginalFileNameRule = R"(title: Renamed
logsource: {product: windows, category: process_creation}
detection:
    selection:
        OriginalFileName: whoami.exe
    filter:
        Image|endswith: '\whoami.exe'
    condition: selection and not filter
)";

Fields sysmon1() {
    return Fields{{{"Channel", "Microsoft-Windows-Sysmon/Operational"},
                   {"EventID", "1"},
                   {"Image", "C:\\Windows\\System32\\whoami.exe"},
                   {"IntegrityLevel", "High"},
                   {"ProcessId", "4660"},
                   {"ParentProcessId", "1234"},
                   {"OriginalFileName", "whoami.exe"}},
                  {}};
}

Fields security4688() {
    return Fields{{{"Channel", "Security"},
                   {"EventID", "4688"},
                   {"NewProcessName", "C:\\Windows\\System32\\whoami.exe"},
                   {"MandatoryLabel", "S-1-16-12288"},
                   {"NewProcessId", "0x1234"},
                   {"ProcessId", "0x4d2"}},
                  {}};
}

vigie::sigma::RuleSet load(std::initializer_list<const char*> yamls) {
    vigie::sigma::RuleSet rules;
    int n = 0;
    for (const char* y : yamls) rules.load_yaml(y, "rule" + std::to_string(n++) + ".yml");
    rules.finalize();
    return rules;
}

}  // namespace

TEST(LogSource, ProcessCreationMatchesSysmonOne) {
    auto rules = load({kProcessRule});
    auto e = sysmon1();
    EXPECT_EQ(titles(rules, e), std::vector<std::string>{"Whoami@sysmon-1"});
}

TEST(LogSource, ProcessCreationMatchesSecurity4688ThroughTheMapping) {
    auto rules = load({kProcessRule});
    auto e = security4688();
    EXPECT_EQ(titles(rules, e), std::vector<std::string>{"Whoami@security-4688"});
}

TEST(LogSource, IntegrityLevelNamesBecomeMandatoryLabelSids) {
    auto rules = load({kProcessRule});
    auto e = security4688();
    e.text[3].second = "S-1-16-8192";  // Medium
    EXPECT_TRUE(titles(rules, e).empty());
}

TEST(LogSource, ProcessIdsCompareWithTheHexadecimalOf4688) {
    auto rules = load({kPidRule});
    auto e = security4688();  // NewProcessId 0x1234 = 4660, ProcessId 0x4d2 = 1234
    EXPECT_EQ(titles(rules, e), std::vector<std::string>{"Pid@security-4688"});
    auto s = sysmon1();
    EXPECT_EQ(titles(rules, s), std::vector<std::string>{"Pid@sysmon-1"});
}

TEST(LogSource, RuleThatNeedsASysmonOnlyFieldStaysOffSecurity4688AndSaysSo) {
    auto rules = load({kOriginalFileNameRule});
    ASSERT_EQ(rules.rules().size(), 1u);
    EXPECT_EQ(rules.rules()[0]->target, "sysmon-1");
    ASSERT_EQ(rules.report().notes.size(), 1u);
    EXPECT_NE(rules.report().notes[0].reason.find("OriginalFileName"), std::string::npos);
    auto e = security4688();
    EXPECT_TRUE(titles(rules, e).empty());
}

TEST(LogSource, ChannelIsCheckedOnEveryEventNotGuessed) {
    // The same detection fields in a Security event must not fire a Sysmon-only category.
    auto rules = load({R"(title: Pipe
logsource: {product: windows, category: pipe_created}
detection:
    selection:
        PipeName|startswith: '\MSSE-'
    condition: selection
)"});
    Fields pipe{{{"Channel", "Microsoft-Windows-Sysmon/Operational"},
                 {"EventID", "17"},
                 {"PipeName", "\\MSSE-1234-server"}},
                {}};
    EXPECT_EQ(titles(rules, pipe), std::vector<std::string>{"Pipe@pipe_created"});
    pipe.text[0].second = "Security";
    EXPECT_TRUE(titles(rules, pipe).empty());
    pipe.text[0].second = "Microsoft-Windows-Sysmon/Operational";
    pipe.text[1].second = "1";
    EXPECT_TRUE(titles(rules, pipe).empty());
}

TEST(LogSource, ServiceRulesUseTheChannelAndTheirOwnEventIds) {
    auto rules = load({R"(title: Cleared
logsource: {product: windows, service: security}
detection:
    selection:
        EventID: 1102
    condition: selection
)"});
    Fields e{{{"Channel", "Security"}, {"EventID", "1102"}}, {}};
    EXPECT_EQ(titles(rules, e), std::vector<std::string>{"Cleared@security"});
    e.text[0].second = "System";
    EXPECT_TRUE(titles(rules, e).empty());
}

TEST(LogSource, NonWindowsAndUnknownSourcesAreRejectedWithTheReason) {
    auto rules = load({R"(title: Linux
logsource: {product: linux, service: auditd}
detection:
    selection:
        type: EXECVE
    condition: selection
)",
                       R"(title: Unknown
logsource: {product: windows, service: no-such-service}
detection:
    selection:
        EventID: 1
    condition: selection
)"});
    ASSERT_EQ(rules.report().rejected.size(), 2u);
    EXPECT_NE(rules.report().rejected[0].reason.find("product: linux"), std::string::npos);
    EXPECT_NE(rules.report().rejected[1].reason.find("no-such-service"), std::string::npos);
    EXPECT_EQ(rules.report().rejected[1].line, 2u);
}
