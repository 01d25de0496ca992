#include "ransim/cipher.hpp"

#include <sys/random.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace vigie::ransim {
namespace {

std::uint32_t load32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint32_t rotl(std::uint32_t v, int n) {
    return (v << n) | (v >> (32 - n));
}

// Raw pointers rather than std::array::operator[]: the ASan build runs without inlining and
// spends most of the simulator's test time here otherwise.
void quarter_round(std::uint32_t* x, int a, int b, int c, int d) {
    x[a] += x[b];
    x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = rotl(x[b] ^ x[c], 7);
}

}  // namespace

core::Result<void> fill_random(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return core::fail(core::ErrorCode::kIo,
                              std::string("getrandom failed: ") + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

ChaCha20::ChaCha20(const Key& key, const Nonce& nonce) {
    state_[0] = 0x61707865;  // "expand 32-byte k"
    state_[1] = 0x3320646e;
    state_[2] = 0x79622d32;
    state_[3] = 0x6b206574;
    for (int i = 0; i < 8; ++i) state_[4 + i] = load32(key.data() + 4 * i);
    state_[12] = 0;
    for (int i = 0; i < 3; ++i) state_[13 + i] = load32(nonce.data() + 4 * i);
}

void ChaCha20::block(std::uint32_t counter, std::span<std::uint8_t, 64> out) const {
    std::uint32_t x[16];
    std::uint32_t input[16];
    std::memcpy(input, state_.data(), sizeof input);
    input[12] = counter;
    std::memcpy(x, input, sizeof x);
    for (int round = 0; round < 10; ++round) {
        quarter_round(x, 0, 4, 8, 12);
        quarter_round(x, 1, 5, 9, 13);
        quarter_round(x, 2, 6, 10, 14);
        quarter_round(x, 3, 7, 11, 15);
        quarter_round(x, 0, 5, 10, 15);
        quarter_round(x, 1, 6, 11, 12);
        quarter_round(x, 2, 7, 8, 13);
        quarter_round(x, 3, 4, 9, 14);
    }
    std::uint8_t* bytes = out.data();
    for (int i = 0; i < 16; ++i) {
        const std::uint32_t v = x[i] + input[i];
        bytes[4 * i] = static_cast<std::uint8_t>(v);
        bytes[4 * i + 1] = static_cast<std::uint8_t>(v >> 8);
        bytes[4 * i + 2] = static_cast<std::uint8_t>(v >> 16);
        bytes[4 * i + 3] = static_cast<std::uint8_t>(v >> 24);
    }
}

void ChaCha20::apply(std::span<std::uint8_t> data, std::uint64_t offset) const {
    std::array<std::uint8_t, 64> stream{};
    std::uint8_t* bytes = data.data();
    std::size_t done = 0;
    while (done < data.size()) {
        const std::uint64_t at = offset + done;
        // The 32-bit block counter covers 256 GiB per file: far above any corpus file.
        block(static_cast<std::uint32_t>(at / 64), stream);
        const std::size_t skip = static_cast<std::size_t>(at % 64);
        const std::size_t n = std::min<std::size_t>(64 - skip, data.size() - done);
        const std::uint8_t* key = stream.data() + skip;
        for (std::size_t i = 0; i < n; ++i) bytes[done + i] ^= key[i];
        done += n;
    }
}

Rc4::Rc4(std::span<const std::uint8_t> key) {
    for (std::size_t i = 0; i < 256; ++i) s_[i] = static_cast<std::uint8_t>(i);
    std::uint8_t j = 0;
    for (std::size_t i = 0; i < 256; ++i) {
        j = static_cast<std::uint8_t>(j + s_[i] + key[i % key.size()]);
        std::swap(s_[i], s_[j]);
    }
}

void Rc4::apply(std::span<std::uint8_t> data) {
    std::uint8_t* s = s_.data();
    for (std::uint8_t& byte : data) {
        i_ = static_cast<std::uint8_t>(i_ + 1);
        j_ = static_cast<std::uint8_t>(j_ + s[i_]);
        std::swap(s[i_], s[j_]);
        byte ^= s[static_cast<std::uint8_t>(s[i_] + s[j_])];
    }
}

Nonce file_nonce(std::string_view relative_path) {
    const XXH128_hash_t h = XXH3_128bits(relative_path.data(), relative_path.size());
    Nonce nonce{};
    for (int i = 0; i < 8; ++i)
        nonce[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h.low64 >> (8 * i));
    for (int i = 0; i < 4; ++i)
        nonce[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(h.high64 >> (8 * i));
    return nonce;
}

}  // namespace vigie::ransim
