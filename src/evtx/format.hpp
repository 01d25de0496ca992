// evtx/format.hpp - constants and headers of the Windows XML Event Log (EVTX) format.
//
// Layout follows the libyal description (shared/docs/evtx-format): a 4 KiB file header, then
// 64 KiB chunks, each a 512-byte header followed by event records holding Binary XML.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.hpp"

namespace vigie::evtx {

inline constexpr std::size_t kFileHeaderSize = 4096;
inline constexpr std::size_t kChunkSize = 65536;
inline constexpr std::size_t kChunkHeaderSize = 512;
inline constexpr std::size_t kRecordHeaderSize = 24;
inline constexpr std::uint32_t kRecordSignature = 0x00002a2a;
inline constexpr char kFileSignature[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', '\0'};
inline constexpr char kChunkSignature[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', '\0'};

inline constexpr std::uint32_t kFileFlagDirty = 0x1;
inline constexpr std::uint32_t kFileFlagFull = 0x2;

struct FileHeader {
    std::uint64_t first_chunk = 0;
    std::uint64_t last_chunk = 0;
    std::uint64_t next_record_id = 0;
    std::uint32_t header_size = 0;
    std::uint16_t minor_version = 0;
    std::uint16_t major_version = 0;
    std::uint16_t header_block_size = 0;
    std::uint16_t chunk_count = 0;
    std::uint32_t flags = 0;
    std::uint32_t checksum = 0;
    bool checksum_ok = false;

    bool dirty() const noexcept { return flags & kFileFlagDirty; }
};

struct ChunkHeader {
    std::uint64_t first_record_number = 0;
    std::uint64_t last_record_number = 0;
    std::uint64_t first_record_id = 0;
    std::uint64_t last_record_id = 0;
    std::uint32_t header_size = 0;
    std::uint32_t last_record_offset = 0;
    std::uint32_t free_space_offset = 0;
    std::uint32_t records_checksum = 0;
    std::uint32_t header_checksum = 0;
    bool header_checksum_ok = false;
    bool records_checksum_ok = false;
};

/// CRC-32 (RFC 1952, initial value 0) as EVTX uses it.
std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t seed = 0) noexcept;

/// Parses the file header from the first 4096 bytes (fewer bytes: kTruncated; wrong magic:
/// kBadSignature). A checksum mismatch is reported in checksum_ok, not as an error.
core::Result<FileHeader> parse_file_header(std::span<const std::uint8_t> bytes);

/// Parses a chunk header; `chunk` must hold the whole 64 KiB chunk. Checksums are verified
/// and reported in the flags; only a wrong signature or a short buffer is an error.
core::Result<ChunkHeader> parse_chunk_header(std::span<const std::uint8_t> chunk);

}  // namespace vigie::evtx
