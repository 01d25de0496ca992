#include "sigma/sigma_string.hpp"

#include <locale.h>
#include <wctype.h>

#include <algorithm>

#include "sigma/case_fold.hpp"

namespace vigie::sigma {
namespace {

using Kind = StringPart::Kind;

// Python's \w on str, which pySigma's windash pattern `\B[-/]\b` uses: letters and digits of
// any script, and underscore. Counting every non-ASCII character as a word character would keep
// the dash of "\u00a0-x" (a no-break space, then an option) from expanding, unlike pySigma.
// Non-ASCII code points are classified by the C.UTF-8 locale's tables; without that locale, or
// for invalid UTF-8, they count as word characters (letters are by far the most common).
constexpr char32_t kInvalid = 0x110000;  // not a code point: a byte of invalid UTF-8

bool is_word_code_point(char32_t cp) {
    if (cp == kInvalid) return true;
    if (cp < 0x80) {
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               cp == '_';
    }
    static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    return locale == static_cast<locale_t>(0) || iswalnum_l(static_cast<wint_t>(cp), locale) != 0;
}

// The code point whose UTF-8 sequence starts at `pos`, or kInvalid.
char32_t code_point_at(std::string_view t, std::size_t pos) {
    const auto b = static_cast<unsigned char>(t[pos]);
    if (b < 0x80) return b;
    const std::size_t len = b < 0xC0 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF8 ? 4 : 0;
    if (len == 0 || pos + len > t.size()) return kInvalid;
    char32_t cp = b & (0x7F >> len);
    for (std::size_t i = 1; i < len; ++i) {
        const auto c = static_cast<unsigned char>(t[pos + i]);
        if ((c & 0xC0) != 0x80) return kInvalid;
        cp = (cp << 6) | (c & 0x3F);
    }
    return cp <= 0x10FFFF ? cp : kInvalid;
}

// Whether a word character ends just before byte `pos` of `t`.
bool word_before(std::string_view t, std::size_t pos) {
    if (pos == 0) return false;
    std::size_t start = pos - 1;
    while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(t[start]) & 0xC0) == 0x80)
        --start;
    return is_word_code_point(code_point_at(t, start));
}

// Whether a word character starts at byte `pos` of `t`.
bool word_at(std::string_view t, std::size_t pos) {
    return pos < t.size() && is_word_code_point(code_point_at(t, pos));
}

}  // namespace

SigmaString SigmaString::parse(std::string_view raw, bool placeholders) {
    SigmaString s;
    std::string acc;
    auto flush = [&] {
        if (!acc.empty()) s.parts_.push_back({Kind::kText, std::move(acc)});
        acc.clear();
    };
    bool escaped = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (escaped) {
            if (c != '*' && c != '?' && c != '\\' && !(placeholders && c == '%'))
                acc.push_back('\\');
            acc.push_back(c);
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '*' || c == '?') {
            flush();
            s.parts_.push_back({c == '*' ? Kind::kAnyRun : Kind::kAnyChar, {}});
        } else if (placeholders && c == '%') {
            const std::size_t end = raw.find('%', i + 1);
            if (end == std::string_view::npos || end == i + 1) {
                acc.push_back(c);
                continue;
            }
            flush();
            s.parts_.push_back({Kind::kPlaceholder, std::string(raw.substr(i + 1, end - i - 1))});
            i = end;
        } else {
            acc.push_back(c);
        }
    }
    if (escaped) acc.push_back('\\');
    flush();
    return s;
}

SigmaString SigmaString::literal(std::string_view text) {
    SigmaString s;
    if (!text.empty()) s.parts_.push_back({Kind::kText, std::string(text)});
    return s;
}

bool SigmaString::has_wildcards() const noexcept {
    return std::any_of(parts_.begin(), parts_.end(), [](const StringPart& p) {
        return p.kind == Kind::kAnyRun || p.kind == Kind::kAnyChar;
    });
}

bool SigmaString::has_placeholders() const noexcept {
    return std::any_of(parts_.begin(), parts_.end(),
                       [](const StringPart& p) { return p.kind == Kind::kPlaceholder; });
}

bool SigmaString::starts_with_any_run() const noexcept {
    return !parts_.empty() && parts_.front().kind == Kind::kAnyRun;
}

bool SigmaString::ends_with_any_run() const noexcept {
    return !parts_.empty() && parts_.back().kind == Kind::kAnyRun;
}

std::string SigmaString::plain_text() const {
    std::string out;
    for (const StringPart& p : parts_) {
        if (p.kind == Kind::kText) out += p.text;
    }
    return out;
}

std::size_t SigmaString::length() const noexcept {
    std::size_t n = 0;
    for (const StringPart& p : parts_) n += p.kind == Kind::kText ? code_point_count(p.text) : 1;
    return n;
}

void SigmaString::prepend_any_run() {
    parts_.insert(parts_.begin(), {Kind::kAnyRun, {}});
}
void SigmaString::append_any_run() {
    parts_.push_back({Kind::kAnyRun, {}});
}

