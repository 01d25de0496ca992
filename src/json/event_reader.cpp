#include "json/event_reader.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>

#include "json/object_splitter.hpp"
#include "json/repair.hpp"

namespace vigie::json {
namespace {

constexpr std::size_t kMaxProblems = 8;

void note(JsonStats& stats, const SplitObject& o, const std::string& what) {
    if (stats.problems.size() < kMaxProblems) {
        stats.problems.push_back(fmt::format("line {} (offset {}): {}", o.line, o.offset, what));
    }
}

// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input: parse a padded copy.
simdjson::error_code parse(simdjson::dom::parser& parser, std::string_view text,
                           std::vector<char>& padded, simdjson::dom::element& doc) {
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), text.data(), text.size());
    std::memset(padded.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return parser.parse(padded.data(), text.size(), false).get(doc);
}

}  // namespace

core::Result<JsonStats> read_json_events(
    core::InputStream& input, const JsonReadOptions& options,
    const std::function<void(const core::Event&, const JsonEventInfo&)>& visit) {
    JsonStats stats;
    ObjectSplitter splitter(input, options.max_object_bytes);
    simdjson::dom::parser parser;
    std::vector<char> padded;
    std::string repaired_text;
    WindowsXmlParser xml;  // for OpenWEC's XML in JSON
    core::Event event;
    SplitObject o;
    for (std::uint64_t index = 0;; ++index) {
        auto more = splitter.next(o);
        if (!more) return more.error();
        if (!*more) break;
        switch (o.kind) {
            case SplitObject::Kind::kNotObject:
            case SplitObject::Kind::kBroken:
                ++stats.malformed;
                note(stats, o, o.why);
                continue;
            case SplitObject::Kind::kOversized:
                ++stats.oversized;
                note(stats, o,
                     fmt::format("object larger than {} bytes skipped", options.max_object_bytes));
                continue;
            case SplitObject::Kind::kObject:
                break;
        }
        simdjson::dom::element doc;
        bool repaired = false;
        if (auto err = parse(parser, o.text, padded, doc); err) {
            const Repairs repairs = repair_object(o.text, repaired_text);
            if (!repairs.any() || parse(parser, repaired_text, padded, doc) != simdjson::SUCCESS) {
                ++stats.malformed;
                note(stats, o, std::string("malformed JSON: ") + simdjson::error_message(err));
                continue;
            }
            repaired = true;
            ++stats.repaired;
            note(stats, o, "repaired: " + describe(repairs));
        }
        simdjson::dom::object object;
        if (doc.get(object) != simdjson::SUCCESS) {  // cannot happen: it starts with '{'
            ++stats.malformed;
            note(stats, o, "not a JSON object");
            continue;
        }
        const JsonFormat shape =
            options.format == JsonFormat::kAuto ? detect_shape(object) : options.format;
        if (auto built = build_event(object, shape, event, xml); !built) {
            ++stats.malformed;
            note(stats, o, built.error().message);
            continue;
        }
        ++stats.events;
        visit(event, JsonEventInfo{index, o.offset, o.line, shape, repaired});
    }
    return stats;
}

}  // namespace vigie::json
