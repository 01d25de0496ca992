#include "ransim/base64.hpp"

#include <array>
#include <string_view>

namespace vigie::ransim {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> reverse_alphabet() {
    std::array<std::int8_t, 256> table{};
    for (auto& v : table) v = -1;
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
        table[static_cast<std::uint8_t>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

constexpr std::array<std::int8_t, 256> kReverse = reverse_alphabet();

}  // namespace

std::vector<std::uint8_t> base64_encode(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> out;
    out.reserve(base64_size(bytes.size()));
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = static_cast<std::uint32_t>(bytes[i]) << 16 |
                                static_cast<std::uint32_t>(bytes[i + 1]) << 8 | bytes[i + 2];
        out.push_back(static_cast<std::uint8_t>(kAlphabet[(v >> 18) & 63]));
        out.push_back(static_cast<std::uint8_t>(kAlphabet[(v >> 12) & 63]));
        out.push_back(static_cast<std::uint8_t>(kAlphabet[(v >> 6) & 63]));
        out.push_back(static_cast<std::uint8_t>(kAlphabet[v & 63]));
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = static_cast<std::uint32_t>(bytes[i]) << 16;
        if (rest == 2) v |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
        out.push_back(static_cast<std::uint8_t>(kAlphabet[(v >> 18) & 63]));
        out.push_back(static_cast<std::uint8_t>(kAlphabet[(v >> 12) & 63]));
        out.push_back(rest == 2 ? static_cast<std::uint8_t>(kAlphabet[(v >> 6) & 63]) : '=');
        out.push_back('=');
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::span<const std::uint8_t> text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int padding = 0;
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const std::uint8_t c = text[i + k];
            if (c == '=' && last && k >= 2) {
                ++padding;
                v <<= 6;
                continue;
            }
            const std::int8_t d = kReverse[c];
            if (d < 0 || padding > 0) return std::nullopt;
            v = v << 6 | static_cast<std::uint32_t>(d);
        }
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        if (padding < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
        if (padding < 1) out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

}  // namespace vigie::ransim
