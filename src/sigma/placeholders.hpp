// sigma/placeholders.hpp - values for `%name%` placeholders of rules using the `expand` modifier.
//
// A YAML file maps each placeholder name to one value or a list of values (wildcards allowed):
//
//   Administrators: ['admin*', 'svc_backup']
//   DomainControllers: [DC01, DC02]
//
// A rule that uses a placeholder missing from the configuration is rejected with its name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::sigma {

using Placeholders = std::map<std::string, std::vector<std::string>>;

core::Result<Placeholders> load_placeholders(const std::string& path);
core::Result<Placeholders> parse_placeholders(const std::string& yaml, const std::string& file);

}  // namespace vigie::sigma
