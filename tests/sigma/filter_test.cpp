// Sigma filters (specification v2.1, sigma-filters-specification.md): one test per part of the
// specification, then what the specification leaves to the tool (log source matching, rules
// that are not there, field mappings, several filters on one rule).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "match_helpers.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::sigma {
namespace {

using test::TestField;

// The two rules the specification's example names, and one it does not.
constexpr const char* kRar = R"(title: Data Compressed - rar.exe
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\rar.exe'}
    condition: selection
level: medium
)";
constexpr const char* kJump = R"(title: Login on jump host
id: df0841c0-9846-4e9f-ad8a-7df91571771b
name: login_on_jump_host
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\mstsc.exe'}
    condition: selection
level: medium
)";
constexpr const char* kWhoami = R"(title: Whoami
id: 0d1a2b3c-0000-4000-8000-000000000001
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\whoami.exe'}
    condition: selection
level: high
)";
// The specification's example, as in its tests/schema/filter/filter_1.yml.
constexpr const char* kSpecFilter = R"(title: Filter Administrator account
description: The valid administrator account start with adm_
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # Data Compressed - rar.exe
        - df0841c0-9846-4e9f-ad8a-7df91571771b # Login on jump host
    selection:
        User|startswith: 'adm_'
    condition: selection
)";

RuleSet load(const std::vector<std::pair<std::string, std::string>>& files) {
    RuleSet rules;
    for (const auto& [file, yaml] : files) rules.load_yaml(yaml, file);
    rules.finalize();
    return rules;
}

struct Outcome {
    std::vector<std::string> hits;     // rule titles
    std::vector<std::string> removed;  // "rule title <- filter title"
};

Outcome match(const RuleSet& rules, std::initializer_list<TestField> fields) {
    core::Event event;
    for (const TestField& f : fields)
        event.add_field(event.store(f.name), core::Value::utf8(event.store(f.text)));
    RuleMatcher matcher(rules);
    std::vector<const CompiledRule*> hits;
    matcher.match(event, hits);
    Outcome out;
    for (const CompiledRule* r : hits) out.hits.push_back(r->info->title);
    for (const FilterRemoval& r : matcher.removed()) {
        out.removed.push_back(rules.rules()[r.rule]->info->title + " <- " +
                              rules.filters()[r.filter].info->title);
    }
    return out;
}

// A Sysmon process creation event.
Outcome sysmon(const RuleSet& rules, const std::string& image, const std::string& user) {
    return match(rules, {{"Channel", "Microsoft-Windows-Sysmon/Operational"},
                         {"EventID", "1"},
                         {"Image", image},
                         {"User", user}});
}

std::vector<std::string> reasons(const std::vector<RuleProblem>& problems) {
    std::vector<std::string> out;
    for (const RuleProblem& p : problems) out.push_back(p.reason);
    return out;
}

bool any_contains(const std::vector<RuleProblem>& problems, std::string_view needle) {
    return std::any_of(problems.begin(), problems.end(), [&](const RuleProblem& p) {
        return p.reason.find(needle) != std::string::npos;
    });
}

using Strings = std::vector<std::string>;

// "A Sigma global filter is a dedicated YAML document": recognised by its structure (a `filter`
// map, no `detection`) among rules, and counted as a filter, not a rule.
TEST(SigmaFilter, DocumentIsRecognisedByItsStructure) {
    const RuleSet rules = load({{"rules.yml", std::string(kRar) + "---\n" + kSpecFilter}});
    EXPECT_TRUE(rules.report().rejected.empty())
        << ::testing::PrintToString(reasons(rules.report().rejected));
    EXPECT_EQ(rules.report().loaded, 1u);
    EXPECT_EQ(rules.report().filters, 1u);
    ASSERT_EQ(rules.filters().size(), 1u);
    const FilterInfo& info = *rules.filters()[0].info;
    EXPECT_EQ(info.title, "Filter Administrator account");
    EXPECT_EQ(info.logsource.category, "process_creation");
    EXPECT_EQ(info.rules, (Strings{"6f3e2987-db24-4c78-a860-b4f4095a7095",
                                   "df0841c0-9846-4e9f-ad8a-7df91571771b"}));
    EXPECT_EQ(info.line, 9u);
}

