#include "evtx/format.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "evtx/byte_reader.hpp"

namespace vigie::evtx {

std::uint32_t crc32(std::span<const std::uint8_t> bytes, std::uint32_t seed) noexcept {
    // zlib's crc32 is the RFC 1952 CRC; it processes at most UINT_MAX bytes per call.
    uLong crc = seed;
    crc = ::crc32(crc, bytes.data(), static_cast<uInt>(bytes.size()));
    return static_cast<std::uint32_t>(crc);
}

core::Result<FileHeader> parse_file_header(std::span<const std::uint8_t> b) {
    if (b.size() < 128) {
        return core::fail(core::ErrorCode::kTruncated, "file is shorter than an EVTX file header");
    }
    if (std::memcmp(b.data(), kFileSignature, 8) != 0) {
        return core::fail(core::ErrorCode::kBadSignature,
                          "not an EVTX file (no ElfFile signature)");
    }
    FileHeader h;
    h.first_chunk = load_le<std::uint64_t>(b.data() + 8);
    h.last_chunk = load_le<std::uint64_t>(b.data() + 16);
    h.next_record_id = load_le<std::uint64_t>(b.data() + 24);
    h.header_size = load_le<std::uint32_t>(b.data() + 32);
    h.minor_version = load_le<std::uint16_t>(b.data() + 36);
    h.major_version = load_le<std::uint16_t>(b.data() + 38);
    h.header_block_size = load_le<std::uint16_t>(b.data() + 40);
    h.chunk_count = load_le<std::uint16_t>(b.data() + 42);
    h.flags = load_le<std::uint32_t>(b.data() + 120);
    h.checksum = load_le<std::uint32_t>(b.data() + 124);
    h.checksum_ok = crc32(b.first(120)) == h.checksum;
    return h;
}

core::Result<ChunkHeader> parse_chunk_header(std::span<const std::uint8_t> c) {
    if (c.size() < kChunkSize) {
        return core::fail(core::ErrorCode::kTruncated, "chunk is shorter than 64 KiB");
    }
    if (std::memcmp(c.data(), kChunkSignature, 8) != 0) {
        return core::fail(core::ErrorCode::kBadSignature, "no ElfChnk signature");
    }
    ChunkHeader h;
    h.first_record_number = load_le<std::uint64_t>(c.data() + 8);
    h.last_record_number = load_le<std::uint64_t>(c.data() + 16);
    h.first_record_id = load_le<std::uint64_t>(c.data() + 24);
    h.last_record_id = load_le<std::uint64_t>(c.data() + 32);
    h.header_size = load_le<std::uint32_t>(c.data() + 40);
    h.last_record_offset = load_le<std::uint32_t>(c.data() + 44);
    h.free_space_offset = load_le<std::uint32_t>(c.data() + 48);
    h.records_checksum = load_le<std::uint32_t>(c.data() + 52);
    h.header_checksum = load_le<std::uint32_t>(c.data() + 124);
    const std::uint32_t header_crc =
        crc32(c.subspan(128, kChunkHeaderSize - 128), crc32(c.first(120)));
    h.header_checksum_ok = header_crc == h.header_checksum;
    const std::size_t end =
        std::clamp<std::size_t>(h.free_space_offset, kChunkHeaderSize, kChunkSize);
    h.records_checksum_ok =
        crc32(c.subspan(kChunkHeaderSize, end - kChunkHeaderSize)) == h.records_checksum;
    return h;
}

}  // namespace vigie::evtx
