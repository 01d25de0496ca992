// core/sequential_input.hpp - reading a file front to back, decompressing gzip and zstd on the way.
//
//   auto in = core::open_sequential("Security.jsonl.gz");   // or .zst, or plain
//   if (!in) return in.error();
//   std::vector<std::uint8_t> block(1 << 20);
//   for (;;) { auto n = (*in)->read(block); if (!n) return n.error(); if (*n == 0) break; ... }
//
// The compression is recognised by the first bytes (gzip 1f 8b, several members allowed; zstd
// 28 b5 2f fd, several frames allowed), not by the file name. Corrupt or truncated compressed
// data is an error (kCorrupt) naming the file, never a crash.
//
// Random-access readers (the EVTX reader) get open_random_access(): a compressed file is
// decompressed once into an unlinked temporary file, so memory does not follow the file's size.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/byte_source.hpp"
#include "core/result.hpp"

namespace vigie::core {

enum class Compression : std::uint8_t { kNone, kGzip, kZstd };

class SequentialInput {
  public:
    virtual ~SequentialInput() = default;
    /// Reads up to dst.size() bytes; 0 at the end of the data.
    virtual Result<std::size_t> read(std::span<std::uint8_t> dst) = 0;
    virtual const std::string& name() const noexcept = 0;
};

/// The compression that `head` (the first bytes of a file) starts with.
Compression detect_compression(std::span<const std::uint8_t> head) noexcept;

Result<std::unique_ptr<SequentialInput>> open_sequential(const std::string& path);
/// A sequential view of bytes owned by the caller (decompressed too if they are compressed).
std::unique_ptr<SequentialInput> memory_sequential(std::string_view bytes,
                                                   std::string name = "<memory>");

/// A random-access source over the decompressed content of `path` (the file itself when it is
/// not compressed).
Result<std::unique_ptr<ByteSource>> open_random_access(const std::string& path);

}  // namespace vigie::core
