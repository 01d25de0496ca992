#include "hunt/json_source.hpp"

#include "core/input_stream.hpp"
#include "json/event_reader.hpp"
#include "json/xml_event_reader.hpp"

namespace vigie::hunt {

core::Result<JsonInputStats> read_json_input(
    const InputFile& input, const std::string& format,
    const std::function<void(const core::Event&, std::uint64_t order)>& visit) {
    const auto shape = json::parse_json_format(format);
    if (!shape) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "unknown JSON input format '" + format + "'",
                          {input.path, core::Location::kNone, {}, 0});
    }
    auto stream = core::open_input_stream(input.path);
    if (!stream) return stream.error();
    json::JsonReadOptions options;
    options.format = *shape;
    auto stats = json::read_json_events(
        **stream, options,
        [&](const core::Event& e, const json::JsonEventInfo& info) { visit(e, info.index); });
    if (!stats) return stats.error();
    JsonInputStats out;
    out.events = stats->events;
    out.skipped = stats->malformed + stats->oversized;
    out.problems = std::move(stats->problems);
    return out;
}

core::Result<JsonInputStats> read_xml_input(
    const InputFile& input,
    const std::function<void(const core::Event&, std::uint64_t order)>& visit) {
    auto stream = core::open_input_stream(input.path);
    if (!stream) return stream.error();
    json::WindowsXmlParser parser;
    std::uint64_t order = 0;
    auto stats = parser.read_events(**stream, [&](const core::Event& e) { visit(e, order++); });
    if (!stats) return stats.error();
    JsonInputStats out;
    out.events = stats->events;
    if (stats->stopped) {
        out.skipped = 1;
        out.problems.push_back(stats->stopped->to_string());
    }
    return out;
}

core::Result<std::unique_ptr<core::ByteSource>> open_decompressed(const InputFile& input) {
    return core::open_decompressed_file(input.path);
}

}  // namespace vigie::hunt
