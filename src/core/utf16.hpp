// core/utf16.hpp - UTF-16LE (Windows strings) to UTF-8.
//
// Input bytes are untrusted: odd lengths drop the last byte, unpaired surrogates become U+FFFD,
// and decoding can stop at the first NUL unit (Windows strings are often NUL-padded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigie::core {

enum class Utf16Stop { kAtNul, kNever };

/// Appends the UTF-8 form of `byte_count` bytes of UTF-16LE at `data` to `out`.
void append_utf16le(std::string& out, const std::uint8_t* data, std::size_t byte_count,
                    Utf16Stop stop = Utf16Stop::kAtNul);

/// Appends one code point as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

/// Number of UTF-16 units before the first NUL unit (or all of them).
std::size_t utf16le_units_before_nul(const std::uint8_t* data, std::size_t byte_count) noexcept;

/// Encodes UTF-8 as UTF-16LE (invalid bytes become U+FFFD). Used by the EVTX writer and tests.
std::u16string utf8_to_utf16(std::string_view utf8);

}  // namespace vigie::core
