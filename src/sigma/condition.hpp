// sigma/condition.hpp - the `condition` of a detection: grammar, parser and evaluation.
//
//   expression := or
//   or         := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | primary
//   primary    := "(" expression ")" | ("1" | "all") "of" (pattern | "them") | identifier
//
// Precedence, from loosest: or, and, not, `x of`, parentheses (the specification's order).
// Patterns use `*` at any position; `them` means every identifier not starting with `_`, and
// patterns skip those too unless they start with `_` themselves (as pySigma).
// A condition given as a list is the OR of its items (parse_conditions). Aggregations
// (`| count() ...`) and `near` are obsolete and refused with that reason.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vigie::sigma {

struct ConditionNode {
    enum class Kind : unsigned char { kAnd, kOr, kNot, kSelection, kOneOf, kAllOf };
    Kind kind = Kind::kSelection;
    std::vector<std::uint32_t> operands;  ///< node indices (and/or/not) or selection indices
};

class Condition {
  public:
    /// Parses `text` against the rule's search identifiers (in declaration order).
    static core::Result<Condition> parse(std::string_view text,
                                         const std::vector<std::string>& identifiers);
    /// OR of several condition strings.
    static core::Result<Condition> parse_any(const std::vector<std::string>& texts,
                                             const std::vector<std::string>& identifiers);

    /// Evaluates with `selection(i)` giving the truth of identifier i (called lazily, at most
    /// once per identifier if the caller memoises).
    template <typename SelectionFn>
    bool evaluate(SelectionFn&& selection) const {
        return eval(root_, selection);
    }
    /// Identifiers the condition refers to (the others are never evaluated).
    std::vector<std::uint32_t> referenced() const;
    const std::vector<ConditionNode>& nodes() const noexcept { return nodes_; }
    std::uint32_t root() const noexcept { return root_; }

  private:
    template <typename SelectionFn>
    bool eval(std::uint32_t index, SelectionFn& selection) const {
        const ConditionNode& n = nodes_[index];
        switch (n.kind) {
            case ConditionNode::Kind::kAnd:
                for (auto c : n.operands) {
                    if (!eval(c, selection)) return false;
                }
                return true;
            case ConditionNode::Kind::kOr:
                for (auto c : n.operands) {
                    if (eval(c, selection)) return true;
                }
                return false;
            case ConditionNode::Kind::kNot:
                return !eval(n.operands[0], selection);
            case ConditionNode::Kind::kSelection:
                return selection(n.operands[0]);
            case ConditionNode::Kind::kOneOf:
                for (auto s : n.operands) {
                    if (selection(s)) return true;
                }
                return false;
            case ConditionNode::Kind::kAllOf:
                for (auto s : n.operands) {
                    if (!selection(s)) return false;
                }
                return true;
        }
        return false;
    }

    friend class ConditionParser;
    std::vector<ConditionNode> nodes_;
    std::uint32_t root_ = 0;
};

}  // namespace vigie::sigma
