// evtx/substitution_value.hpp - a template substitution value as a core::Value.
#pragma once

#include <cstdint>

#include "core/value.hpp"

namespace vigie::evtx {

/// Converts substitution bytes of BinXML `type` (see binxml.hpp value_type) into a Value viewing
/// them. Values too short for their type, and types with no value meaning (EvtHandle, EvtXml),
/// become null. BinXML (0x21) is not handled here: the builder expands it into elements.
core::Value substitution_value(std::uint8_t type, const std::uint8_t* data,
                               std::uint32_t size) noexcept;

}  // namespace vigie::evtx
