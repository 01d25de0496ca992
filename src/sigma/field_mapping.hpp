// sigma/field_mapping.hpp - rewriting a rule's field names and values for another event source.
//
// Rules for `process_creation` are written with Sysmon's field names. Security event 4688
// records the same process start under other names and forms: NewProcessName for Image,
// hexadecimal process ids ("0x1a2c"), an integrity SID instead of a level name. A field with no
// counterpart (OriginalFileName, Hashes, ParentCommandLine, ...) makes the rule unable to run on
// that source, and it says so rather than silently dropping a test.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "sigma/logsource.hpp"

namespace vigie::sigma {

enum class ValueMapping : unsigned char {
    kNone,
    kNumber,          ///< compare as integers (the event may write them in hexadecimal)
    kIntegrityLevel,  ///< "High" -> "S-1-16-12288", ...
};

struct MappedField {
    std::string name;
    ValueMapping values = ValueMapping::kNone;
};

/// The field `name` becomes under `mapping`; an error names a field the source cannot provide.
core::Result<MappedField> map_field(FieldMappingKind mapping, std::string_view name);

/// Sysmon integrity level name -> Security mandatory label SID (empty when unknown).
std::string integrity_level_sid(std::string_view level);

}  // namespace vigie::sigma
