// fuzz/report_escape_fuzzer.cpp - libFuzzer target over the report's escaping of log text.
//
// Every string an attacker puts in an event log reaches the HTML report through these
// functions. For any bytes: html() leaves no markup character and only the five character
// references; the JSON string is valid JSON and valid UTF-8, holds no < > & and no U+2028 or
// U+2029, and reads back as the input when the input was valid UTF-8; visible_text() gives
// valid UTF-8 with no hidden or reordering character left, within its bound.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "report/text_escape.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

// Decodes valid UTF-8 (the function under test must only ever produce that).
bool next(std::string_view s, std::size_t& pos, char32_t& cp) {
    const auto b = static_cast<unsigned char>(s[pos]);
    const std::size_t n = b < 0x80         ? 1
                          : (b >> 5) == 6  ? 2
                          : (b >> 4) == 14 ? 3
                          : (b >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || pos + n > s.size()) return false;
    cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t i = 1; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[pos + i]);
        if ((c & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (c & 0x3F);
    }
    pos += n;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t bound = data[0] % 64;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    const std::string h = vigie::report::html(text);
    check(h.find_first_of("<>\"'") == std::string::npos);
    for (std::size_t at = h.find('&'); at != std::string::npos; at = h.find('&', at + 1)) {
        const std::string_view rest = std::string_view(h).substr(at);
        check(rest.starts_with("&amp;") || rest.starts_with("&lt;") || rest.starts_with("&gt;") ||
              rest.starts_with("&quot;") || rest.starts_with("&#39;"));
    }

    std::string json;
    vigie::report::append_json_string(json, text);
    check(json.find_first_of("<>&") == std::string::npos);
    check(json.find("\xE2\x80\xA8") == std::string::npos &&
          json.find("\xE2\x80\xA9") == std::string::npos);
    check(simdjson::validate_utf8(json.data(), json.size()));
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    std::string_view decoded;
    check(parser.parse(padded).get(decoded) == simdjson::SUCCESS);
    if (simdjson::validate_utf8(text.data(), text.size())) check(decoded == text);

    const std::string shown = vigie::report::visible_text(text, bound);
    check(simdjson::validate_utf8(shown.data(), shown.size()));
    std::size_t chars = 0;
    for (std::size_t pos = 0; pos < shown.size(); ++chars) {
        char32_t cp = 0;
        check(next(shown, pos, cp));
        check(cp == '\t' || cp == '\n' || (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0)));
        check(!(cp >= 0x200B && cp <= 0x200F) && !(cp >= 0x2028 && cp <= 0x202E) &&
              !(cp >= 0x2060 && cp <= 0x206F) && cp != 0xFEFF && cp != 0x061C);
    }
    // Each input character is at most "[U+XXXXX]" (9) shown, plus the " … (N characters)" note.
    if (bound != 0) check(chars <= bound * 9 + 40);
    return 0;
}
