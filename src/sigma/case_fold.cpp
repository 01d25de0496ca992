#include "sigma/case_fold.hpp"

#include "core/utf16.hpp"

#include <locale.h>
#include <wctype.h>

#include <cstdint>

namespace vigie::sigma {
namespace {

// The C.UTF-8 locale, opened once: its LC_CTYPE tables know every Unicode case pair. If a
// system lacks it, non-ASCII text is compared as is (still correct for exact byte matches).
locale_t utf8_locale() {
    static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    return locale;
}

// Decodes one code point; returns its length, or 0 for an invalid sequence.
std::size_t decode(const unsigned char* p, std::size_t n, char32_t& cp) {
    const unsigned char b = p[0];
    std::size_t len = 0;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        cp = b & 0x07;
    } else {
        return 0;
    }
    if (len > n) return 0;
    for (std::size_t i = 1; i < len; ++i) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

}  // namespace

void append_folded(std::string_view s, std::string& out) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    out.reserve(out.size() + n);
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = p[i];
        if (b < 0x80) {
            out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode(p + i, n - i, cp);
        if (len == 0) {
            out.push_back(static_cast<char>(b));
            ++i;
            continue;
        }
        const locale_t locale = utf8_locale();
        const char32_t lower =
            locale != static_cast<locale_t>(0)
                ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), locale))
                : cp;
        core::append_utf8(out, lower);
        i += len;
    }
}

std::size_t code_point_count(std::string_view s) noexcept {
    std::size_t count = 0;
    for (const char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

}  // namespace vigie::sigma