// filter.selection + filter.condition: the named rule keeps a match only where the filter's
// condition does not hold (rule_condition and not filter_condition).
TEST(SigmaFilter, SelectionAndConditionRemoveWhatTheyDescribe) {
    const RuleSet rules = load({{"rar.yml", kRar}, {"mf_admin.yml", kSpecFilter}});
    const Outcome admin = sysmon(rules, "C:\\Tools\\rar.exe", "adm_paul");
    EXPECT_TRUE(admin.hits.empty());
    EXPECT_EQ(admin.removed,
              (Strings{"Data Compressed - rar.exe <- Filter Administrator account"}));
    const Outcome other = sysmon(rules, "C:\\Tools\\rar.exe", "CHU\\intrus");
    EXPECT_EQ(other.hits, (Strings{"Data Compressed - rar.exe"}));
    EXPECT_TRUE(other.removed.empty());
    // The filter alone detects nothing.
    EXPECT_TRUE(sysmon(rules, "C:\\Windows\\notepad.exe", "adm_paul").hits.empty());
    EXPECT_TRUE(sysmon(rules, "C:\\Windows\\notepad.exe", "adm_paul").removed.empty());
}

// filter.rules: "one or multiple Sigma rules where to add the filter"; every one named is
// filtered, a rule not named is untouched.
TEST(SigmaFilter, RulesListsEveryRuleFilteredAndNoOther) {
    const RuleSet rules = load(
        {{"a.yml", kRar}, {"b.yml", kJump}, {"c.yml", kWhoami}, {"mf_admin.yml", kSpecFilter}});
    EXPECT_TRUE(sysmon(rules, "C:\\x\\rar.exe", "adm_a").hits.empty());
    EXPECT_TRUE(sysmon(rules, "C:\\x\\mstsc.exe", "adm_a").hits.empty());
    EXPECT_EQ(sysmon(rules, "C:\\x\\whoami.exe", "adm_a").hits, (Strings{"Whoami"}));
    EXPECT_EQ(sysmon(rules, "C:\\x\\mstsc.exe", "bob").hits, (Strings{"Login on jump host"}));
    EXPECT_EQ(rules.filters()[0].rule_forms, 4u);  // two rules, Sysmon 1 and Security 4688 each
    EXPECT_TRUE(rules.report().warnings.empty());
}

