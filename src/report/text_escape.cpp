#include "report/text_escape.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace vigie::report {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at `pos`; invalid, overlong, surrogate or truncated sequences
// give U+FFFD and consume one byte, as the WHATWG decoder does.
char32_t next_code_point(std::string_view s, std::size_t& pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        ++pos;
        return b0;
    }
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        length = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        length = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        length = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        ++pos;
        return kReplacement;
    }
    if (pos + length > s.size()) {
        ++pos;
        return kReplacement;
    }
    for (std::size_t i = 1; i < length; ++i) {
        const unsigned char b = byte(pos + i);
        if ((b & 0xC0) != 0x80) {
            ++pos;
            return kReplacement;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++pos;
        return kReplacement;
    }
    pos += length;
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Characters that hide text, reorder it or break lines in a way the reader cannot see.
bool hidden(char32_t cp) {
    if (cp == '\t' || cp == '\n') return false;
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xAD ||
           (cp >= 0x200B && cp <= 0x200F) ||  // zero-width, LRM, RLM
           (cp >= 0x2028 && cp <= 0x202E) ||  // separators, embeddings, overrides
           (cp >= 0x2060 && cp <= 0x206F) ||  // word joiner, isolates, deprecated formats
           cp == 0xFEFF || cp == 0x061C || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
           (cp >= 0xE0000 && cp <= 0xE007F);  // tag characters
}

}  // namespace

std::string visible_text(std::string_view text, std::size_t max_chars, bool say_length) {
    std::string out;
    out.reserve(std::min<std::size_t>(text.size(), max_chars == 0 ? text.size() : max_chars * 2));
    std::size_t chars = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (max_chars != 0 && chars == max_chars) break;
        const char32_t cp = next_code_point(text, pos);
        ++chars;
        if (hidden(cp)) {
            fmt::format_to(std::back_inserter(out), "[U+{:04X}]", static_cast<std::uint32_t>(cp));
        } else {
            append_utf8(out, cp);
        }
    }
    if (pos < text.size() && !say_length) {
        out += "\u2026";
    } else if (pos < text.size()) {
        std::size_t total = chars;
        while (pos < text.size()) {
            next_code_point(text, pos);
            ++total;
        }
        fmt::format_to(std::back_inserter(out), " \u2026 ({} characters)", total);
    }
    return out;
}

void append_html(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
}

std::string html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_html(out, text);
    return out;
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t pos = 0;
    while (pos < text.size()) {
        const char32_t cp = next_code_point(text, pos);
        switch (cp) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                // < > & would let the text close the script element or open a comment in
                // it; U+2028/2029 end a line in older JavaScript parsers.
                if (cp < 0x20 || cp == '<' || cp == '>' || cp == '&' || cp == 0x2028 ||
                    cp == 0x2029 || cp == 0x7F) {
                    fmt::format_to(std::back_inserter(out), "\\u{:04x}",
                                   static_cast<std::uint32_t>(cp));
                } else {
                    append_utf8(out, cp);
                }
        }
    }
    out += '"';
}

void append_log_text(std::string& out, std::string_view text, std::size_t max_chars) {
    append_html(out, visible_text(text, max_chars));
}

}  // namespace vigie::report
