// evtx/chunk_reader.hpp - reads the records of one 64 KiB chunk into core::Events.
//
// A chunk is independent of every other: a ChunkReader per thread can read chunks in parallel.
// Checksums are verified and failures counted; a chunk with a bad checksum is still read record
// by record. A corrupt record ends the normal walk of its chunk; with `recover`, the rest of the
// chunk (and the slack after its last record) is scanned for intact records, reported as
// recovered. A recovered record with the identifier and written time of one already read is an
// older copy of it and skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/event.hpp"
#include "evtx/chunk_context.hpp"
#include "evtx/json_program.hpp"
#include "evtx/json_render.hpp"
#include "evtx/limits.hpp"
#include "evtx/record_builder.hpp"

namespace vigie::evtx {

struct RecordInfo {
    std::uint64_t record_id = 0;
    core::FileTimeTicks written = 0;  ///< from the record header
    std::uint64_t chunk_index = 0;
    std::uint32_t offset_in_chunk = 0;
    bool recovered = false;
};

struct ChunkStats {
    std::uint64_t records = 0;         ///< records read in the normal walk
    std::uint64_t recovered = 0;       ///< records found by the recovery scan
    std::uint64_t records_failed = 0;  ///< records whose bytes could not be parsed
    std::uint64_t checksum_failures = 0;
    /// Records kept with BinXML constructs the reader does not know skipped, and how many of
    /// each construct (keys: pack_skip values, see binxml.hpp).
    std::uint64_t records_partial = 0;
    std::map<std::uint16_t, std::uint64_t> constructs_skipped;
    bool skipped = false;     ///< no usable chunk header, or budget exhausted
    bool empty = false;       ///< all-zero chunk (preallocated, never written)
    std::string first_error;  ///< the first problem met, for --stats and logs
};

using EventCallback = std::function<void(const core::Event&, const RecordInfo&)>;

class ChunkReader {
  public:
    explicit ChunkReader(Limits limits = {}) : ctx_(limits) {}

    /// Whether events get their fields by name (windows_fields.hpp). Printing an event needs only
    /// its tree; detection needs the fields. On by default.
    void set_index_fields(bool on) noexcept { index_fields_ = on; }

    /// Reads `chunk` (exactly kChunkSize bytes). `on_event` sees each event while it is valid.
    /// `beyond_header` marks a chunk past the file header's chunk count (a dirty file): all its
    /// records count as recovered.
    ChunkStats read(std::span<const std::uint8_t> chunk, std::uint64_t chunk_index, bool recover,
                    bool beyond_header, const EventCallback& on_event);

    /// read() writing each record to `out` as one line of JSON (json_render.hpp's shape, then
    /// '\n'): a record of one template instance straight from its compiled program
    /// (json_program.hpp), any other through its tree and JsonRenderer. No fields are named.
    ChunkStats read_json(std::span<const std::uint8_t> chunk, std::uint64_t chunk_index,
                         bool recover, bool beyond_header, std::string& out);

    /// Records written by a compiled program rather than through their tree (for tests).
    std::uint64_t records_from_programs() const noexcept { return programs_.written(); }

  private:
    bool read_record(std::size_t offset, std::uint32_t size, std::uint64_t chunk_index,
                     bool recovered, const EventCallback& on_event, ChunkStats& stats);

    ChunkContext ctx_;
    RecordBuilder builder_;
    core::Event event_;
    JsonProgramWriter programs_;
    JsonRenderer renderer_;
    std::string* json_out_ = nullptr;  // set during read_json()
    // (record id, written time) of records read: a recovered copy with both equal is an older
    // version of the same record. Exported logs renumber ids, so the id alone is not enough.
    std::vector<std::pair<std::uint64_t, core::FileTimeTicks>> seen_;
    bool beyond_header_ = false;
    bool index_fields_ = true;
};

}  // namespace vigie::evtx
