#include "json/event_reader.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>

#include "json/object_splitter.hpp"

namespace vigie::json {
namespace {

constexpr std::size_t kMaxProblems = 8;

void note(JsonStats& stats, const SplitObject& o, const std::string& what) {
    if (stats.problems.size() < kMaxProblems) {
        stats.problems.push_back(fmt::format("line {} (offset {}): {}", o.line, o.offset, what));
    }
}

}  // namespace

core::Result<JsonStats> read_json_events(
    core::SequentialInput& input, const JsonReadOptions& options,
    const std::function<void(const core::Event&, const JsonEventInfo&)>& visit) {
    JsonStats stats;
    ObjectSplitter splitter(input, options.max_object_bytes);
    simdjson::dom::parser parser;
    std::vector<char> padded;
    core::Event event;
    SplitObject o;
    std::uint64_t index = 0;
    for (;;) {
        auto more = splitter.next(o);
        if (!more) return more.error();
        if (!*more) break;
        switch (o.kind) {
            case SplitObject::Kind::kGarbage:
                ++stats.malformed;
                note(stats, o, "not a JSON object (or cut off by the end of the input)");
                continue;
            case SplitObject::Kind::kOversized:
                ++stats.oversized;
                note(stats, o,
                     fmt::format("object larger than {} bytes skipped", options.max_object_bytes));
                continue;
            case SplitObject::Kind::kObject:
                break;
        }
        // simdjson reads up to SIMDJSON_PADDING bytes past the end: give it a padded copy.
        padded.resize(o.text.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded.data(), o.text.data(), o.text.size());
        std::memset(padded.data() + o.text.size(), 0, simdjson::SIMDJSON_PADDING);
        simdjson::dom::element doc;
        if (auto err = parser.parse(padded.data(), o.text.size(), false).get(doc); err) {
            ++stats.malformed;
            note(stats, o, std::string("malformed JSON: ") + simdjson::error_message(err));
            continue;
        }
        simdjson::dom::object object;
        if (doc.get_object().get(object) != simdjson::SUCCESS) {
            ++stats.malformed;
            note(stats, o, "not a JSON object");
            continue;
        }
        const JsonFormat shape =
            options.format == JsonFormat::kAuto ? detect_shape(object) : options.format;
        build_event(object, shape, event);
        ++stats.events;
        visit(event, JsonEventInfo{index++, o.offset, o.line, shape});
    }
    return stats;
}

}  // namespace vigie::json
