#include "evtx/file_reader.hpp"

#include <fmt/format.h>

#include "evtx/binxml.hpp"

namespace vigie::evtx {

void FileStats::add(const ChunkStats& c, std::uint64_t chunk_index) {
    if (c.empty) return;
    ++chunks;
    records += c.records;
    recovered += c.recovered;
    records_failed += c.records_failed;
    checksum_failures += c.checksum_failures;
    if (c.skipped) ++chunks_skipped;
    records_partial += c.records_partial;
    for (const auto& [what, count] : c.constructs_skipped) constructs_skipped[what] += count;
    if (!c.first_error.empty() && problems.size() < 16) {
        problems.push_back(fmt::format("chunk {}: {}", chunk_index, c.first_error));
    }
}

std::vector<std::pair<std::string, std::uint64_t>> FileStats::skipped_in_words() const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (const auto& [what, count] : constructs_skipped)
        out.emplace_back(describe_skip(what), count);
    return out;
}

unsigned resolve_threads(unsigned requested) noexcept {
    if (requested != 0) return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : hw;
}

core::Result<EvtxFile> EvtxFile::open(const std::string& path) {
    auto source = core::open_file(path);
    if (!source) return std::move(source).error();
    return open(std::move(*source));
}

core::Result<EvtxFile> EvtxFile::open(std::unique_ptr<core::ByteSource> source) {
    std::array<std::uint8_t, kFileHeaderSize> head{};
    auto n = source->read_at(0, head);
    if (!n) return std::move(n).error();
    auto header = parse_file_header(std::span<const std::uint8_t>(head.data(), *n));
    if (!header) {
        core::Error e = std::move(header).error();
        e.location.file = source->name();
        return e;
    }
    EvtxFile file;
    file.header_ = *header;
    const std::uint64_t size = source->size();
    file.present_chunks_ = size > kFileHeaderSize ? (size - kFileHeaderSize) / kChunkSize : 0;
    file.declared_chunks_ = std::min<std::uint64_t>(header->chunk_count, file.present_chunks_);
    file.source_ = std::move(source);
    return file;
}

core::Result<void> EvtxFile::load_chunk(std::uint64_t index,
                                        std::vector<std::uint8_t>& buffer) const {
    buffer.resize(kChunkSize);
    auto n = source_->read_at(kFileHeaderSize + index * kChunkSize, buffer);
    if (!n) return std::move(n).error();
    if (*n != kChunkSize) {
        return core::fail(core::ErrorCode::kTruncated, fmt::format("chunk {} is cut short", index));
    }
    return {};
}

}  // namespace vigie::evtx
