// One-line helpers for Sigma semantics tests: a detection block and an event in, a verdict out.
//
//   EXPECT_TRUE(matches("sel: {Image|endswith: '\\cmd.exe'}\ncondition: sel",
//                       {{"Image", "C:\\Windows\\cmd.exe"}}));
//   EXPECT_THAT(rejection("sel: {A|nosuch: 1}\ncondition: sel"), HasSubstr("unknown modifier"));
//
// The detection is wrapped in a rule with `logsource: {product: windows}`, which the engine
// indexes as "any channel", so events need no Channel field.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "sigma/placeholders.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::test {

struct TestField {
    std::string name;
    core::Value value;  // a Value::utf8 view into `text` when built from text
    std::string text;
    bool is_text = true;
    TestField(std::string n, std::string t) : name(std::move(n)), text(std::move(t)) {}
    TestField(std::string n, core::Value v) : name(std::move(n)), value(v), is_text(false) {}
};

inline std::string indent(std::string_view detection) {
    std::string out = "    ";
    for (const char c : detection) {
        out.push_back(c);
        if (c == '\n') out += "    ";
    }
    return out;
}

inline sigma::RuleSet rule_set(std::string_view detection,
                               const sigma::Placeholders* placeholders) {
    sigma::RuleSetOptions options;
    options.placeholders = placeholders;
    sigma::RuleSet rules(options);
    rules.load_yaml(
        "title: Test\nlogsource:\n    product: windows\ndetection:\n" + indent(detection) + "\n",
        "test.yml");
    rules.finalize();
    return rules;
}

/// Whether the detection matches an event made of `fields` (the rule must load).
inline bool matches(std::string_view detection, std::initializer_list<TestField> fields,
                    const sigma::Placeholders* placeholders = nullptr) {
    const sigma::RuleSet rules = rule_set(detection, placeholders);
    if (rules.rules().empty()) {
        ADD_FAILURE() << "rule rejected: "
                      << (rules.report().rejected.empty() ? "?" : rules.report().rejected[0].reason)
                      << "\n"
                      << detection;
        return false;
    }
    core::Event event;
    for (const TestField& f : fields) {
        event.add_field(event.store(f.name),
                        f.is_text ? core::Value::utf8(event.store(f.text)) : f.value);
    }
    sigma::RuleMatcher matcher(rules);
    std::vector<const sigma::CompiledRule*> hits;
    matcher.match(event, hits);
    return !hits.empty();
}

/// The reason the rule is rejected, or "" when it loads.
inline std::string rejection(std::string_view detection,
                             const sigma::Placeholders* placeholders = nullptr) {
    const sigma::RuleSet rules = rule_set(detection, placeholders);
    return rules.report().rejected.empty() ? std::string() : rules.report().rejected[0].reason;
}

}  // namespace vigie::test
