#include "evtx/substitution_value.hpp"

#include <cstring>

#include "core/utf16.hpp"
#include "evtx/binxml.hpp"
#include "evtx/byte_reader.hpp"

namespace vigie::evtx {

using core::Value;
using core::ValueKind;

namespace {

// Unicode White_Space code points of the Basic Multilingual Plane (what Rust's trim_end strips).
bool is_unicode_space(std::uint16_t u) noexcept {
    return (u >= 0x09 && u <= 0x0D) || u == 0x20 || u == 0x85 || u == 0xA0 || u == 0x1680 ||
           (u >= 0x2000 && u <= 0x200A) || u == 0x2028 || u == 0x2029 || u == 0x202F ||
           u == 0x205F || u == 0x3000;
}

// Substitution strings end at their first NUL and lose trailing white space. The Rust evtx
// crate does the same since 2025 (Security 4624 pads LogonProcessName with spaces), and Sigma
// rules and their regression data are written against that rendering.
std::uint32_t trimmed_utf16_size(const std::uint8_t* p, std::uint32_t size) noexcept {
    std::size_t units = core::utf16le_units_before_nul(p, size);
    while (units > 0 && is_unicode_space(load_le<std::uint16_t>(p + 2 * (units - 1)))) --units;
    return static_cast<std::uint32_t>(2 * units);
}

}  // namespace

Value substitution_value(std::uint8_t type, const std::uint8_t* p, std::uint32_t size) noexcept {
    namespace vt = value_type;
    auto need = [&](std::uint32_t n) { return size >= n; };
    switch (type) {
        case vt::kNull:
            return Value::null();
        case vt::kString:
            return Value::utf16(p, trimmed_utf16_size(p, size));
        case vt::kAnsiString:
            return Value::ansi(p, size);
        case vt::kInt8:
            return need(1) ? Value::int64(static_cast<std::int8_t>(p[0])).with_width(1) : Value();
        case vt::kUInt8:
            return need(1) ? Value::uint64(p[0]).with_width(1) : Value();
        case vt::kInt16:
            return need(2) ? Value::int64(load_le<std::int16_t>(p)).with_width(2) : Value();
        case vt::kUInt16:
            return need(2) ? Value::uint64(load_le<std::uint16_t>(p)).with_width(2) : Value();
        case vt::kInt32:
            return need(4) ? Value::int64(load_le<std::int32_t>(p)).with_width(4) : Value();
        case vt::kUInt32:
            return need(4) ? Value::uint64(load_le<std::uint32_t>(p)).with_width(4) : Value();
        case vt::kInt64:
            return need(8) ? Value::int64(load_le<std::int64_t>(p)).with_width(8) : Value();
        case vt::kUInt64:
            return need(8) ? Value::uint64(load_le<std::uint64_t>(p)).with_width(8) : Value();
        case vt::kReal32:
            return need(4) ? Value::real32(load_le<float>(p)) : Value();
        case vt::kReal64:
            return need(8) ? Value::real64(load_le<double>(p)) : Value();
        case vt::kBool:
            if (need(4)) return Value::boolean(load_le<std::uint32_t>(p) != 0);
            return need(1) ? Value::boolean(p[0] != 0) : Value();
        case vt::kBinary:
            return Value::binary(p, size);
        case vt::kGuid:
            return need(16) ? Value::guid(p) : Value();
        case vt::kSizeT:
            if (size == 4) return Value::hex32(load_le<std::uint32_t>(p));
            return need(8) ? Value::hex64(load_le<std::uint64_t>(p)) : Value();
        case vt::kFileTime:
            return need(8) ? Value::filetime(load_le<std::uint64_t>(p)) : Value();
        case vt::kSysTime: {
            if (!need(16)) return Value();
            auto t = core::filetime_from_systemtime(p);
            return t ? Value::filetime(*t) : Value();
        }
        case vt::kSid:
            return need(8) ? Value::sid(p, size) : Value();
        case vt::kHexInt32:
            return need(4) ? Value::hex32(load_le<std::uint32_t>(p)) : Value();
        case vt::kHexInt64:
            return need(8) ? Value::hex64(load_le<std::uint64_t>(p)) : Value();
        default:
            break;
    }
    if (!(type & vt::kArrayFlag)) return Value::null();
    switch (type & ~vt::kArrayFlag) {
        case vt::kString:
            return Value::array(ValueKind::kUtf16, 0, p, size);
        case vt::kAnsiString:
            return Value::array(ValueKind::kAnsi, 0, p, size);
        case vt::kInt8:
            return Value::array(ValueKind::kInt, 1, p, size);
        case vt::kUInt8:
            return Value::array(ValueKind::kUInt, 1, p, size);
        case vt::kInt16:
            return Value::array(ValueKind::kInt, 2, p, size);
        case vt::kUInt16:
            return Value::array(ValueKind::kUInt, 2, p, size);
        case vt::kInt32:
            return Value::array(ValueKind::kInt, 4, p, size);
        case vt::kUInt32:
            return Value::array(ValueKind::kUInt, 4, p, size);
        case vt::kInt64:
            return Value::array(ValueKind::kInt, 8, p, size);
        case vt::kUInt64:
            return Value::array(ValueKind::kUInt, 8, p, size);
        case vt::kReal32:
            return Value::array(ValueKind::kReal32, 4, p, size);
        case vt::kReal64:
            return Value::array(ValueKind::kReal64, 8, p, size);
        case vt::kBool:
            return Value::array(ValueKind::kBool, 4, p, size);
        case vt::kGuid:
            return Value::array(ValueKind::kGuid, 16, p, size);
        case vt::kSizeT:
            return size % 8 == 0 ? Value::array(ValueKind::kHex64, 8, p, size)
                                 : Value::array(ValueKind::kHex32, 4, p, size);
        case vt::kFileTime:
            return Value::array(ValueKind::kFileTime, 8, p, size);
        case vt::kSysTime:
            return Value::array(ValueKind::kFileTime, 16, p, size);
        case vt::kSid:
            return Value::array(ValueKind::kSid, 0, p, size);
        case vt::kHexInt32:
            return Value::array(ValueKind::kHex32, 4, p, size);
        case vt::kHexInt64:
            return Value::array(ValueKind::kHex64, 8, p, size);
        default:
            return Value::null();
    }
}

}  // namespace vigie::evtx
