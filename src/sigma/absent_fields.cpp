#include "sigma/absent_fields.hpp"

#include "core/event.hpp"

namespace vigie::sigma {
namespace {

Truth negate(Truth t) {
    if (t == Truth::kUnknown) return t;
    return t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
}

// Kleene logic: AND is false if one operand is, true if all are; OR the reverse.
template <typename Operands, typename Value>
Truth conjunction(const Operands& operands, Value&& value, bool all) {
    const Truth decisive = all ? Truth::kFalse : Truth::kTrue;
    bool unknown = false;
    for (const auto o : operands) {
        const Truth t = value(o);
        if (t == decisive) return decisive;
        unknown = unknown || t == Truth::kUnknown;
    }
    return unknown ? Truth::kUnknown : negate(decisive);
}

Truth node_truth(const Condition& condition, std::uint32_t index,
                 const std::vector<Truth>& selections) {
    const ConditionNode& n = condition.nodes()[index];
    auto selection = [&](std::uint32_t s) {
        return s < selections.size() ? selections[s] : Truth::kUnknown;
    };
    auto child = [&](std::uint32_t c) { return node_truth(condition, c, selections); };
    switch (n.kind) {
        case ConditionNode::Kind::kAnd:
            return conjunction(n.operands, child, true);
        case ConditionNode::Kind::kOr:
            return conjunction(n.operands, child, false);
        case ConditionNode::Kind::kNot:
            return negate(child(n.operands[0]));
        case ConditionNode::Kind::kSelection:
            return selection(n.operands[0]);
        case ConditionNode::Kind::kOneOf:
            return conjunction(n.operands, selection, false);
        case ConditionNode::Kind::kAllOf:
            return conjunction(n.operands, selection, true);
    }
    return Truth::kUnknown;
}

std::string joined(const std::vector<std::string>& fields) {
    std::string out;
    for (const std::string& f : fields) out += (out.empty() ? "" : ", ") + f;
    return out;
}

}  // namespace

bool holds_when_absent(const DetectionItem& item) {
    // The match-time code on an event without fields: the semantics cannot drift apart.
    const core::Event empty;
    const FieldNames no_names;
    EventFields fields;
    fields.reset(empty, no_names);
    return item.evaluate(fields);
}

Truth condition_truth(const Condition& condition, const std::vector<Truth>& selections) {
    if (condition.nodes().empty()) return Truth::kUnknown;
    return node_truth(condition, condition.root(), selections);
}

AbsentFieldsVerdict judge_absent_fields(const Condition& condition,
                                        const std::vector<AbsentFieldUse>& uses,
                                        const std::vector<std::string>& names) {
    std::vector<Truth> truths;
    for (const AbsentFieldUse& u : uses) truths.push_back(u.truth);
    // Named in the order of the rule: "'selection_ofn' (OriginalFileName)".
    std::string never, always;
    std::uint32_t line = 0;
    for (const std::uint32_t s : condition.referenced()) {
        if (s >= uses.size() || uses[s].truth == Truth::kUnknown) continue;
        if (line == 0) line = uses[s].line;
        std::string& list = uses[s].truth == Truth::kFalse ? never : always;
        list += std::string(list.empty() ? "'" : ", '") +
                (s < names.size() ? names[s] : std::string()) + "' (" + joined(uses[s].fields) +
                ")";
    }
    std::string decided;
    if (!never.empty()) decided = "can never match: " + never;
    if (!always.empty())
        decided += std::string(decided.empty() ? "" : "; ") + "always match: " + always;
    AbsentFieldsVerdict verdict;
    verdict.line = line;
    if (condition_truth(condition, truths) == Truth::kFalse) {
        verdict.runnable = false;
        verdict.reason =
            "its condition can never hold, fields being absent there (" + decided + ")";
    } else if (!never.empty()) {
        verdict.reason = "fields absent there, selections " + decided;
    }
    return verdict;
}

}  // namespace vigie::sigma
