// sigma/logsource.hpp - Sigma log sources mapped to Windows channels, providers and event IDs.
//
// The mapping is the taxonomy appendix of the specification (v2.1), checked on every event:
// merged or renamed log files are judged record by record, never by their first record or
// their file name. `process_creation` has two targets: Sysmon event 1 as the rules are written,
// and Security event 4688 through a field mapping (field_mapping.hpp), where Sysmon-only fields
// are absent (absent_fields.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sigma/rule.hpp"

namespace vigie::sigma {

/// Which events a rule variant may look at. Empty lists mean "any".
struct EventFilter {
    std::vector<std::string> channels;  ///< as written in events (compared case-insensitively)
    std::vector<std::uint32_t> event_ids;
    std::vector<std::string> providers;  ///< for ETW-only categories
};

enum class FieldMappingKind : unsigned char { kNone, kSecurity4688 };

struct LogSourceTarget {
    std::string name;  ///< "sysmon", "security-4688", ... for messages
    EventFilter filter;
    FieldMappingKind mapping = FieldMappingKind::kNone;
};

/// The targets of a log source; an error says why it is not a Windows event log source.
core::Result<std::vector<LogSourceTarget>> map_log_source(const LogSource& source);

}  // namespace vigie::sigma
