// sigma/rule_set.hpp - loading many rules, and matching events against all of them at once.
//
//   sigma::RuleSet rules;
//   rules.load_path("rules/");                  // files or folders; problems go to report()
//   rules.load_path("site/", sigma::DocumentKinds::kFiltersOnly);    // Sigma filters (filter.hpp)
//   rules.finalize();                           // builds the event index
//   sigma::RuleMatcher matcher(rules);          // one per thread
//   matcher.match(event, hits);                 // hits: the CompiledRules that matched
//
// Rules are indexed by channel and event ID (from the log source and from the detection
// itself), so each event meets only the rules that could match it. The engine sees events only
// through core::Event fields: it knows nothing of EVTX or JSON.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"
#include "sigma/compiled_rule.hpp"
#include "sigma/correlation.hpp"
#include "sigma/filter.hpp"
#include "sigma/literal_prefilter.hpp"
#include "sigma/placeholders.hpp"
#include "sigma/regex_prefilter.hpp"

namespace vigie::sigma {

class RuleLoader;

/// A loaded correlation rule and the detection rules it reads.
struct CorrelationRule {
    CorrelationSpec spec;
    std::uint32_t index = 0;  ///< its detection-rule index (see RuleSet::rule_info)
    /// For each entry of spec.rules: the detection-rule indexes it names (the forms of a base
    /// rule, or a correlation).
    std::vector<std::vector<std::uint32_t>> sources;
};

/// A correlation reading the detections of a rule, as its referenced rule number `ref`.
struct CorrelationUse {
    std::uint32_t correlation;  ///< index into RuleSet::correlations()
    std::uint32_t ref;          ///< index into CorrelationSpec::rules
};

/// A rule (or document) that could not be loaded, and why.
struct RuleProblem {
    std::string file;
    std::uint32_t line = 0;
    std::string rule;  ///< id or title when known
    core::ErrorCode code = core::ErrorCode::kParse;
    std::string reason;
};

struct LoadReport {
    std::size_t files = 0;
    std::size_t documents = 0;
    std::size_t loaded = 0;  ///< rules with at least one runnable form
    std::vector<RuleProblem> rejected;
    /// Loaded rules with a restriction worth knowing ("not on Security 4688: ...").
    std::vector<RuleProblem> notes;
    std::size_t filters = 0;  ///< Sigma filter documents loaded
    /// Filters that cannot apply as written: a rule they name is not loaded, is a correlation,
    /// or has another log source. The rules run, unfiltered there.
    std::vector<RuleProblem> warnings;
};

/// Which documents a path may hold.
enum class DocumentKinds : unsigned char {
    kAll,          ///< rules, correlations and filters, told apart by their structure
    kFiltersOnly,  ///< filters; anything else is rejected
};

struct RuleSetOptions {
    const Placeholders* placeholders = nullptr;
    /// The literal and regex prefilters (literal_prefilter.hpp). Off, every candidate rule of an
    /// event's channel and ID is evaluated in full: slower, same results (a test checks).
    bool prefilter = true;
    /// Where compiled automata are kept between runs (automaton_cache.hpp); empty: nowhere.
    std::string automaton_cache_dir;
};

class RuleSet {
  public:
    explicit RuleSet(RuleSetOptions options = {});
    RuleSet(RuleSet&&) noexcept;
    RuleSet& operator=(RuleSet&&) noexcept;
    ~RuleSet();

    /// Loads a .yml/.yaml file or every such file under a folder (recursively).
    /// Returns an error only when `path` itself cannot be read.
    core::Result<void> load_path(const std::string& path,
                                 DocumentKinds kinds = DocumentKinds::kAll);
    /// Loads the YAML text of one file (one or several documents).
    void load_yaml(const std::string& yaml, const std::string& file,
                   DocumentKinds kinds = DocumentKinds::kAll);
    /// Links correlations and filters to the rules they name and builds the index; call once
    /// after loading, before matching.
    void finalize();

    const LoadReport& report() const noexcept { return report_; }
    /// The base rule forms that events are matched against.
    const std::vector<std::unique_ptr<CompiledRule>>& rules() const noexcept { return rules_; }

