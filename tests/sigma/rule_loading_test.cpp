// Loading rule files: what is refused, with which file line and reason, and that nothing hangs.
#include <gtest/gtest.h>

#include "sigma/rule_set.hpp"

namespace {

vigie::sigma::RuleSet load(const std::string& yaml) {
    vigie::sigma::RuleSet rules;
    rules.load_yaml(yaml, "t.yml");
    rules.finalize();
    return rules;
}

const char* kGood =
    "title: Good\nid: 00000000-0000-4000-8000-000000000001\n"
    "logsource: {product: windows, service: security}\n"
    "detection:\n  sel: {EventID: 1102}\n  condition: sel\n";

}  // namespace

TEST(RuleLoading, InputsThatHangYamlCppAreRefusedAtOnce) {
    // yaml-cpp 0.7's LoadAll loops forever on these (found by fuzzing vigie); each must be
    // rejected with a YAML reason instead.
    for (const std::string& bad : {std::string(","), std::string(",\x01\x01"),
                                   std::string(",/\xff"), std::string(",,"), std::string(", x")}) {
        auto rules = load(bad);
        ASSERT_EQ(rules.report().rejected.size(), 1u) << bad;
        EXPECT_EQ(rules.report().rejected[0].reason.rfind("YAML", 0), 0u)
            << rules.report().rejected[0].reason;
    }
}

TEST(RuleLoading, ControlCharactersAreRejectedWithTheirLine) {
    auto rules = load(std::string(kGood) +
                      "description: a\x02"
                      "b\n");
    ASSERT_EQ(rules.report().rejected.size(), 1u);
    EXPECT_EQ(rules.report().rejected[0].line, 7u);
    EXPECT_NE(rules.report().rejected[0].reason.find("0x02"), std::string::npos);
}

TEST(RuleLoading, MultiDocumentFilesKeepFileLineNumbers) {
    auto rules = load(std::string(kGood) + "---\n" +
                      "title: Bad\nlogsource: {product: windows, service: security}\n"
                      "detection:\n  sel:\n    EventID|nosuch: 1\n  condition: sel\n");
    EXPECT_EQ(rules.report().loaded, 1u);
    ASSERT_EQ(rules.report().rejected.size(), 1u);
    EXPECT_EQ(rules.report().rejected[0].line, 12u);  // the `EventID|nosuch` line
    EXPECT_EQ(rules.report().rejected[0].file, "t.yml");
}

TEST(RuleLoading, DuplicateIdsUnknownLevelsAndMissingParts) {
    vigie::sigma::RuleSet rules;
    rules.load_yaml(kGood, "a.yml");
    rules.load_yaml(kGood, "b.yml");
    rules.load_yaml(
        "title: x\nlevel: severe\nlogsource: {product: windows}\n"
        "detection:\n  sel: {EventID: 1}\n  condition: sel\n",
        "c.yml");
    rules.load_yaml("title: x\nlogsource: {product: windows}\ndetection:\n  sel: {EventID: 1}\n",
                    "d.yml");
    rules.load_yaml("just: a map\n", "e.yml");
    rules.finalize();
    const auto& r = rules.report().rejected;
    ASSERT_EQ(r.size(), 4u);
    EXPECT_NE(r[0].reason.find("duplicate rule id, already loaded from a.yml"), std::string::npos);
    EXPECT_NE(r[1].reason.find("unknown level 'severe'"), std::string::npos);
    EXPECT_EQ(r[1].line, 2u);
    EXPECT_NE(r[2].reason.find("no condition"), std::string::npos);
    EXPECT_NE(r[3].reason.find("no 'detection'"), std::string::npos);
}

TEST(RuleLoading, CorrelationsNamingNoRuleAreReportedWithTheirLine) {
    // A title is not a reference: correlations name rules by id or name.
    auto rules = load(std::string(kGood) +
                      "---\ntitle: Many\ncorrelation:\n  type: event_count\n  rules: [Good]\n"
                      "  timespan: 1h\n  condition: {gte: 10}\n");
    EXPECT_EQ(rules.report().loaded, 1u);
    ASSERT_EQ(rules.report().rejected.size(), 1u);
    EXPECT_NE(rules.report().rejected[0].reason.find("refers to 'Good'"), std::string::npos);
    EXPECT_GT(rules.report().rejected[0].line, 1u);
}
