// core/value.hpp - one typed value of an event field, usually a view into its source bytes.
//
// A Value is 16 bytes and never owns memory: strings, binary blobs, SIDs and arrays point into
// the buffer they were parsed from (an EVTX chunk, a JSON document) or into the owning Event's
// arena. UTF-16 text stays UTF-16 until someone reads it (append_text / append_json), so events
// whose text nobody looks at never pay for decoding.
//
// Lifetime: a Value is valid as long as the buffer it views; for events, as long as the Event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace vigie::core {

enum class ValueKind : std::uint8_t {
    kNull,
    kUtf8,    ///< UTF-8 text
    kUtf16,   ///< UTF-16LE text, decoded when read; stops at the first NUL unit
    kAnsi,    ///< single-byte text (Windows-1252), NUL bytes skipped
    kInt,     ///< signed integer (8 to 64 bits)
    kUInt,    ///< unsigned integer (8 to 64 bits)
    kReal32,  ///< single-precision float (printed in its shortest float form)
    kReal64,  ///< double-precision float
    kBool,
    kBinary,    ///< bytes, printed as upper-case hex
    kGuid,      ///< 16 bytes, Windows layout (first three groups little-endian)
    kFileTime,  ///< FILETIME ticks (SYSTEMTIME is converted on read)
    kSid,       ///< Windows security identifier, binary form
    kHex32,     ///< unsigned 32-bit integer written as 0x-prefixed lower-case hex
    kHex64,     ///< unsigned 64-bit integer written as 0x-prefixed lower-case hex
    kArray,     ///< packed array of one of the kinds above (see array_item)
};

const char* value_kind_name(ValueKind kind) noexcept;

class Value {
  public:
    constexpr Value() noexcept : kind_(ValueKind::kNull), elem_(ValueKind::kNull), len_(0), u_(0) {}

    static Value null() noexcept { return Value(); }
    static Value utf8(std::string_view s) noexcept {
        return bytes_value(ValueKind::kUtf8, reinterpret_cast<const std::uint8_t*>(s.data()),
                           s.size());
    }
    static Value utf16(const std::uint8_t* p, std::size_t byte_count) noexcept {
        return bytes_value(ValueKind::kUtf16, p, byte_count);
    }
    static Value ansi(const std::uint8_t* p, std::size_t n) noexcept {
        return bytes_value(ValueKind::kAnsi, p, n);
    }
    static Value binary(const std::uint8_t* p, std::size_t n) noexcept {
        return bytes_value(ValueKind::kBinary, p, n);
    }
    /// `p` must point at 16 readable bytes.
    static Value guid(const std::uint8_t* p) noexcept {
        return bytes_value(ValueKind::kGuid, p, 16);
    }
    static Value sid(const std::uint8_t* p, std::size_t n) noexcept {
        return bytes_value(ValueKind::kSid, p, n);
    }
    static Value int64(std::int64_t v) noexcept {
        Value x;
        x.kind_ = ValueKind::kInt;
        x.i_ = v;
        return x;
    }
    static Value uint64(std::uint64_t v) noexcept {
        Value x;
        x.kind_ = ValueKind::kUInt;
        x.u_ = v;
        return x;
    }
    static Value real32(float v) noexcept {
        Value x;
        x.kind_ = ValueKind::kReal32;
        x.d_ = v;
        return x;
    }
    static Value real64(double v) noexcept {
        Value x;
        x.kind_ = ValueKind::kReal64;
        x.d_ = v;
        return x;
    }
    static Value boolean(bool v) noexcept {
        Value x;
        x.kind_ = ValueKind::kBool;
        x.u_ = v ? 1 : 0;
        return x;
    }
    static Value filetime(FileTimeTicks t) noexcept {
        Value x;
        x.kind_ = ValueKind::kFileTime;
        x.u_ = t;
        return x;
    }
    static Value hex32(std::uint32_t v) noexcept {
        Value x;
        x.kind_ = ValueKind::kHex32;
        x.u_ = v;
        return x;
    }
    static Value hex64(std::uint64_t v) noexcept {
        Value x;
        x.kind_ = ValueKind::kHex64;
        x.u_ = v;
        return x;
    }
    /// A packed little-endian array of `element` values, each `element_size` bytes wide.
    /// element_size 0 means variable: NUL-terminated strings (kUtf16, kAnsi) or SIDs.
    /// Integer widths are 1, 2, 4 or 8; kFileTime items of width 16 are SYSTEMTIMEs.
    static Value array(ValueKind element, std::uint8_t element_size, const std::uint8_t* p,
                       std::size_t n) noexcept {
        Value x = bytes_value(ValueKind::kArray, p, n);
        x.elem_ = element;
        x.elem_size_ = element_size;
        return x;
    }

