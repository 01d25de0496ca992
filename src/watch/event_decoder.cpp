#include "watch/event_decoder.hpp"

#include <fmt/format.h>

#include "json/repair.hpp"

namespace vigie::watch {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() &&
           (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

core::Result<void> EventDecoder::decode(std::string_view text, core::Event& event) {
    text = trim(text);
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (text.empty() || text.front() != '{') {
        return core::fail(core::ErrorCode::kParse, "not a JSON object");
    }
    simdjson::dom::element root;
    auto error = parser_.parse(text.data(), text.size(), true).get(root);
    if (error != simdjson::SUCCESS) {
        const json::Repairs repairs = json::repair_object(text, repaired_text_);
        if (!repairs.any() || parser_.parse(repaired_text_).get(root) != simdjson::SUCCESS) {
            return core::fail(core::ErrorCode::kParse,
                              fmt::format("malformed JSON ({})", simdjson::error_message(error)));
        }
        ++repaired_;
    }
    simdjson::dom::object object;
    if (root.get(object) != simdjson::SUCCESS) {
        return core::fail(core::ErrorCode::kParse, "not a JSON object");
    }
    json::build_event(object, format_, event);
    return {};
}

}  // namespace vigie::watch
