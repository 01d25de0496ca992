// core/input_stream.hpp - reading a file front to back, decompressing gzip and zstd on the way.
//
//   auto in = core::open_input_stream("Security.jsonl.gz");   // or .zst, or plain
//   if (!in) return in.error();
//   std::vector<std::uint8_t> block(1 << 20);
//   for (;;) {
//       auto n = (*in)->read(block);
//       if (!n) return n.error();      // unreadable or corrupt: the error names the file
//       if (*n == 0) break;            // end of the (decompressed) data
//       use(std::span(block).first(*n));
//   }
//
// The compression is recognised by the first bytes, not by the file name (evidence gets
// renamed): gzip 1f 8b (several members allowed, as `cat a.gz b.gz` makes; zero padding after
// the last member is ignored, as gzip(1) does), zstd 28 b5 2f fd or a skippable frame (several
// frames allowed). Corrupt or truncated compressed data is a kCorrupt error whose location names
// the file and the compressed offset; the bytes decoded before the damage are still delivered
// first, so a reader loses only what really is lost.
//
// Random-access readers (the EVTX reader reads chunks with pread) use open_decompressed_file():
// a compressed file is decompressed once into an unlinked temporary file in $TMPDIR (or /tmp),
// so memory stays bounded whatever the size; the space is freed when the source is destroyed.
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

/// A sequential byte stream. Not thread-safe; one reader at a time.
class InputStream {
  public:
    virtual ~InputStream() = default;
    /// Reads up to dst.size() bytes; 0 only at the end of the data (or when dst is empty).
    virtual Result<std::size_t> read(std::span<std::uint8_t> dst) = 0;
    /// The path (or the name given), for messages.
    virtual const std::string& name() const noexcept = 0;
    virtual Compression compression() const noexcept = 0;
};

/// The compression that `head` (the first bytes of a file, 4 are enough) starts with.
Compression detect_compression(std::span<const std::uint8_t> head) noexcept;

/// Opens `path` (a regular file or anything readable front to back, such as a pipe).
Result<std::unique_ptr<InputStream>> open_input_stream(const std::string& path);

/// A stream over bytes owned by the caller, which must outlive it (decompressed too if they
/// start with a gzip or zstd magic).
std::unique_ptr<InputStream> memory_input_stream(std::string_view bytes,
                                                 std::string name = "<memory>");

/// A random-access source over the decompressed content of `path`: open_file(path) itself when
/// the file is not compressed, else a source over a temporary copy (see above) named `path`.
Result<std::unique_ptr<ByteSource>> open_decompressed_file(const std::string& path);

}  // namespace vigie::core
