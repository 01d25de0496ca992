// json/event_reader.hpp - JSON and JSON Lines event exports -> core::Event, one at a time.
//
//   auto in = core::open_input_stream(path);              // plain, gzip or zstd
//   if (!in) return in.error();
//   json::JsonReadOptions options;                        // shape: recognised per object
//   auto stats = json::read_json_events(**in, options,
//       [&](const core::Event& e, const json::JsonEventInfo& info) { match(e); });
//   if (!stats) return stats.error();                     // unreadable input only
//   report(stats->malformed, stats->oversized, stats->problems);
//
// Layouts, recognised without being told: JSON Lines, one top-level array of objects,
// pretty-printed objects one after the other (`evtx_dump -o json`, its `Record N` lines
// included), or any mix; a UTF-8 byte order mark is skipped. Objects are cut from the stream
// one by one (object_splitter.hpp) and parsed with simdjson, so memory stays bounded by the
// largest object, whatever the file size. Shapes (event_shapes.hpp: evtx-crate, ECS, flat) are
// recognised object by object, so a mixed file is fine, unless `format` forces one.
//
// Bad input costs only what it breaks: a malformed object is counted and reported (line and
// byte offset of its start) and reading goes on with the next one; an object over
// `max_object_bytes` is skipped and counted; an object simdjson rejects only for numbers out
// of range, bytes that are not UTF-8 or raw control characters is repaired (repair.hpp),
// read, and counted as repaired. read_json_events() fails only when the input cannot be read
// (I/O error, corrupt compressed data, UTF-16 text); events before that were visited already.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/input_stream.hpp"
#include "core/result.hpp"
#include "json/event_shapes.hpp"

namespace vigie::json {

struct JsonReadOptions {
    JsonFormat format = JsonFormat::kAuto;  ///< kAuto: each object's shape is recognised
    std::size_t max_object_bytes = std::size_t{16} << 20;
};

struct JsonEventInfo {
    std::uint64_t index = 0;   ///< 0-based position among the stream's top-level items
    std::uint64_t offset = 0;  ///< byte offset of the object in the (decompressed) stream
    std::uint64_t line = 0;    ///< 1-based line where the object starts
    JsonFormat shape = JsonFormat::kFlat;  ///< the shape it was read as (never kAuto)
    bool repaired = false;                 ///< read after repair (see above)
};

struct JsonStats {
    std::uint64_t events = 0;
    std::uint64_t malformed = 0;  ///< not JSON, not an object, or broken (cut, unclosed)
    std::uint64_t oversized = 0;
    std::uint64_t repaired = 0;         ///< read after repair; also counted in `events`
    std::vector<std::string> problems;  ///< the first few, "line N (offset O): ..."
};

/// Calls `visit` for each event, in input order. The event and its values are valid during
/// the call only.
core::Result<JsonStats> read_json_events(
    core::InputStream& input, const JsonReadOptions& options,
    const std::function<void(const core::Event&, const JsonEventInfo&)>& visit);

}  // namespace vigie::json
