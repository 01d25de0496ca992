// sigma/field_mapping.hpp - rewriting a rule's field names and values for another event source.
//
// Rules for `process_creation` are written with Sysmon's field names. Security event 4688
// records the same process start under other names and forms: NewProcessName for Image,
// hexadecimal process ids ("0x1a2c"), an integrity SID instead of a level name. A field with no
// counterpart (OriginalFileName, Hashes, ParentCommandLine, ...) is absent from every event of
// that source, as the Sigma backends treat it: a test of it has the value it has on an event
// without the field (false, `null` and `exists: false` true), so the alternatives that do not
// need it still run (absent_fields.hpp).
#pragma once

#include <string>
#include <string_view>

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
    bool absent = false;  ///< the source never has this field (`name` is left empty)
};

/// The field `name` becomes under `mapping`.
MappedField map_field(FieldMappingKind mapping, std::string_view name);

/// Sysmon integrity level name -> Security mandatory label SID (empty when unknown).
std::string integrity_level_sid(std::string_view level);

}  // namespace vigie::sigma
