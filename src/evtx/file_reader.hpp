// evtx/file_reader.hpp - an EVTX file: header, chunks, and reading all events in order.
//
//   auto file = evtx::EvtxFile::open(path);
//   if (!file) return file.error();
//   auto stats = evtx::for_each_event<std::string>(*file, options,
//       [&](const core::Event& e, const evtx::RecordInfo& info, std::string& out, unsigned worker)
//       {
//           renderers[worker].render(e, out);      // worker thread: per-chunk output
//       },
//       [&](std::string&& out) { fwrite(out.data(), 1, out.size(), stdout); });  // in file order
//
// Chunks are read with pread into per-thread buffers, parsed on `threads` threads, and their
// outputs handed back in file order; memory stays bounded by the number of chunks in flight.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/byte_source.hpp"
#include "core/ordered_parallel.hpp"
#include "core/result.hpp"
#include "evtx/chunk_reader.hpp"
#include "evtx/format.hpp"
#include "evtx/limits.hpp"

namespace vigie::evtx {

struct ReadOptions {
    bool recover = false;      ///< scan slack space and chunks past the header's count
    unsigned threads = 1;      ///< 0: one per core
    bool index_fields = true;  ///< name the fields of each event (see ChunkReader)
    Limits limits;
};

struct FileStats {
    std::uint64_t records = 0;
    std::uint64_t recovered = 0;
    std::uint64_t records_failed = 0;
    std::uint64_t chunks = 0;                ///< chunks read (normal and recovered)
    std::uint64_t chunks_skipped = 0;        ///< chunks with no usable header or over budget
    std::uint64_t chunks_beyond_header = 0;  ///< chunks read past the header's count (--recover)
    std::uint64_t checksum_failures = 0;     ///< file header, chunk header and record data CRCs
    std::vector<std::string> problems;       ///< first few problems, "chunk N: ..."
    /// Records kept with BinXML constructs the reader does not know skipped (see binxml.hpp
    /// SkipKind), and each kind of construct with its count.
    std::uint64_t records_partial = 0;
    std::map<std::uint16_t, std::uint64_t> constructs_skipped;

    void add(const ChunkStats& c, std::uint64_t chunk_index);
    /// constructs_skipped in words ("value token of type 0x0e (Binary) ...", count).
    std::vector<std::pair<std::string, std::uint64_t>> skipped_in_words() const;
};

class EvtxFile {
  public:
    static core::Result<EvtxFile> open(const std::string& path);
    static core::Result<EvtxFile> open(std::unique_ptr<core::ByteSource> source);

    const FileHeader& header() const noexcept { return header_; }
    const std::string& name() const noexcept { return source_->name(); }
    std::uint64_t size() const noexcept { return source_->size(); }
    /// Chunks declared by the header that the file actually holds.
    std::uint64_t declared_chunks() const noexcept { return declared_chunks_; }
    /// Whole chunks present in the file.
    std::uint64_t present_chunks() const noexcept { return present_chunks_; }

    /// Reads chunk `index` into `buffer` (resized to kChunkSize).
    core::Result<void> load_chunk(std::uint64_t index, std::vector<std::uint8_t>& buffer) const;

  private:
    std::unique_ptr<core::ByteSource> source_;
    FileHeader header_;
    std::uint64_t declared_chunks_ = 0;
    std::uint64_t present_chunks_ = 0;
};

unsigned resolve_threads(unsigned requested) noexcept;

/// Reads every chunk with `read(reader, chunk bytes, chunk index, beyond_header, output)` (a
/// ChunkReader per thread, returning its ChunkStats) and hands the outputs to `emit` in file
/// order. for_each_event and for_each_json_line are the usual readers.
template <typename R, typename ReadChunk, typename Emit>
FileStats for_each_chunk(const EvtxFile& file, const ReadOptions& options, ReadChunk&& read,
                         Emit&& emit) {
    FileStats stats;
    if (!file.header().checksum_ok) {
        ++stats.checksum_failures;
        stats.problems.push_back("file header checksum mismatch");
    }
    const std::uint64_t count = options.recover ? file.present_chunks() : file.declared_chunks();
    const unsigned threads = resolve_threads(options.threads);
    struct Worker {
        explicit Worker(const Limits& l) : reader(l) {}
        ChunkReader reader;
        std::vector<std::uint8_t> buffer;
    };
    std::vector<std::unique_ptr<Worker>> workers;
    for (unsigned t = 0; t < std::max(threads, 1u); ++t) {
        workers.push_back(std::make_unique<Worker>(options.limits));
        workers.back()->reader.set_index_fields(options.index_fields);
    }
    // A task reads a few consecutive chunks: chunks of real logs are often sparse, and one
    // hand-off per chunk would cost more than the chunk itself.
    constexpr std::uint64_t kChunksPerTask = 4;
    struct TaskOutput {
        R output{};
        std::vector<std::pair<std::uint64_t, ChunkStats>> chunks;
    };
    const std::uint64_t tasks = (count + kChunksPerTask - 1) / kChunksPerTask;
    core::ordered_parallel<TaskOutput>(
        tasks, threads, std::size_t{4} * threads,
        [&](std::size_t task, unsigned id) {
            TaskOutput result;
            Worker& w = *workers[id];
            const std::uint64_t end = std::min<std::uint64_t>(count, (task + 1) * kChunksPerTask);
            for (std::uint64_t index = task * kChunksPerTask; index < end; ++index) {
                ChunkStats chunk_stats;
                if (auto loaded = file.load_chunk(index, w.buffer); !loaded) {
                    chunk_stats.skipped = true;
                    chunk_stats.first_error = loaded.error().message;
                } else {
                    const bool beyond = index >= file.declared_chunks();
                    chunk_stats = read(w.reader, std::span<const std::uint8_t>(w.buffer), index,
                                       beyond, result.output, id);
                }
                result.chunks.emplace_back(index, std::move(chunk_stats));
            }
            return result;
        },
        [&](std::size_t, TaskOutput&& result) {
            for (const auto& [index, chunk_stats] : result.chunks) {
                stats.add(chunk_stats, index);
                if (index >= file.declared_chunks() && !chunk_stats.empty)
                    ++stats.chunks_beyond_header;
            }
            emit(std::move(result.output));
        });
    return stats;
}

template <typename R, typename Visit, typename Emit>
FileStats for_each_event(const EvtxFile& file, const ReadOptions& options, Visit&& visit,
                         Emit&& emit) {
    return for_each_chunk<R>(
        file, options,
        [&](ChunkReader& reader, std::span<const std::uint8_t> chunk, std::uint64_t index,
            bool beyond, R& output, unsigned worker) {
            return reader.read(chunk, index, options.recover, beyond,
                               [&](const core::Event& e, const RecordInfo& info) {
                                   visit(e, info, output, worker);
                               });
        },
        emit);
}

/// Every record as one line of JSON (ChunkReader::read_json), appended to a string per group of
/// chunks that `emit` receives in file order.
template <typename Emit>
FileStats for_each_json_line(const EvtxFile& file, const ReadOptions& options, Emit&& emit) {
    return for_each_chunk<std::string>(
        file, options,
        [&](ChunkReader& reader, std::span<const std::uint8_t> chunk, std::uint64_t index,
            bool beyond, std::string& output,
            unsigned) { return reader.read_json(chunk, index, options.recover, beyond, output); },
        emit);
}

}  // namespace vigie::evtx
