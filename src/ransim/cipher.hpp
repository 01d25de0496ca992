// ransim/cipher.hpp - the ciphers the simulated ransomware uses: ChaCha20 (RFC 8439) for most
// strategies, RC4 for the Clop-like one (Clop encrypted files with RC4).
//
// Both are written here, in a few dozen lines, because a test tool should not pull in a crypto
// library, and because nothing here is meant to keep a secret: the key is written in clear
// next to the files before the first one is touched. Each file gets its own keystream, derived
// from the run's key and the file's relative path, so any byte of any file can be decrypted
// again on its own, even in a file left half-encrypted by a killed run.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/result.hpp"

namespace vigie::ransim {

using Key = std::array<std::uint8_t, 32>;
using Nonce = std::array<std::uint8_t, 12>;

/// Bytes from the kernel's random source (getrandom).
core::Result<void> fill_random(std::span<std::uint8_t> out);

class ChaCha20 {
  public:
    ChaCha20(const Key& key, const Nonce& nonce);
    /// XORs the keystream of bytes [offset, offset + data.size()) into `data`.
    void apply(std::span<std::uint8_t> data, std::uint64_t offset) const;

  private:
    void block(std::uint32_t counter, std::span<std::uint8_t, 64> out) const;
    std::array<std::uint32_t, 16> state_{};
};

class Rc4 {
  public:
    explicit Rc4(std::span<const std::uint8_t> key);
    /// XORs the next data.size() keystream bytes into `data`.
    void apply(std::span<std::uint8_t> data);

  private:
    std::array<std::uint8_t, 256> s_{};
    std::uint8_t i_ = 0;
    std::uint8_t j_ = 0;
};

/// The nonce of one file: the first 12 bytes of XXH3-128 of its relative path.
Nonce file_nonce(std::string_view relative_path);

}  // namespace vigie::ransim
