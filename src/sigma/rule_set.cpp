#include "sigma/rule_set.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <re2/re2.h>

#include "sigma/automaton_cache.hpp"
#include "sigma/case_fold.hpp"

namespace vigie::sigma {
namespace {

using IdSet = std::optional<std::set<std::int64_t>>;  // nullopt: any event ID

std::optional<std::int64_t> exact_number(const Predicate& p) {
    if (p.kind == Predicate::Kind::kNumber) return p.number;
    if (p.kind != Predicate::Kind::kString || p.string.mode() != StringMatcher::Mode::kExact) {
        return std::nullopt;
    }
    const std::string_view t = p.string.required_literal();
    std::int64_t n = 0;
    if (t.empty() || t.size() > 10) return std::nullopt;
    for (const char c : t) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n;
}

// Event IDs an item restricts to, if it is a plain `EventID: ...` test.
IdSet item_ids(const DetectionItem& item, FieldId event_id_field) {
    if (item.keyword || item.negated || item.field != event_id_field || item.groups.empty()) {
        return std::nullopt;
    }
    std::set<std::int64_t> ids;
    for (const ValueGroup& g : item.groups) {
        for (const Predicate& p : g.alternatives) {
            const auto n = exact_number(p);
            if (!n) return std::nullopt;
            ids.insert(*n);
        }
    }
    // With `all` every value must hold: the intersection (at most one ID) is the set.
    if (item.all && item.groups.size() > 1) return std::set<std::int64_t>{};
    return ids;
}

IdSet selection_ids(const Selection& sel, FieldId event_id_field) {
    std::set<std::int64_t> all;
    for (const auto& items : sel.alternatives) {
        IdSet found;
        for (const DetectionItem& item : items) {
            found = item_ids(item, event_id_field);
            if (found) break;
        }
        if (!found) return std::nullopt;
        all.insert(found->begin(), found->end());
    }
    if (sel.alternatives.empty()) return std::nullopt;
    return all;
}

IdSet node_ids(const CompiledRule& rule, std::uint32_t index, FieldId event_id_field) {
    const ConditionNode& n = rule.condition.nodes()[index];
    auto union_of = [](std::vector<IdSet> sets) -> IdSet {
        std::set<std::int64_t> out;
        for (const IdSet& s : sets) {
            if (!s) return std::nullopt;
            out.insert(s->begin(), s->end());
        }
        return out;
    };
    auto smallest_of = [](std::vector<IdSet> sets) -> IdSet {
        IdSet best;
        for (IdSet& s : sets) {
            if (s && (!best || s->size() < best->size())) best = std::move(s);
        }
        return best;
    };
    std::vector<IdSet> parts;
    switch (n.kind) {
        case ConditionNode::Kind::kSelection:
            return selection_ids(rule.selections[n.operands[0]], event_id_field);
        case ConditionNode::Kind::kNot:
            return std::nullopt;
        case ConditionNode::Kind::kAnd:
        case ConditionNode::Kind::kOr:
            for (auto c : n.operands) parts.push_back(node_ids(rule, c, event_id_field));
            return n.kind == ConditionNode::Kind::kAnd ? smallest_of(std::move(parts))
                                                       : union_of(std::move(parts));
        case ConditionNode::Kind::kOneOf:
        case ConditionNode::Kind::kAllOf:
            for (auto s : n.operands)
                parts.push_back(selection_ids(rule.selections[s], event_id_field));
            return n.kind == ConditionNode::Kind::kAllOf ? smallest_of(std::move(parts))
                                                         : union_of(std::move(parts));
    }
    return std::nullopt;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
}

// ---- literal triggers: literals of which at least one must occur for a rule to match ----

using Trigger = std::optional<std::vector<std::uint32_t>>;  // nullopt: no such set known

class TriggerFinder {
  public:
    explicit TriggerFinder(const LiteralPrefilter& prefilter) : prefilter_(prefilter) {}

    Trigger rule(const CompiledRule& r) { return node(r, r.condition.root()); }

