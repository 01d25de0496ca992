// hunt/json_source.hpp - opening inputs: JSON and XML event exports and compressed files.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/byte_source.hpp"
#include "core/event.hpp"
#include "core/result.hpp"
#include "hunt/input_files.hpp"

namespace vigie::hunt {

struct JsonInputStats {
    std::uint64_t events = 0;
    std::uint64_t skipped = 0;  ///< malformed or oversized objects
    std::vector<std::string> problems;
};

/// Reads the events of a JSON/JSONL input (compressed or not), in order. `format`: auto,
/// evtx-json, ecs or flat.
core::Result<JsonInputStats> read_json_input(
    const InputFile& input, const std::string& format,
    const std::function<void(const core::Event&, std::uint64_t order)>& visit);

/// Reads the events of a Windows event XML export (compressed or not), in order. XML cannot
/// be read past an error: one that stops the reading is a problem and counts as skipped.
core::Result<JsonInputStats> read_xml_input(
    const InputFile& input,
    const std::function<void(const core::Event&, std::uint64_t order)>& visit);

/// A random-access view of a compressed file's content (decompressed to a temporary file).
core::Result<std::unique_ptr<core::ByteSource>> open_decompressed(const InputFile& input);

}  // namespace vigie::hunt