    /// Detection rules are numbered: first every base rule form (rules()), then every
    /// correlation. A detection names its rule by this number.
    std::uint32_t detection_rule_count() const noexcept {
        return static_cast<std::uint32_t>(rules_.size() + correlations_.size());
    }
    const RuleInfo& rule_info(std::uint32_t index) const;
    /// The correlation with this detection-rule number, or null for a base rule form.
    const CorrelationRule* correlation(std::uint32_t index) const noexcept;
    const std::vector<CorrelationRule>& correlations() const noexcept { return correlations_; }
    /// The Sigma filters loaded, in load order (RuleFilter::filter indexes them).
    const std::vector<Filter>& filters() const noexcept { return filters_; }
    /// The correlations that read the detections of a rule.
    const std::vector<CorrelationUse>& correlation_uses(std::uint32_t index) const;
    /// Whether a rule's own detections are shown: not when only correlations without
    /// `generate: true` read it (Sigma's default: the correlation speaks for them).
    bool shown(std::uint32_t index) const noexcept;
    const FieldNames& field_names() const noexcept { return names_; }

    /// Rules that may match events of one (channel, event ID): those evaluated for every such
    /// event, and those evaluated only when one of their literals was found.
    struct Bucket {
        std::vector<std::uint32_t> always;
        std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> by_literal;
        bool keywords = false;  ///< some rule needs the keyword (any-field) literals scanned
        bool empty() const noexcept { return always.empty() && by_literal.empty(); }
        void add(std::uint32_t rule, bool keyword_literals,
                 const std::optional<std::vector<std::uint32_t>>& trigger);
    };
    /// The buckets for an event of this channel (lower-cased) and event ID; null when empty.
    struct Candidates {
        const Bucket* by_id = nullptr;
        const Bucket* any_id = nullptr;
        const Bucket* any_channel = nullptr;  ///< rules whose filter must still be checked
    };
    Candidates candidates(std::string_view channel_lower, std::int64_t event_id) const;
    const LiteralPrefilter& prefilter() const noexcept { return prefilter_; }
    const RegexPrefilter& regex_prefilter() const noexcept { return regex_prefilter_; }

  private:
    friend class RuleLoader;
    void link_correlations();  // correlation_links.cpp
    void apply_filters();      // filter.cpp

    struct ChannelIndex {
        std::unordered_map<std::int64_t, Bucket> by_id;
        Bucket any_id;
    };

    RuleSetOptions options_;
    FieldNames names_;
    std::vector<std::unique_ptr<CompiledRule>> rules_;
    LoadReport report_;
    std::unordered_map<std::string, ChannelIndex> channels_;
    Bucket any_channel_;
    LiteralPrefilter prefilter_;
    RegexPrefilter regex_prefilter_;
    std::unordered_map<std::string, std::string> rule_files_by_id_;  // duplicate id detection
    std::vector<CorrelationRule> correlations_;
    std::vector<Filter> filters_;
    std::vector<std::vector<CorrelationUse>> uses_;  // per detection-rule number
    std::vector<bool> shown_;                        // per detection-rule number
};

/// Per-thread matching state over a finalized RuleSet.
class RuleMatcher {
  public:
    explicit RuleMatcher(const RuleSet& rules) : rules_(&rules) {}

    /// Appends to `hits` every rule form that matches `event` (cleared first). A match that a
    /// Sigma filter removes is not a hit; it is listed in removed().
    void match(const core::Event& event, std::vector<const CompiledRule*>& hits);
    /// The same, for a caller that has read the event's Channel and EventID already.
    void match(const core::Event& event, std::string_view channel, std::int64_t event_id,
               std::vector<const CompiledRule*>& hits);
    /// Number of rule evaluations done so far (for statistics).
    std::uint64_t evaluations() const noexcept { return evaluations_; }
    /// The matches of the last event that filters removed: one entry per filter that held.
    const std::vector<FilterRemoval>& removed() const noexcept { return removed_; }

  private:
    bool passes_filter(const CompiledRule& rule, const core::Event& event,
                       std::string_view channel_lower, std::int64_t event_id);
    void collect(const RuleSet::Bucket* bucket, std::vector<std::uint32_t>& out);
    bool filtered_out(const CompiledRule& rule);

    const RuleSet* rules_;
    EventFields fields_;
    LiteralScratch literals_;
    std::vector<std::uint32_t> stamp_;  // per rule: the event number that last listed it
    std::uint32_t epoch_ = 0;
    std::vector<std::uint32_t> candidates_;
    std::vector<std::uint32_t> filtered_candidates_;
    std::vector<signed char> memo_;
    std::vector<signed char> filter_memo_;
    std::vector<FilterRemoval> removed_;
    std::string channel_;
    std::uint64_t evaluations_ = 0;
};

}  // namespace vigie::sigma
