// sigma/yaml_reading.hpp - the few ways the sigma library reads YAML files and nodes.
// Internal to the sigma library (rules, correlations, placeholder files).
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::sigma {

/// 1-based line of a node, 0 when the node is absent.
inline std::uint32_t yaml_line(const YAML::Node& n) {
    return n ? static_cast<std::uint32_t>(std::max(n.Mark().line, 0) + 1) : 0;
}

/// A scalar or a list of scalars as strings (other items are skipped); empty when absent.
inline std::vector<std::string> yaml_strings(const YAML::Node& n) {
    std::vector<std::string> out;
    if (!n) return out;
    if (n.IsScalar()) out.push_back(n.Scalar());
    if (n.IsSequence()) {
        for (const auto& v : n) {
            if (v.IsScalar()) out.push_back(v.Scalar());
        }
    }
    return out;
}

/// The whole text of a file; kIo naming the file when it cannot be read.
core::Result<std::string> read_text_file(const std::string& path);

}  // namespace vigie::sigma