void SigmaString::append_text(std::string_view s) {
    if (s.empty()) return;
    if (!parts_.empty() && parts_.back().kind == Kind::kText) {
        parts_.back().text.append(s);
    } else {
        parts_.push_back({Kind::kText, std::string(s)});
    }
}

void SigmaString::append_part(StringPart part) {
    if (part.kind == Kind::kText) {
        append_text(part.text);
    } else {
        parts_.push_back(std::move(part));
    }
}

core::Result<SigmaString> encode_utf16(const SigmaString& s, bool big_endian, bool bom) {
    SigmaString out;
    if (bom) out.append_text(big_endian ? std::string_view("\xFE\xFF", 2) : "\xFF\xFE");
    for (const StringPart& p : s.parts()) {
        if (p.kind != Kind::kText) {
            out.append_part(p);
            continue;
        }
        std::string encoded;
        for (const char c : p.text) {
            if (static_cast<unsigned char>(c) >= 0x80) {
                return core::fail(core::ErrorCode::kUnsupported,
                                  "UTF-16 modifiers accept only ASCII text, as in pySigma");
            }
            if (big_endian) encoded.push_back('\0');
            encoded.push_back(c);
            if (!big_endian) encoded.push_back('\0');
        }
        out.append_text(encoded);
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        unsigned v = p[i] << 16;
        if (rest == 2) v |= p[i + 1] << 8;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

core::Result<SigmaString> encode_base64(const SigmaString& s) {
    if (s.has_wildcards() || s.has_placeholders()) {
        return core::fail(core::ErrorCode::kUnsupported,
                          "base64 cannot encode a value with wildcards");
    }
    return SigmaString::literal(base64_encode(s.plain_text()));
}

core::Result<std::vector<SigmaString>> encode_base64_offsets(const SigmaString& s) {
    if (s.has_wildcards() || s.has_placeholders()) {
        return core::fail(core::ErrorCode::kUnsupported,
                          "base64offset cannot encode a value with wildcards");
    }
    // pySigma: b64encode(i * b" " + bytes(val))[start[i] : end[(len(val) + i) % 3]]
    static constexpr std::size_t kStart[3] = {0, 2, 3};
    static constexpr std::size_t kEndTrim[3] = {0, 3, 2};
    const std::string bytes = s.plain_text();
    const std::size_t length = s.length();
    std::vector<SigmaString> out;
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string encoded = base64_encode(std::string(i, ' ') + bytes);
        const std::size_t trim = kEndTrim[(length + i) % 3];
        const std::size_t begin = std::min(kStart[i], encoded.size());
        const std::size_t end = encoded.size() >= trim ? encoded.size() - trim : 0;
        out.push_back(SigmaString::literal(end > begin ? encoded.substr(begin, end - begin) : ""));
    }
    return out;
}

core::Result<std::vector<SigmaString>> expand_windash(const SigmaString& s) {
    static const std::string_view kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                               "\xE2\x80\x95"};
    // Split text parts at each option dash; `\B[-/]\b` is judged within the text part, as
    // pySigma's placeholder replacement does.
    std::vector<std::vector<StringPart>> pieces(1);
    for (const StringPart& p : s.parts()) {
        if (p.kind != Kind::kText) {
            pieces.back().push_back(p);
            continue;
        }
        std::string acc;
        const std::string& t = p.text;
        for (std::size_t i = 0; i < t.size(); ++i) {
            const char c = t[i];
            const bool dash = c == '-' || c == '/';
            if (dash && !word_before(t, i) && word_at(t, i + 1)) {
                if (!acc.empty()) pieces.back().push_back({Kind::kText, std::move(acc)});
                acc.clear();
                pieces.emplace_back();  // a new piece starts after each dash position
            } else {
                acc.push_back(c);
            }
        }
        if (!acc.empty()) pieces.back().push_back({Kind::kText, std::move(acc)});
    }
    // pieces[0] dash pieces[1] dash ... : every combination of the dashes.
    if (pieces.size() > kMaxWindashPositions + 1) {
        return core::fail(core::ErrorCode::kLimitExceeded,
                          "windash: more than " + std::to_string(kMaxWindashPositions) +
                              " option dashes in one value (5^n combinations)");
    }
    std::vector<SigmaString> out(1);
    for (const StringPart& p : pieces[0]) out[0].append_part(p);
    for (std::size_t k = 1; k < pieces.size(); ++k) {
        std::vector<SigmaString> next;
        next.reserve(out.size() * 5);
        for (const SigmaString& prefix : out) {
            for (std::string_view dash : kDashes) {
                SigmaString v = prefix;
                v.append_text(dash);
                for (const StringPart& p : pieces[k]) v.append_part(p);
                next.push_back(std::move(v));
            }
        }
        out = std::move(next);
    }
    return out;
}

}  // namespace vigie::sigma
