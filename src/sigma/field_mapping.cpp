#include "sigma/field_mapping.hpp"

#include <array>
#include <utility>

#include "sigma/case_fold.hpp"

namespace vigie::sigma {

MappedField map_field(FieldMappingKind mapping, std::string_view name) {
    if (mapping == FieldMappingKind::kNone) return MappedField{std::string(name)};
    // Security 4688 ("A new process has been created"), Windows 10 and later field names.
    struct Row {
        std::string_view sysmon;
        std::string_view security;
        ValueMapping values;
    };
    static constexpr std::array<Row, 9> kRows = {{
        {"Image", "NewProcessName", ValueMapping::kNone},
        {"ParentImage", "ParentProcessName", ValueMapping::kNone},
        {"CommandLine", "CommandLine", ValueMapping::kNone},
        {"ProcessId", "NewProcessId", ValueMapping::kNumber},
        {"ParentProcessId", "ProcessId", ValueMapping::kNumber},
        {"User", "SubjectUserName", ValueMapping::kNone},
        {"LogonId", "SubjectLogonId", ValueMapping::kNumber},
        {"IntegrityLevel", "MandatoryLabel", ValueMapping::kIntegrityLevel},
        {"TerminalSessionId", "TerminalSessionId", ValueMapping::kNumber},
    }};
    const std::string lower = folded(name);
    for (const Row& r : kRows) {
        if (folded(r.sysmon) == lower) return MappedField{std::string(r.security), r.values};
    }
    // Fields of the event itself exist in both sources.
    static constexpr std::array<std::string_view, 8> kCommon = {
        "eventid",       "channel",         "computer",          "provider_name",
        "eventrecordid", "subjectusername", "subjectdomainname", "targetusername"};
    for (std::string_view c : kCommon) {
        if (c == lower) return MappedField{std::string(name)};
    }
    // Sysmon-only: OriginalFileName, Hashes, ParentCommandLine, Company, CurrentDirectory, ...
    MappedField absent;
    absent.absent = true;
    return absent;
}

std::string integrity_level_sid(std::string_view level) {
    const std::string l = folded(level);
    if (l == "untrusted") return "S-1-16-0";
    if (l == "low") return "S-1-16-4096";
    if (l == "medium") return "S-1-16-8192";
    if (l == "medium plus" || l == "mediumplus") return "S-1-16-8448";
    if (l == "high") return "S-1-16-12288";
    if (l == "system") return "S-1-16-16384";
    if (l == "protected process" || l == "protected") return "S-1-16-20480";
    return {};
}

}  // namespace vigie::sigma
