#include "guard/content_stats.hpp"

#include <array>
#include <cmath>

namespace vigie::guard {
namespace {

// Upper 0.01 % point of the chi-square law with 255 degrees of freedom (Wilson-Hilferty):
// random data stays below it 9,999 times in 10,000.
constexpr double kChiSquareUpper = 347.0;

// Entropy of random data falls short of 8 bits per byte on small samples (the histogram of n
// bytes cannot be flat); allow for it: 8 - 255 / (2 n ln 2) is the expected shortfall.
double entropy_floor(std::size_t n) {
    return 8.0 - 1.5 * 255.0 / (2.0 * static_cast<double>(n) * std::log(2.0));
}

bool is_base64_byte(std::uint8_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=' || c == '\r' || c == '\n';
}

}  // namespace

ByteStats byte_stats(std::span<const std::uint8_t> bytes) {
    ByteStats s;
    s.size = bytes.size();
    if (bytes.empty()) return s;
    std::array<std::uint64_t, 256> counts{};
    std::size_t printable = 0;
    bool base64 = true;
    for (const std::uint8_t b : bytes) {
        ++counts[b];
        printable += (b >= 0x20 && b < 0x7f) || b == '\t' || b == '\n' || b == '\r';
        base64 = base64 && is_base64_byte(b);
    }
    const double n = static_cast<double>(bytes.size());
    const double expected = n / 256.0;
    for (const std::uint64_t c : counts) {
        if (c != 0) {
            const double p = static_cast<double>(c) / n;
            s.entropy -= p * std::log2(p);
        }
        const double d = static_cast<double>(c) - expected;
        s.chi_square += d * d / expected;
    }
    s.printable = static_cast<double>(printable) / n;
    s.base64 = base64 && bytes.size() >= 64;
    return s;
}

bool looks_random(const ByteStats& stats) {
    return stats.size >= kMinRandomnessSample && stats.entropy >= entropy_floor(stats.size) &&
           stats.chi_square < kChiSquareUpper;
}

}  // namespace vigie::guard
