// ransim/compression.hpp - deflate (zlib) in the three wrappings the corpus needs, and a ZIP
// writer for OOXML documents and .zip archives.
//
// Level 1 everywhere: generating thousands of files must take seconds, and the output is as
// valid (and as high-entropy) as at level 9.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ransim/random.hpp"

namespace vigie::ransim {

enum class Wrapping { kRaw, kZlib, kGzip };

Bytes deflate(std::span<const std::uint8_t> data, Wrapping wrapping);
inline Bytes deflate(std::string_view text, Wrapping wrapping) {
    return deflate(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                   wrapping);
}

std::uint32_t crc32_of(std::span<const std::uint8_t> data);

/// A ZIP file built in memory: local headers, data, central directory, end record.
class ZipWriter {
  public:
    /// `compress`: deflate (method 8) rather than store (method 0).
    void add(std::string_view name, std::span<const std::uint8_t> data, bool compress);
    void add(std::string_view name, std::string_view text) {
        add(name, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), true);
    }
    Bytes finish();
    std::size_t size() const { return out_.size(); }

  private:
    Bytes out_;
    Bytes central_;
    std::uint16_t entries_ = 0;
};

}  // namespace vigie::ransim
