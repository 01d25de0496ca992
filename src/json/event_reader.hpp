// json/event_reader.hpp - JSON and JSON Lines event exports -> core::Event, one at a time.
//
//   auto in = core::open_sequential(path);               // plain, .gz or .zst
//   json::JsonReadOptions options;                        // shape: auto-detected per object
//   auto stats = json::read_json_events(**in, options,
//       [&](const core::Event& e, const json::JsonEventInfo& info) { match(e); });
//
// Objects are cut from the stream one by one (object_splitter.hpp) and parsed with simdjson, so
// memory stays bounded by the largest object, whatever the file size. A malformed object is
// counted and reported (with its line and byte offset) and reading goes on with the next one;
// an object over `max_object_bytes` is skipped and counted. Errors only for unreadable input.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/result.hpp"
#include "core/sequential_input.hpp"
#include "json/event_shapes.hpp"

namespace vigie::json {

struct JsonReadOptions {
    JsonFormat format = JsonFormat::kAuto;  ///< kAuto: each object's shape is recognised
    std::size_t max_object_bytes = 16u << 20;
};

struct JsonEventInfo {
    std::uint64_t index = 0;   ///< position of the object in the stream (0-based)
    std::uint64_t offset = 0;  ///< byte offset of the object in the (decompressed) stream
    std::uint64_t line = 0;    ///< 1-based line where the object starts
    JsonFormat shape = JsonFormat::kFlat;
};

struct JsonStats {
    std::uint64_t events = 0;
    std::uint64_t malformed = 0;  ///< not JSON, not an object, or cut off by the end of the input
    std::uint64_t oversized = 0;
    std::vector<std::string> problems;  ///< the first few, "line N (offset O): ..."
};

core::Result<JsonStats> read_json_events(
    core::SequentialInput& input, const JsonReadOptions& options,
    const std::function<void(const core::Event&, const JsonEventInfo&)>& visit);

}  // namespace vigie::json
