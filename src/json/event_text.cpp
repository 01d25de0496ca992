#include "json/event_text.hpp"

#include <fmt/format.h>

#include <cstring>

#include "json/repair.hpp"

namespace vigie::json {
namespace {

// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input: parse a padded copy.
simdjson::error_code parse_padded(simdjson::dom::parser& parser, std::string_view text,
                                  std::vector<char>& padded, simdjson::dom::element& doc) {
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), text.data(), text.size());
    std::memset(padded.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return parser.parse(padded.data(), text.size(), false).get(doc);
}

}  // namespace

EventTextParser::EventTextParser(EventTextOptions options) : options_(options), xml_(options.xml) {}

core::Result<JsonFormat> EventTextParser::build_event(std::string_view text, core::Event& event) {
    event.clear();
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t start = 0;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t' ||
                                   text[start] == '\n' || text[start] == '\r')) {
        ++start;
    }
    if (start == text.size()) return core::fail(core::ErrorCode::kParse, "empty event text");
    if (text[start] == '<') {
        if (auto ok = xml_.parse_event(text.substr(start), event); !ok) return ok.error();
        return JsonFormat::kXml;
    }
    if (text[start] != '{') {
        return core::fail(core::ErrorCode::kParse, "event text is neither a JSON object nor XML");
    }
    if (text.size() > options_.max_json_bytes) {
        return core::fail(core::ErrorCode::kLimitExceeded,
                          fmt::format("JSON event of {} bytes, more than {}", text.size(),
                                      options_.max_json_bytes));
    }
    simdjson::dom::element doc;
    if (auto err = parse_padded(json_, text, padded_, doc); err) {
        const Repairs repairs = repair_object(text, repaired_);
        if (!repairs.any() || parse_padded(json_, repaired_, padded_, doc) != simdjson::SUCCESS) {
            return core::fail(err == simdjson::DEPTH_ERROR ? core::ErrorCode::kLimitExceeded
                                                           : core::ErrorCode::kParse,
                              std::string("malformed JSON: ") + simdjson::error_message(err));
        }
    }
    simdjson::dom::object object;
    if (doc.get(object) != simdjson::SUCCESS) {
        return core::fail(core::ErrorCode::kParse, "JSON text is not one object");
    }
    const JsonFormat shape =
        options_.format == JsonFormat::kAuto ? detect_shape(object) : options_.format;
    if (auto ok = json::build_event(object, shape, event, xml_); !ok) {
        event.clear();
        return ok.error();
    }
    return shape;
}

}  // namespace vigie::json
