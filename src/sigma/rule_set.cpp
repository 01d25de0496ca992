#include "sigma/rule_set.hpp"

#include <algorithm>
#include <optional>
#include <set>

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

}  // namespace

void RuleSet::finalize() {
    channels_.clear();
    any_channel_.clear();
    const FieldId event_id_field = names_.intern("EventID");
    for (std::uint32_t i = 0; i < rules_.size(); ++i) {
        rules_[i]->index = i;
        const CompiledRule& rule = *rules_[i];
        IdSet ids;
        if (!rule.filter.event_ids.empty()) {
            ids =
                std::set<std::int64_t>(rule.filter.event_ids.begin(), rule.filter.event_ids.end());
        } else {
            ids = node_ids(rule, rule.condition.root(), event_id_field);
        }
        if (rule.filter.channels.empty()) {
            any_channel_.push_back(i);
            continue;
        }
        for (const std::string& channel : rule.filter.channels) {
            ChannelIndex& index = channels_[lower_ascii(channel)];
            if (!ids) {
                index.any_id.push_back(i);
            } else {
                for (const std::int64_t id : *ids) index.by_id[id].push_back(i);
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
    if (id != it->second.by_id.end()) c.by_id = &id->second;
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

void RuleMatcher::match(const core::Event& event, std::vector<const CompiledRule*>& hits) {
    hits.clear();
    channel_.clear();
    if (const core::Value* channel = event.field("Channel")) {
        channel->append_text(channel_);
        for (char& c : channel_) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
    }
    std::int64_t event_id = -1;
    if (const core::Value* id = event.field("EventID")) event_id = id->to_int().value_or(-1);
    const RuleSet::Candidates c = rules_->candidates(channel_, event_id);
    if (c.by_id == nullptr && c.any_id == nullptr && c.any_channel == nullptr) return;
    fields_.reset(event, rules_->field_names());
    const auto& rules = rules_->rules();
    auto run = [&](const std::vector<std::uint32_t>* list, bool check_filter) {
        if (list == nullptr) return;
        for (const std::uint32_t i : *list) {
            const CompiledRule& rule = *rules[i];
            if (check_filter && !passes_filter(rule, event, channel_, event_id)) continue;
            ++evaluations_;
            if (rule.evaluate(fields_, memo_)) hits.push_back(&rule);
        }
    };
    run(c.by_id, false);
    run(c.any_id, false);
    run(c.any_channel, true);
}

}  // namespace vigie::sigma
