// The folder input's EVTX files: read again as they grow, only the records past the last one
// committed are sent (see folder_follower.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "core/input_stream.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/format.hpp"
#include "watch/folder_follower_internal.hpp"

namespace vigie::watch::follow {

bool FollowWorker::produce_evtx(const std::shared_ptr<TrackedFile>& file, int fd,
                                std::uint64_t size) {
    TrackedFile& f = *file;
    auto source = core::file_source_from_fd(fd, f.path);  // owns fd from here
    if (!source) {
        f.drained = true;
        return false;
    }
    auto opened = evtx::EvtxFile::open(std::move(*source));
    if (!opened) {
        // A header not written yet (zeros, or too short) waits; anything else is reported once.
        const bool waiting = size < evtx::kFileHeaderSize + evtx::kChunkSize ||
                             opened.error().code == core::ErrorCode::kTruncated;
        if (!waiting && !f.reported_bad) {
            f.reported_bad = true;
            ++counters_.events_rejected;
            log(fmt::format("watch: {}: {} is not an EVTX file: {}", counters_.name, f.path,
                            opened.error().message));
        }
        f.drained = true;
        return false;
    }
    const evtx::EvtxFile& evtx_file = *opened;
    const std::uint64_t present = evtx_file.present_chunks();
    std::vector<std::uint8_t>& chunk = state_.chunk;
    if (present == 0 || !evtx_file.load_chunk(0, chunk)) {
        f.drained = true;
        return false;
    }
    // Identity: the first chunk's first record number and id, and the first record's header.
    std::uint64_t head = 0;
    {
        const bool chunk_started =
            std::memcmp(chunk.data(), evtx::kChunkSignature, sizeof evtx::kChunkSignature) == 0;
        std::uint32_t signature = 0;
        std::memcpy(&signature, chunk.data() + evtx::kChunkHeaderSize, sizeof signature);
        if (!chunk_started || (signature != evtx::kRecordSignature && present < 2)) {
            f.drained = true;  // the first chunk is being written
            return false;
        }
        std::string identity;
        identity.append(reinterpret_cast<const char*>(chunk.data()) + 8, 8);
        identity.append(reinterpret_cast<const char*>(chunk.data()) + 24, 8);
        if (signature == evtx::kRecordSignature) {
            identity.append(reinterpret_cast<const char*>(chunk.data()) + evtx::kChunkHeaderSize,
                            evtx::kRecordHeaderSize);
        }
        head = hash_bytes(identity);
    }
    if (!f.has_head) {
        f.head = head;
        f.has_head = true;
        if (f.saved) {
            if (f.saved->fingerprint == f.fingerprint(0)) {
                f.offset = f.saved->offset;
                ++state_.resumed;
            }
            f.saved.reset();
        }
    } else if (f.head != head) {
        restart(f, "was replaced");
        f.head = head;
    }
    if (f.next_chunk >= present && f.next_chunk > 0) {
        restart(f, "was truncated");
    }
    EventBatch batch;
    std::uint64_t max_id = static_cast<std::uint64_t>(f.offset);
    std::uint64_t last_read = f.next_chunk;
    const auto last_committed = static_cast<std::uint64_t>(f.offset);
    for (std::uint64_t i = f.next_chunk; i < present && !state_.stopping; ++i) {
        last_read = i;
        const bool finished = i + 1 < present;
        if (auto loaded = evtx_file.load_chunk(i, chunk); !loaded) {
            ++counters_.events_rejected;
            log(fmt::format("watch: {}: {}: chunk {}: {}", counters_.name, f.path, i,
                            loaded.error().message));
            break;
        }
        if (finished) {
            // Chunks read before a restart: their header says so.
            const auto header = evtx::parse_chunk_header(chunk);
            if (header && header->header_checksum_ok && header->last_record_id <= last_committed) {
                f.failures_counted_upto = std::max(f.failures_counted_upto, i + 1);
                continue;
            }
        }
        const evtx::ChunkStats stats = state_.chunk_reader.read(
            chunk, i, false, false, [&](const core::Event& e, const evtx::RecordInfo& info) {
                if (info.record_id <= last_committed) return;
                std::string& text = state_.buffer;
                text.clear();
                state_.renderer.render(e, text);
                batch.add(text);
                max_id = std::max(max_id, info.record_id);
            });
        if (finished && i >= f.failures_counted_upto) {
            f.failures_counted_upto = i + 1;
            const std::uint64_t failed = stats.records_failed + (stats.skipped ? 1 : 0);
            if (failed > 0) {
                counters_.events_rejected += failed;
                log(fmt::format("watch: {}: {}: chunk {}: {} records unreadable{}{}",
                                counters_.name, f.path, i, failed,
                                stats.first_error.empty() ? "" : ": ", stats.first_error));
            }
        }
        if (batch.items.size() >= options_.batch_events ||
            batch.bytes.size() >= options_.batch_bytes) {
            break;
        }
    }
    const std::uint64_t next_chunk = last_read + 1 < present ? last_read + 1 : last_read;
    if (size > f.bytes_counted) {
        counters_.bytes_received += size - f.bytes_counted;
        f.bytes_counted = size;
    }
    if (batch.items.empty()) {
        f.next_chunk = next_chunk;  // nothing new in the finished chunks
        f.drained = true;
        return false;
    }
    f.pending_offset = static_cast<std::int64_t>(max_id);
    f.pending_marker = 0;
    f.pending_next_chunk = next_chunk;
    batch.position = InputPosition{f.key, f.fingerprint(0), f.pending_offset};
    return submit(file, std::move(batch));
}

}  // namespace vigie::watch::follow
