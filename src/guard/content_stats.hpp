// guard/content_stats.hpp - what the bytes of a written block look like.
//
// Encryption makes bytes uniformly distributed. Two measures are kept: Shannon entropy (bits
// per byte) and Pearson's chi-square of the byte histogram against the uniform distribution.
// For n bytes of ciphertext the chi-square follows a chi-square law with 255 degrees of
// freedom (mean 255, standard deviation about 22.6). Headers, markers and tables of media and
// documents push it far higher, but a well-compressed stream (deflate at level 9, a test
// shows) can pass for random on a few KiB. So neither measure decides alone: the evidence is
// a block that became random where it was not (change_evidence.hpp), never high entropy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vigie::guard {

struct ByteStats {
    std::size_t size = 0;
    double entropy = 0;     ///< Shannon entropy, bits per byte (0..8)
    double chi_square = 0;  ///< against a uniform byte distribution (0 for empty input)
    double printable = 0;   ///< share of printable ASCII and white space (0..1)
    bool base64 = false;    ///< only base64 alphabet, '=' padding and line breaks
};

ByteStats byte_stats(std::span<const std::uint8_t> bytes);

/// Fewer bytes than this say too little about randomness: the tests answer "not random".
inline constexpr std::size_t kMinRandomnessSample = 1024;

/// Indistinguishable from random bytes: high entropy and a chi-square a uniform source gives
/// (below the 0.01 % upper tail of the law with 255 degrees of freedom).
bool looks_random(const ByteStats& stats);

}  // namespace vigie::guard
