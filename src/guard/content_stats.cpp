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
    // The guard runs this on every file written: one pass to build the histogram (four
    // interleaved tables, so consecutive equal bytes do not wait on each other's increment),
    // and everything else from the 256 counts.
    std::array<std::array<std::uint32_t, 256>, 4> partial{};
    const std::uint8_t* p = bytes.data();
    const std::size_t n4 = bytes.size() & ~std::size_t{3};
    for (std::size_t i = 0; i < n4; i += 4) {
        ++partial[0][p[i]];
        ++partial[1][p[i + 1]];
        ++partial[2][p[i + 2]];
        ++partial[3][p[i + 3]];
    }
    for (std::size_t i = n4; i < bytes.size(); ++i) ++partial[0][p[i]];
    const double n = static_cast<double>(bytes.size());
    const double expected = n / 256.0;
    std::size_t printable = 0;
    bool base64 = true;
    for (unsigned b = 0; b < 256; ++b) {
        const std::uint64_t c =
            std::uint64_t{partial[0][b]} + partial[1][b] + partial[2][b] + partial[3][b];
        if (c != 0) {
            const double q = static_cast<double>(c) / n;
            s.entropy -= q * std::log2(q);
            const auto byte = static_cast<std::uint8_t>(b);
            if ((byte >= 0x20 && byte < 0x7f) || byte == '\t' || byte == '\n' || byte == '\r')
                printable += c;
            base64 = base64 && is_base64_byte(byte);
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
