// sigma/filter.cpp - Sigma filters: their documents read, then applied to the rules they name.
#include "sigma/filter.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sigma/filter_document.hpp"
#include "sigma/rule_set.hpp"
#include "sigma/yaml_reading.hpp"

namespace vigie::sigma {
namespace {

core::Error at(const YAML::Node& n, core::ErrorCode code, std::string message) {
    return core::fail(code, std::move(message), {{}, core::Location::kNone, {}, yaml_line(n)});
}

std::string scalar(const YAML::Node& n) {
    return n && n.IsScalar() ? n.Scalar() : std::string();
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
        if (x != y) return false;
    }
    return true;
}

constexpr FieldMappingKind kMappings[] = {FieldMappingKind::kNone, FieldMappingKind::kSecurity4688};

}  // namespace

bool filter_covers(const LogSource& filter, const LogSource& rule) noexcept {
    auto covers = [](const std::string& f, const std::string& r) {
        return f.empty() || iequals(f, r);
    };
    return covers(filter.product, rule.product) && covers(filter.category, rule.category) &&
           covers(filter.service, rule.service);
}

bool is_filter_document(const YAML::Node& doc) {
    return doc.IsMap() && doc["filter"] && !doc["detection"] && !doc["correlation"];
}

core::Result<Filter> read_filter_document(const YAML::Node& doc, const std::string& file,
                                          std::uint32_t line, FieldNames& names,
                                          const Placeholders* placeholders) {
    auto info = std::make_shared<FilterInfo>();
    info->id = scalar(doc["id"]);
    info->title = scalar(doc["title"]);
    info->description = scalar(doc["description"]);
    info->file = file;
    info->line = line;
    if (info->title.empty()) return at(doc, core::ErrorCode::kParse, "a filter needs a 'title'");
    // Other taxonomies name fields differently (ECS's process.command_line, ...); matched
    // against Windows fields they would silently never hold.
    if (const std::string taxonomy = scalar(doc["taxonomy"]);
        !taxonomy.empty() && !iequals(taxonomy, "sigma")) {
        return at(doc["taxonomy"], core::ErrorCode::kUnsupported,
                  "filter taxonomy '" + taxonomy +
                      "' is not supported (only the sigma taxonomy's field names)");
    }
    const YAML::Node logsource = doc["logsource"];
    if (!logsource || !logsource.IsMap()) {
        return at(logsource ? logsource : doc, core::ErrorCode::kParse,
                  "a filter needs a 'logsource' map");
    }
    info->logsource.product = scalar(logsource["product"]);
    info->logsource.category = scalar(logsource["category"]);
    info->logsource.service = scalar(logsource["service"]);

    const YAML::Node filter = doc["filter"];
    if (!filter.IsMap()) return at(filter, core::ErrorCode::kParse, "'filter' must be a map");
    const YAML::Node rules = filter["rules"];
    if (!rules) {
        return at(filter, core::ErrorCode::kParse,
                  "a filter needs 'rules': the ids or names of the rules it applies to");
    }
    if (rules.IsScalar()) {
        info->rules.push_back(rules.Scalar());
    } else if (rules.IsSequence()) {
        for (const auto& r : rules) {
            if (!r.IsScalar() || r.Scalar().empty()) {
                return at(r, core::ErrorCode::kParse, "'rules' lists rule ids or names");
            }
            if (std::find(info->rules.begin(), info->rules.end(), r.Scalar()) == info->rules.end())
                info->rules.push_back(r.Scalar());
        }
    } else {
        return at(rules, core::ErrorCode::kParse, "'rules' lists rule ids or names");
    }
    if (info->rules.empty() || info->rules.front().empty()) {
        return at(rules, core::ErrorCode::kParse, "a filter's 'rules' must name at least one rule");
    }
    const YAML::Node condition = filter["condition"];
    if (!condition) return at(filter, core::ErrorCode::kParse, "a filter needs a 'condition'");
    if (!condition.IsScalar()) {
        return at(condition, core::ErrorCode::kParse, "a filter's 'condition' must be one string");
    }
    // The search identifiers and condition, as a rule's `detection` holds them.
    YAML::Node detection(YAML::NodeType::Map);
    for (const auto& kv : filter) {
        if (kv.first.Scalar() != "rules") detection.force_insert(kv.first, kv.second);
    }

    Filter out;
    out.info = std::move(info);
    for (const FieldMappingKind mapping : kMappings) {
        const auto m = static_cast<std::size_t>(mapping);
        auto compiled = compile_detection(detection, {&names, mapping, placeholders});
        if (!compiled) {
            // A filter that cannot be read as its rules' sources give them is refused; one that
            // a mapping cannot carry (a Sysmon-only field on Security 4688) only skips it there.
            if (mapping == FieldMappingKind::kNone) return compiled.error();
            out.not_compiled[m] = compiled.error().message;
            continue;
        }
        if (mapping != FieldMappingKind::kNone) {
            // Fields the source never has are absent, as for rules: a filter that can never
            // hold there has nothing to remove, and says so.
            std::vector<std::string> selection_names;
            for (const Selection& sel : compiled->selections) selection_names.push_back(sel.name);
            const AbsentFieldsVerdict verdict =
                judge_absent_fields(compiled->condition, compiled->absent, selection_names);
            if (!verdict.runnable) {
                out.not_compiled[m] = verdict.reason;
                continue;
            }
        }
        out.detections[m] =
            FilterDetection{std::move(compiled->selections), std::move(compiled->condition)};
    }
    return out;
}