    ValueKind kind() const noexcept { return kind_; }
    ValueKind element_kind() const noexcept { return elem_; }
    bool is_null() const noexcept { return kind_ == ValueKind::kNull; }
    bool is_text() const noexcept {
        return kind_ == ValueKind::kUtf8 || kind_ == ValueKind::kUtf16 || kind_ == ValueKind::kAnsi;
    }
    bool is_number() const noexcept {
        return kind_ == ValueKind::kInt || kind_ == ValueKind::kUInt ||
               kind_ == ValueKind::kReal32 || kind_ == ValueKind::kReal64;
    }

    std::int64_t as_int64() const noexcept { return i_; }
    std::uint64_t as_uint64() const noexcept { return u_; }
    double as_double() const noexcept { return d_; }
    bool as_bool() const noexcept { return u_ != 0; }
    FileTimeTicks as_filetime() const noexcept { return u_; }
    std::span<const std::uint8_t> bytes() const noexcept { return {p_, len_}; }
    /// For kUtf8 only: the text itself.
    std::string_view utf8_view() const noexcept {
        return {reinterpret_cast<const char*>(p_), len_};
    }

    /// Integer meaning of numbers, hex integers and booleans; also parses decimal or 0x-hex text.
    std::optional<std::int64_t> to_int() const;

    /// The value as text: numbers in decimal, hex integers as 0x.., GUIDs without braces,
    /// binary in upper-case hex, times as ISO 8601 with microseconds, arrays comma-separated.
    void append_text(std::string& out) const;
    std::string text() const {
        std::string s;
        append_text(s);
        return s;
    }
    /// Appends the value as a JSON value (strings quoted and escaped, arrays as arrays,
    /// non-finite floats as null).
    void append_json(std::string& out) const;

    /// Array items in order: call next_array_item(offset, item) from offset 0 until it returns
    /// false. Items are views into the same bytes.
    bool next_array_item(std::size_t& offset, Value& item) const noexcept;
    std::size_t array_size() const noexcept;

    /// Integer width in bytes for kInt/kUInt values parsed from binary (0 when unknown).
    std::uint8_t width() const noexcept { return elem_size_; }
    Value with_width(std::uint8_t w) const noexcept {
        Value x = *this;
        x.elem_size_ = w;
        return x;
    }

  private:
    static Value bytes_value(ValueKind k, const std::uint8_t* p, std::size_t n) noexcept {
        Value x;
        x.kind_ = k;
        x.p_ = p;
        x.len_ = static_cast<std::uint32_t>(n);
        return x;
    }
    void append_array(std::string& out, bool json) const;

    ValueKind kind_;
    ValueKind elem_;              ///< kArray: the items' kind
    std::uint8_t elem_size_ = 0;  ///< kArray: item width (0: variable); integers: their width
    std::uint32_t len_;           ///< byte length of the viewed bytes
    union {
        std::int64_t i_;
        std::uint64_t u_;
        double d_;
        const std::uint8_t* p_;
    };
};

static_assert(sizeof(Value) == 16, "a Value stays two machine words: events hold many");

/// Appends `s` as a quoted JSON string, escaping what JSON requires (valid UTF-8 assumed;
/// invalid bytes are replaced by U+FFFD).
void append_json_string(std::string& out, std::string_view s);
/// Appends `s` escaped for a JSON string body (no quotes).
void append_json_escaped(std::string& out, std::string_view s);

/// Converts a SYSTEMTIME (16 bytes) to ticks; nullopt if its fields are out of range.
std::optional<FileTimeTicks> filetime_from_systemtime(const std::uint8_t* p) noexcept;

}  // namespace vigie::core
