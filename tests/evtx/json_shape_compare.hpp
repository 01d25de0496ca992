// Compares two JSON documents value by value (object key order ignored, numbers by value).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace vigie::test {

struct JsonDifference {
    std::string path;     ///< "/Event/EventData/Image"
    std::string message;  ///< path and both values
};

/// Every difference between `ours` and `reference` (empty when equal).
std::vector<JsonDifference> json_differences(simdjson::dom::element ours,
                                             simdjson::dom::element reference);

}  // namespace vigie::test