  private:
    // The more selective of two sets: longer shortest literal first, then fewer literals.
    bool better(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) const {
        auto shortest = [&](const std::vector<std::uint32_t>& v) {
            std::size_t m = SIZE_MAX;
            for (auto id : v) m = std::min(m, prefilter_.literal_length(id));
            return v.empty() ? 0 : m;
        };
        const std::size_t sa = shortest(a), sb = shortest(b);
        if (sa != sb) return sa > sb;
        return a.size() < b.size();
    }
    Trigger best_of(std::vector<Trigger> parts) const {
        Trigger best;
        for (Trigger& t : parts) {
            if (t && (!best || better(*t, *best))) best = std::move(t);
        }
        return best;
    }
    static Trigger union_of(std::vector<Trigger> parts) {
        std::vector<std::uint32_t> out;
        for (const Trigger& t : parts) {
            if (!t) return std::nullopt;
            out.insert(out.end(), t->begin(), t->end());
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
    static Trigger group(const ValueGroup& g) {
        std::vector<std::uint32_t> out;
        for (const Predicate& p : g.alternatives) {
            if (p.kind != Predicate::Kind::kString || p.literal == kNoLiteral) return std::nullopt;
            out.push_back(p.literal);
        }
        if (out.empty()) return std::nullopt;
        return out;
    }
    Trigger item(const DetectionItem& it) const {
        if (it.negated || it.groups.empty()) return std::nullopt;
        std::vector<Trigger> parts;
        for (const ValueGroup& g : it.groups) parts.push_back(group(g));
        return it.all ? best_of(std::move(parts)) : union_of(std::move(parts));
    }
    Trigger selection(const Selection& sel) const {
        std::vector<Trigger> alternatives;
        for (const auto& items : sel.alternatives) {
            std::vector<Trigger> parts;
            for (const DetectionItem& it : items) parts.push_back(item(it));
            alternatives.push_back(best_of(std::move(parts)));
        }
        if (alternatives.empty()) return std::nullopt;
        return union_of(std::move(alternatives));
    }
    Trigger node(const CompiledRule& r, std::uint32_t index) const {
        const ConditionNode& n = r.condition.nodes()[index];
        std::vector<Trigger> parts;
        switch (n.kind) {
            case ConditionNode::Kind::kSelection:
                return selection(r.selections[n.operands[0]]);
            case ConditionNode::Kind::kNot:
                return std::nullopt;
            case ConditionNode::Kind::kAnd:
            case ConditionNode::Kind::kOr:
                for (auto c : n.operands) parts.push_back(node(r, c));
                return n.kind == ConditionNode::Kind::kAnd ? best_of(std::move(parts))
                                                           : union_of(std::move(parts));
            case ConditionNode::Kind::kOneOf:
            case ConditionNode::Kind::kAllOf:
                for (auto s : n.operands) parts.push_back(selection(r.selections[s]));
                return n.kind == ConditionNode::Kind::kAllOf ? best_of(std::move(parts))
                                                             : union_of(std::move(parts));
        }
        return std::nullopt;
    }

    const LiteralPrefilter& prefilter_;
};

// Gives every case-insensitive string test of a field a literal id, and every regular
// expression on a field a slot in the regex prefilter.
void assign_literals(CompiledRule& rule, FieldId event_id_field, LiteralPrefilter& prefilter,
                     RegexPrefilter& regexes) {
    for (Selection& sel : rule.selections) {
        for (auto& items : sel.alternatives) {
            for (DetectionItem& item : items) {
                // Event IDs are indexed already.
                if (!item.keyword && item.field == event_id_field) continue;
                for (ValueGroup& g : item.groups) {
                    for (Predicate& p : g.alternatives) {
                        if (p.kind == Predicate::Kind::kRegex && !item.keyword) {
                            p.regex_slot = regexes.add(item.field, p.regex->pattern());
                            continue;
                        }
                        if (p.kind != Predicate::Kind::kString || p.string.cased() ||
                            p.string.required_literal().empty()) {
                            continue;
                        }
                        p.literal =
                            prefilter.add(item.keyword ? LiteralPrefilter::kAnyField : item.field,
                                          p.string.required_literal());
                        rule.keyword_literals =
                            rule.keyword_literals || (item.keyword && p.literal != kNoLiteral);
                    }
                }
            }
        }
    }
}

}  // namespace

void RuleSet::Bucket::add(std::uint32_t rule, bool keyword_literals,
                          const std::optional<std::vector<std::uint32_t>>& trigger) {
    keywords = keywords || keyword_literals;
    if (!trigger) {
        always.push_back(rule);
        return;
    }
    for (const std::uint32_t literal : *trigger) by_literal[literal].push_back(rule);
}

void RuleSet::finalize() {
    link_correlations();
    apply_filters();
    channels_.clear();
    any_channel_ = Bucket{};
    prefilter_ = LiteralPrefilter{};
    regex_prefilter_ = RegexPrefilter{};
    const FieldId event_id_field = names_.intern("EventID");
    for (std::uint32_t i = 0; i < rules_.size(); ++i) {
        rules_[i]->index = i;
        if (options_.prefilter)
            assign_literals(*rules_[i], event_id_field, prefilter_, regex_prefilter_);
    }
    regex_prefilter_.compile(prefilter_);
    if (auto compiled = prefilter_.compile(AutomatonCache(options_.automaton_cache_dir));
        !compiled) {
        // Without automata every literal counts as present: slower, never wrong.
        for (auto& r : rules_) {
            for (Selection& sel : r->selections)
                for (auto& items : sel.alternatives)
                    for (DetectionItem& item : items)
                        for (ValueGroup& g : item.groups)
                            for (Predicate& p : g.alternatives) {
                                p.literal = kNoLiteral;
                                p.regex_slot = kNoRegexSlot;
                            }
        }
        prefilter_ = LiteralPrefilter{};
        regex_prefilter_ = RegexPrefilter{};
        report_.notes.push_back({{}, 0, {}, compiled.error().code, compiled.error().message});
    }
    TriggerFinder triggers(prefilter_);
    for (std::uint32_t i = 0; i < rules_.size(); ++i) {
        const CompiledRule& rule = *rules_[i];
        IdSet ids;
        if (!rule.filter.event_ids.empty()) {
            ids =
                std::set<std::int64_t>(rule.filter.event_ids.begin(), rule.filter.event_ids.end());
        } else {
            ids = node_ids(rule, rule.condition.root(), event_id_field);
        }
        if (ids) rules_[i]->event_ids.assign(ids->begin(), ids->end());
        const Trigger trigger = triggers.rule(rule);
        if (rule.filter.channels.empty()) {
            any_channel_.add(i, rule.keyword_literals, trigger);
            continue;
        }
        for (const std::string& channel : rule.filter.channels) {
            ChannelIndex& index = channels_[lower_ascii(channel)];
            if (!ids) {
                index.any_id.add(i, rule.keyword_literals, trigger);
            } else {
                for (const std::int64_t id : *ids)
                    index.by_id[id].add(i, rule.keyword_literals, trigger);
            }
        }
    }
}

RuleSet::Candidates RuleSet::candidates(std::string_view channel_lower,
                                        std::int64_t event_id) const {
    Candidates c;
    if (!any_channel_.empty()) c.any_channel = &any_channel_;
    const auto it = channels_.find(std::string(channel_lower));
    if (it == channels_.end()) return c;
    if (!it->second.any_id.empty()) c.any_id = &it->second.any_id;
    const auto id = it->second.by_id.find(event_id);
    if (id != it->second.by_id.end() && !id->second.empty()) c.by_id = &id->second;
    return c;
}

bool RuleMatcher::passes_filter(const CompiledRule& rule, const core::Event& event,
                                std::string_view channel_lower, std::int64_t event_id) {
    const EventFilter& f = rule.filter;
    if (!f.event_ids.empty() &&
        std::find(f.event_ids.begin(), f.event_ids.end(), event_id) == f.event_ids.end()) {
        return false;
    }
    if (!f.channels.empty()) {
        bool ok = false;
        for (const std::string& c : f.channels) ok = ok || lower_ascii(c) == channel_lower;
        if (!ok) return false;
    }
    if (!f.providers.empty()) {
        const core::Value* provider = event.field("Provider_Name");
        if (provider == nullptr) return false;
        const std::string name = lower_ascii(provider->text());
        bool ok = false;
        for (const std::string& p : f.providers) ok = ok || lower_ascii(p) == name;
        if (!ok) return false;
    }
    return true;
}

void RuleMatcher::collect(const RuleSet::Bucket* bucket, std::vector<std::uint32_t>& out) {
    if (bucket == nullptr) return;
    auto take = [&](std::uint32_t rule) {
        if (stamp_[rule] == epoch_) return;
        stamp_[rule] = epoch_;
        out.push_back(rule);
    };
    for (const std::uint32_t r : bucket->always) take(r);
    if (bucket->by_literal.empty()) return;
    for (const std::uint32_t literal : literals_.found()) {
        const auto it = bucket->by_literal.find(literal);
        if (it == bucket->by_literal.end()) continue;
        for (const std::uint32_t r : it->second) take(r);
    }
}

void RuleMatcher::match(const core::Event& event, std::vector<const CompiledRule*>& hits) {
    std::string channel;
    if (const core::Value* value = event.field("Channel")) value->append_text(channel);
    std::int64_t event_id = -1;
    if (const core::Value* id = event.field("EventID")) event_id = id->to_int().value_or(-1);
    match(event, channel, event_id, hits);
}

bool RuleMatcher::filtered_out(const CompiledRule& rule) {
    bool out = false;
    // Every filter that holds is credited with the removal, not only the first.
    for (const RuleFilter& f : rule.meta_filters) {
        if (!f.holds(fields_, filter_memo_)) continue;
        removed_.push_back({rule.index, f.filter});
        out = true;
    }
    return out;
}

void RuleMatcher::match(const core::Event& event, std::string_view channel, std::int64_t event_id,
                        std::vector<const CompiledRule*>& hits) {
    hits.clear();
    removed_.clear();
    channel_.assign(channel);
    for (char& c : channel_) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    const RuleSet::Candidates c = rules_->candidates(channel_, event_id);
    if (c.by_id == nullptr && c.any_id == nullptr && c.any_channel == nullptr) return;
    const auto& rules = rules_->rules();
    fields_.reset(event, rules_->field_names());
    const bool keywords = (c.by_id != nullptr && c.by_id->keywords) ||
                          (c.any_id != nullptr && c.any_id->keywords) ||
                          (c.any_channel != nullptr && c.any_channel->keywords);
    rules_->prefilter().scan(fields_, literals_, keywords);
    rules_->regex_prefilter().resolve(fields_, literals_);
    fields_.set_literals(&literals_);
    if (stamp_.size() != rules.size()) stamp_.assign(rules.size(), 0);
    if (++epoch_ == 0) {  // wrapped: forget every stamp
        std::fill(stamp_.begin(), stamp_.end(), 0);
        epoch_ = 1;
    }
    candidates_.clear();
    collect(c.by_id, candidates_);
    collect(c.any_id, candidates_);
    filtered_candidates_.clear();
    collect(c.any_channel, filtered_candidates_);
    // Rule order, so that results do not depend on which literals were found first.
    std::sort(candidates_.begin(), candidates_.end());
    std::sort(filtered_candidates_.begin(), filtered_candidates_.end());
    for (const std::uint32_t i : candidates_) {
        ++evaluations_;
        if (rules[i]->evaluate(fields_, memo_) && !filtered_out(*rules[i]))
            hits.push_back(rules[i].get());
    }
    for (const std::uint32_t i : filtered_candidates_) {
        if (!passes_filter(*rules[i], event, channel_, event_id)) continue;
        ++evaluations_;
        if (rules[i]->evaluate(fields_, memo_) && !filtered_out(*rules[i]))
            hits.push_back(rules[i].get());
    }
}

}  // namespace vigie::sigma
