// evtx/writer.hpp - writes core::Events into a valid EVTX file.
//
// Each record is a template instance: the event's structure (element and attribute names) goes
// into a template definition, stored inline the first time a shape appears in a chunk and
// referenced afterwards, and every text and attribute value becomes a typed substitution. That is
// how Windows itself writes logs, so files from this writer exercise the same reader paths as
// real ones. Used for round-trip tests, the committed demo file and large benchmark inputs.
//
//   evtx::EvtxWriter w;
//   for (const core::Event& e : events) if (auto r = w.add(e); !r) return r.error();
//   auto bytes = w.finish();
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"
#include "core/result.hpp"

namespace vigie::evtx {

class EvtxWriter {
  public:
    EvtxWriter();

    /// Encodes one event as the next record. The record id is event.record_id when non-zero,
    /// else the next number; the written time is event.timestamp.
    core::Result<void> add(const core::Event& event);

    /// The complete file (header and chunks). The writer is empty afterwards.
    std::vector<std::uint8_t> finish();

    /// finish() and write the bytes to `path`.
    core::Result<void> write_file(const std::string& path);

    std::uint64_t records() const noexcept { return next_record_number_ - 1; }

    /// When on, text and attribute values of the types a BinXML value token can carry (strings,
    /// integers, floats, booleans, GUIDs, FILETIMEs, SIDs, hex integers) are written as value
    /// tokens of their own type inside the template definition, as some providers' templates
    /// hold constant values, rather than as substitutions. Other values (null, binary, ANSI
    /// strings, arrays) stay substitutions. Each distinct set of such values gets its own
    /// template. For fixtures of records real readers often fail.
    void set_value_tokens(bool on) noexcept { value_tokens_ = on; }

  private:
    struct Substitution {
        std::uint8_t type;
        std::vector<std::uint8_t> bytes;
    };

    void start_chunk();
    void finish_chunk();
    std::string shape_key(const core::Event& event) const;
    void encode_template(const core::Event& event, const std::vector<Substitution>& subs,
                         std::vector<std::uint8_t>& out, std::size_t base);
    void encode_node(const core::Event& event, std::uint32_t index, std::vector<std::uint8_t>& out,
                     std::size_t base, const std::vector<Substitution>& subs,
                     std::uint16_t& next_sub, int depth);
    void encode_name(std::string_view name, std::vector<std::uint8_t>& out, std::size_t base);
    void collect_values(const core::Event& event, std::vector<Substitution>& subs) const;
    /// Whether `v` goes into the template as a value token (set_value_tokens).
    bool as_value_token(const core::Value& v) const;

    std::vector<std::uint8_t> file_;
    std::vector<std::uint8_t> chunk_;  ///< the chunk being filled (kChunkSize once finished)
    std::size_t chunk_used_ = 0;
    std::uint64_t chunk_first_number_ = 0;
    std::uint64_t chunk_first_id_ = 0;
    std::uint64_t chunk_last_id_ = 0;
    std::uint32_t chunk_last_record_offset_ = 0;
    std::uint64_t chunk_records_ = 0;
    std::uint64_t chunks_ = 0;
    std::uint64_t next_record_number_ = 1;
    std::uint64_t last_record_id_ = 0;
    bool value_tokens_ = false;
    std::unordered_map<std::string, std::uint32_t> templates_;  ///< shape -> definition offset
    std::unordered_map<std::string, std::uint32_t> names_;      ///< name -> offset in chunk
};

}  // namespace vigie::evtx