void RuleSet::apply_filters() {
    for (auto& rule : rules_) rule->meta_filters.clear();
    if (filters_.empty()) return;
    std::unordered_map<std::string, std::vector<std::uint32_t>> forms_by_name;
    for (std::uint32_t i = 0; i < rules_.size(); ++i) {
        const RuleInfo& info = *rules_[i]->info;
        if (!info.id.empty()) forms_by_name[info.id].push_back(i);
        if (!info.name.empty() && info.name != info.id) forms_by_name[info.name].push_back(i);
    }
    std::unordered_set<std::string> correlation_names;
    for (const CorrelationRule& c : correlations_) {
        if (!c.spec.info->id.empty()) correlation_names.insert(c.spec.info->id);
        if (!c.spec.info->name.empty()) correlation_names.insert(c.spec.info->name);
    }
    for (std::uint32_t k = 0; k < filters_.size(); ++k) {
        Filter& filter = filters_[k];
        filter.rule_forms = 0;
        const FilterInfo& info = *filter.info;
        auto warn = [&](std::string reason) {
            report_.warnings.push_back({info.file, info.line, info.label(),
                                        core::ErrorCode::kInvalidArgument, std::move(reason)});
        };
        const Condition& condition = filter.detections[0]->condition;
        if (condition.nodes()[condition.root()].kind == ConditionNode::Kind::kNot) {
            warn(
                "the condition is a negation: the detections where it holds are removed "
                "(rule and not condition), so this filter keeps only what it negates; filters "
                "written for pySigma's reading (rule and condition) say 'not' where this one "
                "should not");
        }
        for (const std::string& ref : info.rules) {
            const auto it = forms_by_name.find(ref);
            if (it == forms_by_name.end()) {
                const auto rejected =
                    std::find_if(report_.rejected.begin(), report_.rejected.end(),
                                 [&](const RuleProblem& p) { return p.rule == ref; });
                if (correlation_names.count(ref) != 0) {
                    warn("names correlation '" + ref +
                         "': filters apply to detection rules (name the rules it reads)");
                } else if (rejected != report_.rejected.end()) {
                    warn("names rule '" + ref + "', which was rejected: " + rejected->reason);
                } else {
                    warn("names rule '" + ref + "', which is not loaded: nothing to filter");
                }
                continue;
            }
            bool outside = false;
            for (const std::uint32_t index : it->second) {
                CompiledRule& rule = *rules_[index];
                if (!filter_covers(info.logsource, rule.info->logsource)) {
                    outside = true;
                    continue;
                }
                const bool applied =
                    std::any_of(rule.meta_filters.begin(), rule.meta_filters.end(),
                                [&](const RuleFilter& f) { return f.filter == k; });
                if (applied) continue;  // named twice (by id and by name)
                const auto m = static_cast<std::size_t>(rule.mapping);
                if (!filter.detections[m]) {
                    warn("not applied to rule '" + ref + "' on " + rule.target + ": " +
                         filter.not_compiled[m]);
                    continue;
                }
                rule.meta_filters.push_back(
                    {k, filter.detections[m]->selections, filter.detections[m]->condition});
                ++filter.rule_forms;
            }
            if (outside) {
                warn("not applied to rule '" + ref + "': its log source (" +
                     rules_[it->second.front()]->info->logsource.to_string() +
                     ") is not within the filter's (" + info.logsource.to_string() + ")");
            }
        }
    }
}

}  // namespace vigie::sigma
