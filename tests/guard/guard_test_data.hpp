// Generated file contents for the guard's tests: text, documents with real magic numbers and
// end markers, random bytes (ciphertext), base64.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::guard::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes random_bytes(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

inline Bytes text_bytes(std::size_t n, int variant = 0) {
    const std::string sentence = "Compte rendu " + std::to_string(variant) +
                                 " : patient vu en urgence, constantes stables, bilan "
                                 "biologique demande, retour a domicile prevu demain.\n";
    Bytes out;
    while (out.size() < n) out.insert(out.end(), sentence.begin(), sentence.end());
    out.resize(n);
    return out;
}

inline Bytes bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

/// A whole file as text ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

inline Bytes read_bytes(const std::filesystem::path& path) {
    const std::string text = read_text(path);
    return Bytes(text.begin(), text.end());
}

/// Writes (replacing) a file with `content`.
inline void write_bytes(const std::filesystem::path& path, const Bytes& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(content.data()),
              static_cast<std::streamsize>(content.size()));
}

inline Bytes deflate(const Bytes& in) {
    uLongf size = compressBound(in.size());
    Bytes out(size);
    compress2(out.data(), &size, in.data(), in.size(), 9);
    out.resize(size);
    return out;
}

/// A zip-shaped document (docx): local header magic, deflated text, an end record.
inline Bytes zip_document(int variant, std::size_t text_size = 200000) {
    Bytes text;
    for (int i = 0; text.size() < text_size; ++i) {
        const Bytes t = text_bytes(90 + static_cast<std::size_t>((i * 7 + variant) % 41), i);
        text.insert(text.end(), t.begin(), t.end());
    }
    const Bytes packed = deflate(text);
    const std::uint8_t header[] = {'P', 'K', 3, 4, 0x14, 0, 0, 0, 8, 0};
    const std::uint8_t end[] = {'P', 'K', 5, 6, 0, 0, 0, 0, 1, 0, 1, 0};
    // One allocation, filled in place (GCC 12 misreads inserts into a grown vector).
    Bytes out(30 + packed.size() + 22, 0);
    std::copy(std::begin(header), std::end(header), out.begin());
    std::copy(packed.begin(), packed.end(), out.begin() + 30);
    std::copy(std::begin(end), std::end(end),
              out.begin() + 30 + static_cast<std::ptrdiff_t>(packed.size()));
    return out;
}

inline Bytes pdf_document(int variant) {
    Bytes out = bytes_of("%PDF-1.7\n");
    const Bytes body = text_bytes(30000, variant);
    out.insert(out.end(), body.begin(), body.end());
    const Bytes end = bytes_of("\nxref\n0 1\ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF\n");
    out.insert(out.end(), end.begin(), end.end());
    return out;
}

inline Bytes base64_of(const Bytes& in) {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Bytes out;
    for (std::size_t i = 0; i + 2 < in.size(); i += 3) {
        const std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
        for (int k = 3; k >= 0; --k)
            out.push_back(static_cast<std::uint8_t>(kAlphabet[(v >> (6 * k)) & 63]));
        if (out.size() % 77 == 76) out.push_back('\n');
    }
    return out;
}

/// Every other 16 bytes replaced by random ones (intermittent encryption).
inline Bytes intermittent(Bytes b, std::uint32_t seed) {
    const Bytes noise = random_bytes(b.size(), seed);
    for (std::size_t i = 0; i < b.size(); i += 32)
        for (std::size_t k = i; k < i + 16 && k < b.size(); ++k) b[k] = noise[k];
    return b;
}

/// Everything past the first `keep` bytes replaced by random ones.
inline Bytes keep_header(Bytes b, std::size_t keep, std::uint32_t seed) {
    const Bytes noise = random_bytes(b.size(), seed);
    for (std::size_t i = keep; i < b.size(); ++i) b[i] = noise[i];
    return b;
}

}  // namespace vigie::guard::testing
