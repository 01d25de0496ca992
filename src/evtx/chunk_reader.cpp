#include "evtx/chunk_reader.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "evtx/byte_reader.hpp"
#include "evtx/format.hpp"
#include "evtx/windows_fields.hpp"

namespace vigie::evtx {
namespace {

bool all_zero(std::span<const std::uint8_t> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// A record frame at `offset` is plausible when its signature, size and trailing size copy agree.
bool plausible_record(std::span<const std::uint8_t> chunk, std::size_t offset,
                      std::uint32_t& size) {
    if (offset + kRecordHeaderSize + 4 > chunk.size()) return false;
    if (load_le<std::uint32_t>(chunk.data() + offset) != kRecordSignature) return false;
    size = load_le<std::uint32_t>(chunk.data() + offset + 4);
    if (size < kRecordHeaderSize + 4 || size > chunk.size() - offset) return false;
    return load_le<std::uint32_t>(chunk.data() + offset + size - 4) == size;
}

}  // namespace

bool ChunkReader::read_record(std::size_t offset, std::uint32_t size, std::uint64_t chunk_index,
                              bool recovered, const EventCallback& on_event, ChunkStats& stats) {
    const std::uint8_t* p = ctx_.bytes().data() + offset;
    RecordInfo info;
    info.record_id = load_le<std::uint64_t>(p + 8);
    info.written = load_le<std::uint64_t>(p + 16);
    info.chunk_index = chunk_index;
    info.offset_in_chunk = static_cast<std::uint32_t>(offset);
    info.recovered = recovered || beyond_header_;
    if (recovered && std::find(seen_.begin(), seen_.end(),
                               std::make_pair(info.record_id, info.written)) != seen_.end()) {
        return false;  // an older copy of a record already read
    }
    event_.clear();
    ctx_.set_recovering(recovered);
    core::Result<void> built;
    bool written = false;
    auto ops = builder_.decode(ctx_, offset + kRecordHeaderSize, offset + size - 4);
    if (!ops) {
        built = std::move(ops).error();
    } else {
        // Recovered records may use stale templates: only the tree path checks them.
        if (json_out_ != nullptr && !recovered) {
            auto w = programs_.write(ctx_, *ops, *json_out_);
            if (!w) {
                built = std::move(w).error();
            } else {
                written = *w;
            }
        }
        if (built && !written) built = builder_.build_decoded(ctx_, *ops, event_, recovered);
    }
    if (!built || (!written && event_.empty())) {
        if (!recovered) {
            ++stats.records_failed;
            if (stats.first_error.empty()) {
                stats.first_error =
                    built ? fmt::format("record {} is empty", info.record_id)
                          : fmt::format("record {}: {}", info.record_id, built.error().message);
            }
        }
        return false;
    }
    if (written) {
        json_out_->push_back('\n');
        seen_.emplace_back(info.record_id, info.written);
        ++(info.recovered ? stats.recovered : stats.records);
        return true;
    }
    event_.record_id = info.record_id;
    if (index_fields_) index_windows_fields(event_, ctx_);
    if (event_.timestamp == 0) event_.timestamp = info.written;
    seen_.emplace_back(info.record_id, info.written);
    if (!builder_.skipped().empty()) {
        ++stats.records_partial;
        for (std::uint16_t s : builder_.skipped()) ++stats.constructs_skipped[s];
    }
    if (info.recovered) {
        ++stats.recovered;
    } else {
        ++stats.records;
    }
    on_event(event_, info);
    return true;
}

ChunkStats ChunkReader::read(std::span<const std::uint8_t> chunk, std::uint64_t chunk_index,
                             bool recover, bool beyond_header, const EventCallback& on_event) {
    ChunkStats stats;
    beyond_header_ = beyond_header;
    auto header = parse_chunk_header(chunk);
    if (!header) {
        if (chunk.size() >= kChunkSize && all_zero(chunk.first(kChunkHeaderSize))) {
            stats.empty = true;
        } else {
            stats.skipped = true;
            stats.first_error = header.error().message;
        }
        return stats;
    }
    if (!header->header_checksum_ok) ++stats.checksum_failures;
    if (!header->records_checksum_ok) ++stats.checksum_failures;

    ctx_.reset(chunk);
    seen_.clear();
    const std::size_t records_end =
        std::clamp<std::size_t>(header->free_space_offset, kChunkHeaderSize, kChunkSize);
    std::size_t offset = kChunkHeaderSize;
    while (offset + kRecordHeaderSize + 4 <= records_end) {
        std::uint32_t size = 0;
        if (!plausible_record(chunk, offset, size)) {
            if (!all_zero(chunk.subspan(offset, records_end - offset))) {
                ++stats.records_failed;
                if (stats.first_error.empty()) {
                    stats.first_error =
                        fmt::format("corrupt record frame at chunk offset 0x{:x}", offset);
                }
            }
            break;
        }
        read_record(offset, size, chunk_index, false, on_event, stats);
        if (ctx_.budget_exhausted()) break;
        offset += size;
    }

    if (recover && !ctx_.budget_exhausted()) {
        // Scan what follows the normal walk, including slack space, at 8-byte alignment.
        for (std::size_t at = (offset + 7) & ~std::size_t{7};
             at + kRecordHeaderSize + 4 <= kChunkSize;) {
            std::uint32_t size = 0;
            if (plausible_record(chunk, at, size) &&
                read_record(at, size, chunk_index, true, on_event, stats)) {
                at += (size + 7) & ~std::uint32_t{7};
            } else {
                at += 8;
            }
            if (ctx_.budget_exhausted()) break;
        }
    }
    if (ctx_.budget_exhausted()) {
        stats.skipped = true;
        if (stats.first_error.empty()) stats.first_error = "chunk work budget exhausted";
    }
    return stats;
}

ChunkStats ChunkReader::read_json(std::span<const std::uint8_t> chunk, std::uint64_t chunk_index,
                                  bool recover, bool beyond_header, std::string& out) {
    json_out_ = &out;
    const bool index_fields = index_fields_;
    index_fields_ = false;
    ChunkStats stats = read(chunk, chunk_index, recover, beyond_header,
                            [&](const core::Event& event, const RecordInfo&) {
                                renderer_.render(event, out);
                                out.push_back('\n');
                            });
    index_fields_ = index_fields;
    json_out_ = nullptr;
    return stats;
}

}  // namespace vigie::evtx
