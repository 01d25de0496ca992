#include "app/rules_command.hpp"

#include <fmt/format.h>

#include <map>

#include "app/rule_loading.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::app {
namespace {

// Groups reasons for the totals: the message up to its first quote or colon detail.
std::string reason_class(const std::string& reason) {
    static const std::vector<std::pair<std::string, std::string>> kClasses = {
        {"is not a Windows event log", "log source is not a Windows event log"},
        {"names no Windows product", "log source is not a Windows event log"},
        {"has no Windows mapping", "log source has no Windows mapping in the taxonomy"},
        {"placeholder", "placeholder not configured"},
        {"RE2", "regular expression needs backtracking (not linear time)"},
        {"correlation refers to", "correlation names a rule that is not loaded"},
        {"in a cycle", "correlations refer to each other in a cycle"},
        {"filter: ", "Sigma filter that cannot be read"},
        {"given as filters", "not a Sigma filter, in a folder given as filters"},
        {"duplicate rule id", "duplicate rule id"},
        {"aggregation", "obsolete aggregation in condition"},
        {"unknown modifier", "unknown modifier"},
        {"YAML", "YAML syntax error"},
    };
    for (const auto& [needle, name] : kClasses) {
        if (reason.find(needle) != std::string::npos) return name;
    }
    return "other: " + reason;
}

}  // namespace

int run_rules_check(const RulesCheckOptions& options) {
    auto loaded = load_rules(options.paths, options.filters, options.placeholders);
    if (!loaded) {
        fmt::print(stderr, "vigie: {}\n", loaded.error().to_string());
        return 2;
    }
    const sigma::RuleSet& rules = *(*loaded)->rules;
    const sigma::LoadReport& report = rules.report();
    if (!options.rejected_only) {
        const sigma::RuleInfo* last = nullptr;
        for (const auto& rule : rules.rules()) {
            if (rule->info.get() == last) continue;
            last = rule->info.get();
            std::string targets;
            for (const auto& r : rules.rules()) {
                if (r->info.get() == last) targets += (targets.empty() ? "" : ",") + r->target;
            }
            fmt::print("loaded    {}:{}  {}  {}  [{}]\n", last->file, last->line, last->id,
                       last->title, targets);
        }
        for (const sigma::CorrelationRule& c : rules.correlations()) {
            const sigma::RuleInfo& info = *c.spec.info;
            std::string reads;
            for (const std::string& r : c.spec.rules) reads += (reads.empty() ? "" : ",") + r;
            fmt::print("loaded    {}:{}  {}  {}  [correlation {} of {}]\n", info.file, info.line,
                       info.id, info.title, sigma::correlation_type_name(c.spec.type), reads);
        }
    }
    std::map<std::string, std::size_t> classes;
    for (const sigma::RuleProblem& p : report.rejected) {
        fmt::print("rejected  {}:{}  {}  {}\n", p.file, p.line, p.rule, p.reason);
        ++classes[reason_class(p.reason)];
    }
    for (const sigma::RuleProblem& p : report.notes) {
        if (!options.rejected_only)
            fmt::print("note      {}:{}  {}  {}\n", p.file, p.line, p.rule, p.reason);
    }
    if (!options.rejected_only) {
        for (const sigma::Filter& f : rules.filters()) {
            const sigma::FilterInfo& info = *f.info;
            std::string names;
            for (const std::string& r : info.rules) names += (names.empty() ? "" : ",") + r;
            fmt::print("filter    {}:{}  {}  {}  [{} rule forms of {}]\n", info.file, info.line,
                       info.id, info.title, f.rule_forms, names);
        }
    }
    for (const sigma::RuleProblem& p : report.warnings) {
        fmt::print("warning   {}:{}  {}  filter {}\n", p.file, p.line, p.rule, p.reason);
    }
    fmt::print(
        "\nfiles {}, documents {}, rules loaded {} ({} runnable forms, {} correlations), "
        "filters {}, rejected {}, notes {}, filter warnings {}\n",
        report.files, report.documents, report.loaded, rules.rules().size(),
        rules.correlations().size(), report.filters, report.rejected.size(), report.notes.size(),
        report.warnings.size());
    for (const auto& [name, count] : classes) fmt::print("  rejected: {:5}  {}\n", count, name);
    // Hospitals without Sysmon have only Security 4688 for process creation.
    std::size_t process_rules = 0, on_4688 = 0;
    const sigma::RuleInfo* last = nullptr;
    for (const auto& rule : rules.rules()) {
        if (rule->info->logsource.category != "process_creation") continue;
        if (rule->info.get() != last) ++process_rules;
        last = rule->info.get();
        if (rule->target == "security-4688") ++on_4688;
    }
    if (process_rules > 0) {
        fmt::print("  process_creation rules {}: runnable on Security 4688 {}, not {}\n",
                   process_rules, on_4688, process_rules - on_4688);
    }
    return report.rejected.empty() ? 0 : 1;
}

}  // namespace vigie::app
