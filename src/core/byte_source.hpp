// core/byte_source.hpp - random-access reads from a file or a memory buffer.
//
// Readers fetch what they need with read_at (pread for files) instead of mapping whole files,
// so memory stays bounded by what is in flight, not by the size of the input.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.hpp"

namespace vigie::core {

class ByteSource {
  public:
    virtual ~ByteSource() = default;
    virtual std::uint64_t size() const noexcept = 0;
    /// Reads up to dst.size() bytes at `offset`; returns how many were read (short at the end).
    /// Safe to call from several threads at once.
    virtual Result<std::size_t> read_at(std::uint64_t offset,
                                        std::span<std::uint8_t> dst) const = 0;
    virtual const std::string& name() const noexcept = 0;
};

Result<std::unique_ptr<ByteSource>> open_file(const std::string& path);
/// A source over an open regular file; takes ownership of `fd`. `name` is used in messages.
Result<std::unique_ptr<ByteSource>> file_source_from_fd(int fd, std::string name);
/// A source over bytes owned by the caller, which must outlive it.
std::unique_ptr<ByteSource> memory_source(std::span<const std::uint8_t> bytes,
                                          std::string name = "<memory>");

}  // namespace vigie::core