// Rules are named by `id` or by `name` (as correlations name them), and a single name may be
// given without a list.
TEST(SigmaFilter, RulesAreNamedByIdOrName) {
    const RuleSet rules = load({{"b.yml", kJump}, {"f.yml", R"(title: Jump host admins
logsource: {product: windows}
filter:
    rules: login_on_jump_host
    selection: {User|startswith: 'adm_'}
    condition: selection
)"}});
    EXPECT_TRUE(rules.report().rejected.empty());
    EXPECT_TRUE(sysmon(rules, "C:\\x\\mstsc.exe", "adm_a").hits.empty());
    EXPECT_EQ(sysmon(rules, "C:\\x\\mstsc.exe", "bob").hits, (Strings{"Login on jump host"}));
}

// filter.condition follows the rules specification's condition grammar: several identifiers,
// `not`, `1 of`, parentheses; identifiers are the filter's own (a rule's `selection` is not the
// filter's `selection`).
TEST(SigmaFilter, ConditionUsesTheFullGrammarOverItsOwnIdentifiers) {
    const RuleSet rules =
        load({{"rar.yml", kRar}, {"f.yml", R"(title: Backup accounts, except on the DC
logsource: {category: process_creation, product: windows}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    account_backup: {User|startswith: 'svc_backup'}
    account_admin: {User|startswith: 'adm_'}
    dc: {Computer|startswith: 'DC'}
    condition: 1 of account_* and not dc
)"}});
    auto run = [&](const char* user, const char* computer) {
        return match(rules, {{"Channel", "Microsoft-Windows-Sysmon/Operational"},
                             {"EventID", "1"},
                             {"Image", "C:\\x\\rar.exe"},
                             {"User", user},
                             {"Computer", computer}})
            .hits.size();
    };
    EXPECT_EQ(run("svc_backup1", "WS01"), 0u);
    EXPECT_EQ(run("adm_paul", "WS01"), 0u);
    EXPECT_EQ(run("adm_paul", "DC01"), 1u);
    EXPECT_EQ(run("bob", "WS01"), 1u);
}

// logsource is mandatory and decides which named rules the filter reaches: each attribute it
// gives must be the rule's. `product: windows` covers every Windows rule; `category:
// process_creation` does not cover a Security rule, which stays unfiltered, with a warning.
TEST(SigmaFilter, LogSourceMustCoverTheRule) {
    constexpr const char* kSecurityRule = R"(title: Account created
id: 11111111-0000-4000-8000-000000000001
logsource: {product: windows, service: security}
detection:
    selection: {EventID: 4720}
    condition: selection
)";
    auto filter = [](const char* logsource) {
        return std::string("title: Helpdesk creates accounts\nlogsource: ") + logsource +
               "\nfilter:\n    rules: [11111111-0000-4000-8000-000000000001]\n"
               "    selection: {SubjectUserName|startswith: 'helpdesk'}\n"
               "    condition: selection\n";
    };
    auto created = [](const RuleSet& rules) {
        return match(
                   rules,
                   {{"Channel", "Security"}, {"EventID", "4720"}, {"SubjectUserName", "helpdesk2"}})
            .hits.size();
    };
    const RuleSet broad = load({{"r.yml", kSecurityRule}, {"f.yml", filter("{product: windows}")}});
    EXPECT_EQ(created(broad), 0u);
    EXPECT_TRUE(broad.report().warnings.empty());
    const RuleSet same = load(
        {{"r.yml", kSecurityRule}, {"f.yml", filter("{product: Windows, service: security}")}});
    EXPECT_EQ(created(same), 0u);
    const RuleSet other =
        load({{"r.yml", kSecurityRule},
              {"f.yml", filter("{product: windows, category: process_creation}")}});
    EXPECT_EQ(created(other), 1u);
    ASSERT_EQ(other.report().warnings.size(), 1u);
    EXPECT_NE(other.report().warnings[0].reason.find("is not within the filter's"),
              std::string::npos)
        << other.report().warnings[0].reason;
}

// A filter naming a rule that is not loaded (or was rejected, or is a correlation) is a
// warning naming it; the other rules and the filter's other names still work.
TEST(SigmaFilter, RuleThatDoesNotExistIsAWarningNotAnError) {
    const RuleSet rules = load({{"rar.yml", kRar},
                                {"broken.yml", R"(title: Broken
id: 22222222-0000-4000-8000-000000000002
logsource: {product: windows}
detection:
    selection: {A|nosuchmodifier: 1}
    condition: selection
)"},
                                {"f.yml", R"(title: Admins
logsource: {product: windows}
filter:
    rules: [no-such-rule, 22222222-0000-4000-8000-000000000002, 6f3e2987-db24-4c78-a860-b4f4095a7095]
    selection: {User|startswith: 'adm_'}
    condition: selection
)"}});
    EXPECT_EQ(rules.report().loaded, 1u);
    const auto& warnings = rules.report().warnings;
    ASSERT_EQ(warnings.size(), 2u) << ::testing::PrintToString(reasons(warnings));
    EXPECT_EQ(warnings[0].reason,
              "names rule 'no-such-rule', which is not loaded: nothing to filter");
    EXPECT_EQ(warnings[0].file, "f.yml");
    EXPECT_EQ(warnings[0].rule, "Admins");
    EXPECT_NE(warnings[1].reason.find("which was rejected: 'A|nosuchmodifier': unknown modifier"),
              std::string::npos)
        << warnings[1].reason;
    EXPECT_TRUE(sysmon(rules, "C:\\x\\rar.exe", "adm_a").hits.empty());
    EXPECT_EQ(sysmon(rules, "C:\\x\\rar.exe", "bob").hits.size(), 1u);
}

TEST(SigmaFilter, CorrelationIsNotFiltered) {
    const RuleSet rules = load({{"rar.yml", kRar},
                                {"c.yml", R"(title: Many rar
name: many_rar
correlation:
    type: event_count
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    group-by: [Computer]
    timespan: 1h
    condition: {gte: 3}
)"},
                                {"f.yml", R"(title: Admins
logsource: {product: windows}
filter:
    rules: [many_rar]
    selection: {User|startswith: 'adm_'}
    condition: selection
)"}});
    ASSERT_EQ(rules.report().warnings.size(), 1u);
    EXPECT_NE(rules.report().warnings[0].reason.find("names correlation 'many_rar'"),
              std::string::npos);
}

// The mandatory attributes (title, logsource, filter with rules, a search identifier and
// condition) and the optional taxonomy: a document without them is rejected with the reason.
TEST(SigmaFilter, MandatoryAttributesAreChecked) {
    auto rejection = [](const std::string& yaml) {
        const RuleSet rules = load({{"rar.yml", kRar}, {"f.yml", yaml}});
        EXPECT_EQ(rules.report().loaded, 1u);  // the rule loads whatever happens to the filter
        EXPECT_TRUE(rules.filters().empty());
        return rules.report().rejected.empty() ? std::string() : rules.report().rejected[0].reason;
    };
    const std::string body =
        "filter:\n    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
        "    selection: {User: x}\n    condition: selection\n";
    EXPECT_EQ(rejection("logsource: {product: windows}\n" + body),
              "filter: a filter needs a 'title'");
    EXPECT_EQ(rejection("title: T\n" + body), "filter: a filter needs a 'logsource' map");
    EXPECT_EQ(rejection("title: T\nlogsource: {product: windows}\nfilter:\n"
                        "    selection: {User: x}\n    condition: selection\n"),
              "filter: a filter needs 'rules': the ids or names of the rules it applies to");
    EXPECT_EQ(rejection("title: T\nlogsource: {product: windows}\nfilter:\n    rules: []\n"
                        "    selection: {User: x}\n    condition: selection\n"),
              "filter: a filter's 'rules' must name at least one rule");
    EXPECT_EQ(rejection("title: T\nlogsource: {product: windows}\nfilter:\n"
                        "    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
                        "    selection: {User: x}\n"),
              "filter: a filter needs a 'condition'");
    EXPECT_NE(rejection("title: T\nlogsource: {product: windows}\nfilter:\n"
                        "    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
                        "    condition: selection\n")
                  .find("filter: "),
              std::string::npos);
    EXPECT_EQ(rejection("title: T\nlogsource: {product: windows}\nfilter: [a, b]\n"),
              "filter: 'filter' must be a map");
}

// The specification's second schema test uses `taxonomy: ecs`: "other taxonomy must be handled
// by the used tool or transformed"; vigie matches Windows field names, so it says it cannot.
TEST(SigmaFilter, OtherTaxonomyIsRefusedByName) {
    const RuleSet rules = load({{"f.yml", R"(title: Filter google
description: User use google
taxonomy: ecs
logsource:
    category: network
    service: dns
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095 # rule 1
    selection:
        dns.question.name|startswith: 'www.google.'
    condition: selection
)"}});
    ASSERT_EQ(rules.report().rejected.size(), 1u);
    EXPECT_EQ(rules.report().rejected[0].code, core::ErrorCode::kUnsupported);
    EXPECT_NE(rules.report().rejected[0].reason.find("taxonomy 'ecs'"), std::string::npos);
    EXPECT_EQ(rules.report().rejected[0].line, 3u);
}

// Loading order does not matter: a filter read before the rules it names still applies.
TEST(SigmaFilter, FilterBeforeItsRulesStillApplies) {
    const RuleSet rules = load({{"a_filter.yml", kSpecFilter}, {"z_rar.yml", kRar}});
    EXPECT_TRUE(sysmon(rules, "C:\\x\\rar.exe", "adm_a").hits.empty());
    EXPECT_EQ(rules.report().warnings.size(), 1u);  // the jump host rule is not loaded
}

// Several filters on one rule: a match stands only when none holds; each filter that holds is
// credited with the removal.
TEST(SigmaFilter, SeveralFiltersOnOneRule) {
    auto filter = [](const char* title, const char* prefix) {
        return std::string("title: ") + title +
               "\nlogsource: {product: windows}\nfilter:\n"
               "    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
               "    selection: {User|startswith: '" +
               prefix + "'}\n    condition: selection\n";
    };
    const RuleSet rules = load({{"rar.yml", kRar},
                                {"f1.yml", filter("Admins", "adm_")},
                                {"f2.yml", filter("Adm", "adm")}});
    const Outcome both = sysmon(rules, "C:\\x\\rar.exe", "adm_a");
    EXPECT_TRUE(both.hits.empty());
    EXPECT_EQ(both.removed,
              (Strings{"Data Compressed - rar.exe <- Admins", "Data Compressed - rar.exe <- Adm"}));
    const Outcome one = sysmon(rules, "C:\\x\\rar.exe", "admin");
    EXPECT_TRUE(one.hits.empty());
    EXPECT_EQ(one.removed, (Strings{"Data Compressed - rar.exe <- Adm"}));
    EXPECT_EQ(sysmon(rules, "C:\\x\\rar.exe", "bob").hits.size(), 1u);
}

// A process_creation rule also runs on Security 4688 through the field mapping; its filters
// follow it there (User is SubjectUserName on 4688). A filter that can never hold on 4688 (it
// needs a field 4688 does not have) applies on Sysmon and says it cannot on 4688; one with an
// alternative 4688 has applies there on that alternative.
TEST(SigmaFilter, FiltersFollowTheRuleThroughFieldMappings) {
    const RuleSet rules = load({{"rar.yml", kRar}, {"mf_admin.yml", kSpecFilter}});
    auto security = [&](const char* user) {
        return match(rules, {{"Channel", "Security"},
                             {"EventID", "4688"},
                             {"NewProcessName", "C:\\x\\rar.exe"},
                             {"SubjectUserName", user}});
    };
    EXPECT_TRUE(security("adm_paul").hits.empty());
    EXPECT_EQ(security("adm_paul").removed.size(), 1u);
    EXPECT_EQ(security("bob").hits.size(), 1u);

    const RuleSet sysmon_only = load({{"rar.yml", kRar}, {"f.yml", R"(title: Signed rar
logsource: {product: windows}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    selection: {OriginalFileName: 'WinRAR.exe'}
    condition: selection
)"}});
    EXPECT_EQ(sysmon_only.filters()[0].rule_forms, 1u);
    ASSERT_EQ(sysmon_only.report().warnings.size(), 1u);
    EXPECT_NE(sysmon_only.report().warnings[0].reason.find("on security-4688"), std::string::npos)
        << sysmon_only.report().warnings[0].reason;
    EXPECT_TRUE(match(sysmon_only, {{"Channel", "Microsoft-Windows-Sysmon/Operational"},
                                    {"EventID", "1"},
                                    {"Image", "C:\\x\\rar.exe"},
                                    {"OriginalFileName", "WinRAR.exe"}})
                    .hits.empty());

    const RuleSet either = load({{"rar.yml", kRar}, {"f.yml", R"(title: Signed rar or admin
logsource: {product: windows}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    signed: {OriginalFileName: 'WinRAR.exe'}
    admin: {User|startswith: 'adm_'}
    condition: 1 of them
)"}});
    EXPECT_EQ(either.filters()[0].rule_forms, 2u);
    EXPECT_TRUE(either.report().warnings.empty());
    const auto on_4688 = match(either, {{"Channel", "Security"},
                                        {"EventID", "4688"},
                                        {"NewProcessName", "C:\\x\\rar.exe"},
                                        {"SubjectUserName", "adm_paul"}});
    EXPECT_TRUE(on_4688.hits.empty());
    EXPECT_EQ(on_4688.removed.size(), 1u);
}

// A condition written for pySigma's reading (`not selection`, added as is to the rule) would
// keep only what it names here: it loads, with a warning saying so.
TEST(SigmaFilter, NegatedConditionIsWarnedAbout) {
    const RuleSet rules = load({{"rar.yml", kRar}, {"f.yml", R"(title: Not admins
logsource: {product: windows}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    selection: {User|startswith: 'adm_'}
    condition: not selection
)"}});
    ASSERT_EQ(rules.report().warnings.size(), 1u);
    EXPECT_NE(rules.report().warnings[0].reason.find("the condition is a negation"),
              std::string::npos);
    EXPECT_EQ(sysmon(rules, "C:\\x\\rar.exe", "adm_a").hits.size(), 1u);
    EXPECT_TRUE(sysmon(rules, "C:\\x\\rar.exe", "bob").hits.empty());
}

// Filters and rules share one id space; folders given as filters hold filters only.
TEST(SigmaFilter, IdsAreUniqueAndFilterFoldersHoldFiltersOnly) {
    const RuleSet dup = load({{"rar.yml", kRar}, {"f.yml", R"(title: Same id
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource: {product: windows}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    selection: {User: x}
    condition: selection
)"}});
    EXPECT_TRUE(dup.filters().empty());
    EXPECT_TRUE(any_contains(dup.report().rejected, "duplicate rule id"));

    RuleSet rules;
    rules.load_yaml(kRar, "rules/rar.yml");
    rules.load_yaml(std::string(kSpecFilter) + "---\n" + kWhoami, "filters/site.yml",
                    DocumentKinds::kFiltersOnly);
    rules.finalize();
    EXPECT_EQ(rules.report().loaded, 1u);
    EXPECT_EQ(rules.filters().size(), 1u);
    EXPECT_TRUE(any_contains(rules.report().rejected, "in a folder given as filters"));
}

}  // namespace
}  // namespace vigie::sigma
