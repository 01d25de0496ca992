#include "json/repair.hpp"

#include <charconv>
#include <cstdint>

namespace vigie::json {
namespace {

// Length of the valid UTF-8 sequence at p (n bytes available), or 0 when it is not valid
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_sequence(const unsigned char* p, std::size_t n) noexcept {
    const unsigned char c = p[0];
    if (c < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi) return 0;
    for (std::size_t i = 2; i < len; ++i) {
        if (p[i] < 0x80 || p[i] > 0xbf) return 0;
    }
    return len;
}

bool number_char(char c) noexcept {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Whether simdjson takes `token` as a number: JSON grammar, and a value that fits.
bool fits(std::string_view token) noexcept {
    std::string_view digits = token;
    if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
    if (digits.empty() || digits.front() < '0' || digits.front() > '9') return false;
    if (digits.size() > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9') {
        return false;  // leading zero
    }
    if (digits.back() < '0' || digits.back() > '9') return false;  // "1." or "1e"
    const char* first = token.data();
    const char* last = token.data() + token.size();
    if (token.find_first_of(".eE") == std::string_view::npos) {
        std::int64_t i = 0;
        if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) {
            return true;
        }
        std::uint64_t u = 0;
        auto r = std::from_chars(first, last, u);
        return r.ec == std::errc() && r.ptr == last;
    }
    const std::size_t dot = token.find('.');
    if (dot != std::string_view::npos &&
        (dot + 1 >= token.size() || token[dot + 1] < '0' || token[dot + 1] > '9')) {
        return false;  // "1.e5"
    }
    double d = 0;
    auto r = std::from_chars(first, last, d);
    return r.ec == std::errc() && r.ptr == last;
}

// The bare words Python's json module writes for floats JSON cannot express, or "".
std::string_view bare_word(std::string_view rest) noexcept {
    for (std::string_view word : {"NaN", "Infinity", "-Infinity"}) {
        if (rest.substr(0, word.size()) == word) return word;
    }
    return {};
}

void append_escaped_control(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.append("\\u00");
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
}

constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

}  // namespace

Repairs repair_object(std::string_view text, std::string& out) {
    Repairs done;
    out.clear();
    out.reserve(text.size() + 16);
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    bool in_string = false, escaped = false;
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c >= 0x80) {  // not valid JSON outside strings either: same treatment
            const std::size_t len = utf8_sequence(p + i, n - i);
            if (len == 0) {
                out.append(kReplacement);
                done.encoding = true;
                ++i;
            } else {
                out.append(text.substr(i, len));
                i += len;
            }
            escaped = false;
            continue;
        }
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            } else if (c < 0x20) {
                append_escaped_control(out, c);
                done.controls = true;
                ++i;
                continue;
            }
            out.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out.push_back('"');
            ++i;
            continue;
        }
        if (const std::string_view word = bare_word(text.substr(i)); !word.empty()) {
            out.push_back('"');
            out.append(word);
            out.push_back('"');
            i += word.size();
            done.numbers = true;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = i;
            while (end < n && number_char(text[end])) ++end;
            const std::string_view token = text.substr(i, end - i);
            if (fits(token)) {
                out.append(token);
            } else {
                out.push_back('"');
                out.append(token);
                out.push_back('"');
                done.numbers = true;
            }
            i = end;
            continue;
        }
        out.push_back(static_cast<char>(c));
        ++i;
    }
    return done;
}

std::string describe(const Repairs& repairs) {
    std::string s;
    auto add = [&](bool on, const char* what) {
        if (!on) return;
        if (!s.empty()) s += ", ";
        s += what;
    };
    add(repairs.numbers, "numbers out of range kept as text");
    add(repairs.encoding, "bytes that are not UTF-8 replaced by U+FFFD");
    add(repairs.controls, "raw control characters escaped");
    return s;
}

}  // namespace vigie::json
