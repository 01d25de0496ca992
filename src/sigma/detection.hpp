// sigma/detection.hpp - a rule's compiled search identifiers and how they are evaluated.
//
//   selection:                         Selection "selection"
//     Image|endswith: '\x.exe'           alternative 0: item(Image) AND item(CommandLine)
//     CommandLine|contains|all: [a, b]   item(CommandLine, all): group{*a*} AND group{*b*}
//   keywords: [foo, bar]               Selection "keywords": item(keyword): group{foo} OR
//   group{bar}
//
// A map is an AND of its items, a list of maps an OR of those ANDs. An item links its value
// groups with OR (AND under `all`); a group holds the alternatives one rule value expands to
// (windash, base64offset, expand), any of which may match.
#pragma once

#include <string>
#include <vector>

#include "sigma/predicate.hpp"

namespace vigie::sigma {

struct ValueGroup {
    std::vector<Predicate> alternatives;
};

struct DetectionItem {
    FieldId field = FieldNames::kUnknown;
    bool keyword = false;  ///< keyless: search every field of the event
    bool all = false;      ///< groups linked with AND
    bool negated = false;  ///< `neq`
    std::vector<ValueGroup> groups;

    bool evaluate(EventFields& ev) const;
};

struct Selection {
    std::string name;
    std::vector<std::vector<DetectionItem>> alternatives;  ///< OR of (AND of items)

    bool evaluate(EventFields& ev) const;
};

}  // namespace vigie::sigma
