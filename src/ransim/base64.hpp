// ransim/base64.hpp - standard base64 (RFC 4648, '=' padding, no line breaks): the `base64`
// strategy writes ciphertext as text, the low-entropy output some ransomware produces.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace vigie::ransim {

std::vector<std::uint8_t> base64_encode(std::span<const std::uint8_t> bytes);
/// Size of the encoding of `size` bytes.
inline std::uint64_t base64_size(std::uint64_t size) {
    return (size + 2) / 3 * 4;
}
/// Decodes whole 4-character groups; nothing when a character is outside the alphabet or the
/// padding is misplaced.
std::optional<std::vector<std::uint8_t>> base64_decode(std::span<const std::uint8_t> text);

}  // namespace vigie::ransim
