#include "sigma/detection.hpp"

namespace vigie::sigma {
namespace {

bool group_matches(const ValueGroup& group, const DetectionItem& item, EventFields& ev) {
    for (const Predicate& p : group.alternatives) {
        if (item.keyword ? p.evaluate_any_field(ev) : p.evaluate(item.field, ev)) return true;
    }
    return false;
}

}  // namespace

bool DetectionItem::evaluate(EventFields& ev) const {
    bool result = all;
    for (const ValueGroup& g : groups) {
        const bool m = group_matches(g, *this, ev);
        if (all && !m) {
            result = false;
            break;
        }
        if (!all && m) {
            result = true;
            break;
        }
    }
    if (all && groups.empty()) result = false;
    return negated ? !result : result;
}

bool Selection::evaluate(EventFields& ev) const {
    for (const auto& items : alternatives) {
        bool ok = true;
        for (const DetectionItem& item : items) {
            if (!item.evaluate(ev)) {
                ok = false;
                break;
            }
        }
        if (ok) return true;
    }
    return false;
}

}  // namespace vigie::sigma
