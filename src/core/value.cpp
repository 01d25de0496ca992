#include "core/value.hpp"

#include <algorithm>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/utf16.hpp"

namespace vigie::core {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

// Windows-1252 code points for bytes 0x80-0x9F; the rest of the code page is Latin-1.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::uint32_t load_u32(const std::uint8_t* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
std::uint16_t load_u16(const std::uint8_t* p) noexcept {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}
std::uint64_t load_u64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

template <typename T>
void append_number(std::string& out, T v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_float(std::string& out, double v, bool single) {
    char buf[64];
    auto r = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                    : std::to_chars(buf, buf + sizeof buf, v);
    std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    out.append(s);
    // Integral floats keep a fractional part, as serde_json (and most JSON writers) print them.
    if (s.find_first_of(".eE") == std::string_view::npos) out.append(".0");
}

void append_hex(std::string& out, std::uint64_t v) {
    char buf[18];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n] = kHexLower[v & 0xF];
        v >>= 4;
        ++n;
    } while (v != 0);
    out.append("0x");
    out.append(buf + sizeof buf - n, static_cast<std::size_t>(n));
}

void append_guid(std::string& out, const std::uint8_t* b) {
    static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHexUpper[b[kOrder[i]] >> 4]);
        out.push_back(kHexUpper[b[kOrder[i]] & 0xF]);
    }
}

// SID: revision, sub-authority count, 48-bit big-endian authority, 32-bit LE sub-authorities.
void append_sid(std::string& out, const std::uint8_t* p, std::size_t n) {
    if (n < 8) {
        out.append("S-?");
        return;
    }
    std::uint64_t authority = 0;
    for (int i = 2; i < 8; ++i) authority = (authority << 8) | p[i];
    out.append("S-");
    append_number(out, static_cast<unsigned>(p[0]));
    out.push_back('-');
    append_number(out, authority);
    const std::size_t count = p[1];
    for (std::size_t i = 0; i < count && 8 + 4 * i + 4 <= n; ++i) {
        out.push_back('-');
        append_number(out, load_u32(p + 8 + 4 * i));
    }
}

void append_ansi(std::string& out, const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t c = p[i];
        if (c == 0) continue;
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0xA0) {
            append_utf8(out, kCp1252High[c - 0x80]);
        } else {
            append_utf8(out, c);
        }
    }
}

void append_binary(std::string& out, const std::uint8_t* p, std::size_t n) {
    out.reserve(out.size() + 2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(kHexUpper[p[i] >> 4]);
        out.push_back(kHexUpper[p[i] & 0xF]);
    }
}

inline bool json_needs_escape(unsigned char c) noexcept {
    return c < 0x20 || c == '"' || c == '\\';
}

// Whether any byte of `s` needs a JSON escape, eight bytes at a time (SWAR): a byte below 0x20,
// a quote or a backslash.
bool any_json_escape(std::string_view s) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
        if (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) return true;
    }
    for (; i < s.size(); ++i) {
        if (json_needs_escape(static_cast<unsigned char>(s[i]))) return true;
    }
    return false;
}

void append_json_escaped_char(std::string& out, unsigned char c) {
    switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            out.append("\\u00");
            out.push_back(kHexLower[c >> 4]);
            out.push_back(kHexLower[c & 0xF]);
    }
}

// UTF-16LE straight to an escaped JSON string body, one pass; stops at the first NUL unit.
// Plain ASCII is checked and narrowed 8 units at a time into a small buffer (appending to the
// string byte by byte, or sizing it ahead, costs more than the conversion).
void append_utf16_json(std::string& out, const std::uint8_t* p, std::size_t bytes) {
    const std::size_t units = bytes / 2;
    std::size_t i = 0;
    char buf[256];
    std::size_t n = 0;
    auto flush = [&] {
        out.append(buf, n);
        n = 0;
    };
    while (i < units) {
#if defined(__SSE2__)
        const __m128i space = _mm_set1_epi16(0x20);
        const __m128i limit = _mm_set1_epi16(0x7F);
        const __m128i quote = _mm_set1_epi16('"');
        const __m128i backslash = _mm_set1_epi16('\\');
        while (i + 8 <= units) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i));
            // Units are unsigned; signed compares are right for 0x0000-0x7FFF, and units with the
            // top bit set look negative, so they fail the ">= 0x20" test: also rejected.
            const __m128i bad = _mm_or_si128(
                _mm_or_si128(_mm_cmplt_epi16(v, space), _mm_cmpgt_epi16(v, limit)),
                _mm_or_si128(_mm_cmpeq_epi16(v, quote), _mm_cmpeq_epi16(v, backslash)));
            if (_mm_movemask_epi8(bad) != 0) break;
            if (n + 8 > sizeof buf) flush();
            _mm_storel_epi64(reinterpret_cast<__m128i*>(buf + n), _mm_packus_epi16(v, v));
            n += 8;
            i += 8;
        }
#endif
        // Unit by unit up to the unit that stopped the 8-unit steps (or the end).
        for (; i < units; ++i) {
            const std::uint16_t u = load_u16(p + 2 * i);
            if (u < 0x20 || u >= 0x7F || u == '"' || u == '\\') break;
            if (n == sizeof buf) flush();
            buf[n++] = static_cast<char>(u);
        }
        if (i >= units) break;
        const std::uint16_t u = load_u16(p + 2 * i);
        if (u < 0x20 || u >= 0x7F || u == '"' || u == '\\') {
            flush();
            if (u < 0x80) {
                if (u == 0) return;
                if (json_needs_escape(static_cast<unsigned char>(u))) {
                    append_json_escaped_char(out, static_cast<unsigned char>(u));
                } else {
                    out.push_back(static_cast<char>(u));  // DEL (0x7F)
                }
                ++i;
                continue;
            }
            // Non-ASCII: decode the run up to the next ASCII unit with the general decoder.
            std::size_t j = i;
            while (j < units && load_u16(p + 2 * j) >= 0x80) ++j;
            append_utf16le(out, p + 2 * i, 2 * (j - i), Utf16Stop::kNever);
            i = j;
        }
    }
    flush();
}

}  // namespace

const char* value_kind_name(ValueKind kind) noexcept {
    switch (kind) {
        case ValueKind::kNull:
            return "null";
        case ValueKind::kUtf8:
            return "utf8";
        case ValueKind::kUtf16:
            return "utf16";
        case ValueKind::kAnsi:
            return "ansi";
        case ValueKind::kInt:
            return "int";
        case ValueKind::kUInt:
            return "uint";
        case ValueKind::kReal32:
            return "real32";
        case ValueKind::kReal64:
            return "real64";
        case ValueKind::kBool:
            return "bool";
        case ValueKind::kBinary:
            return "binary";
        case ValueKind::kGuid:
            return "guid";
        case ValueKind::kFileTime:
            return "filetime";
        case ValueKind::kSid:
            return "sid";
        case ValueKind::kHex32:
            return "hex32";
        case ValueKind::kHex64:
            return "hex64";
        case ValueKind::kArray:
            return "array";
    }
    return "unknown";
}

std::optional<FileTimeTicks> filetime_from_systemtime(const std::uint8_t* p) noexcept {
    CivilTime t{};
    t.year = load_u16(p);
    t.month = load_u16(p + 2);
    t.day = load_u16(p + 6);
    t.hour = load_u16(p + 8);
    t.minute = load_u16(p + 10);
    t.second = load_u16(p + 12);
    const unsigned ms = load_u16(p + 14);
    if (ms > 999) return std::nullopt;
    t.nanosecond = ms * 1'000'000;
    return filetime_from_civil(t);
}

std::optional<std::int64_t> Value::to_int() const {
    switch (kind_) {
        case ValueKind::kInt:
            return i_;
        case ValueKind::kUInt:
        case ValueKind::kHex32:
        case ValueKind::kHex64:
        case ValueKind::kBool:
            return static_cast<std::int64_t>(u_);
        case ValueKind::kReal32:
        case ValueKind::kReal64:
            // Out of range, the conversion would be undefined behaviour (JSON input can hold
            // any double).
            if (std::isfinite(d_) && d_ == std::floor(d_) && d_ >= -0x1p63 && d_ < 0x1p63) {
                return static_cast<std::int64_t>(d_);
            }
            return std::nullopt;
        case ValueKind::kUtf8:
        case ValueKind::kUtf16:
        case ValueKind::kAnsi: {
            std::string s = text();
            std::string_view v = s;
            int base = 10;
            if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
                v.remove_prefix(2);
                base = 16;
            }
            std::int64_t out = 0;
            if (v.empty()) return std::nullopt;
            if (base == 16) {
                std::uint64_t u = 0;
                auto r = std::from_chars(v.data(), v.data() + v.size(), u, 16);
                if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
                return static_cast<std::int64_t>(u);
            }
            auto r = std::from_chars(v.data(), v.data() + v.size(), out, 10);
            if (r.ec != std::errc() || r.ptr != v.data() + v.size()) return std::nullopt;
            return out;
        }
        default:
            return std::nullopt;
    }
}

bool Value::next_array_item(std::size_t& offset, Value& item) const noexcept {
    if (kind_ != ValueKind::kArray || offset >= len_) return false;
    const std::uint8_t* p = p_ + offset;
    const std::size_t left = len_ - offset;
    if (elem_size_ != 0) {
        if (left < elem_size_) return false;
        offset += elem_size_;
        switch (elem_) {
            case ValueKind::kInt: {
                std::int64_t v = 0;
                switch (elem_size_) {
                    case 1:
                        v = static_cast<std::int8_t>(p[0]);
                        break;
                    case 2:
                        v = static_cast<std::int16_t>(load_u16(p));
                        break;
                    case 4:
                        v = static_cast<std::int32_t>(load_u32(p));
                        break;
                    default:
                        v = static_cast<std::int64_t>(load_u64(p));
                        break;
                }
                item = Value::int64(v).with_width(elem_size_);
                return true;
            }
            case ValueKind::kUInt: {
                std::uint64_t v = 0;
                switch (elem_size_) {
                    case 1:
                        v = p[0];
                        break;
                    case 2:
                        v = load_u16(p);
                        break;
                    case 4:
                        v = load_u32(p);
                        break;
                    default:
                        v = load_u64(p);
                        break;
                }
                item = Value::uint64(v).with_width(elem_size_);
                return true;
            }
            case ValueKind::kReal32: {
                float f;
                std::memcpy(&f, p, 4);
                item = Value::real32(f);
                return true;
            }
            case ValueKind::kReal64: {
                double d;
                std::memcpy(&d, p, 8);
                item = Value::real64(d);
                return true;
            }
            case ValueKind::kBool:
                item = Value::boolean(load_u32(p) != 0);
                return true;
            case ValueKind::kGuid:
                item = Value::guid(p);
                return true;
            case ValueKind::kHex32:
                item = Value::hex32(load_u32(p));
                return true;
            case ValueKind::kHex64:
                item = Value::hex64(load_u64(p));
                return true;
            case ValueKind::kFileTime:
                if (elem_size_ == 16) {
                    auto t = filetime_from_systemtime(p);
                    item = t ? Value::filetime(*t) : Value::null();
                } else {
                    item = Value::filetime(load_u64(p));
                }
                return true;
            default:
                item = Value::binary(p, elem_size_);
                return true;
        }
    }
    switch (elem_) {
        case ValueKind::kUtf16: {
            std::size_t units = left / 2, n = 0;
            while (n < units && (p[2 * n] | p[2 * n + 1]) != 0) ++n;
            item = Value::utf16(p, 2 * n);
            offset += std::min(left, 2 * n + 2);
            return true;
        }
        case ValueKind::kAnsi: {
            std::size_t n = 0;
            while (n < left && p[n] != 0) ++n;
            item = Value::ansi(p, n);
            offset += std::min(left, n + 1);
            return true;
        }
        case ValueKind::kSid: {
            if (left < 8) return false;
            const std::size_t size = std::min(left, 8 + 4 * static_cast<std::size_t>(p[1]));
            item = Value::sid(p, size);
            offset += size;
            return true;
        }
        default:
            return false;
    }
}

std::size_t Value::array_size() const noexcept {
    std::size_t offset = 0, count = 0;
    Value item;
    while (next_array_item(offset, item)) ++count;
    return count;
}

void Value::append_text(std::string& out) const {
    switch (kind_) {
        case ValueKind::kNull:
            return;
        case ValueKind::kUtf8:
            out.append(reinterpret_cast<const char*>(p_), len_);
            return;
        case ValueKind::kUtf16:
            append_utf16le(out, p_, len_);
            return;
        case ValueKind::kAnsi:
            append_ansi(out, p_, len_);
            return;
        case ValueKind::kInt:
            append_number(out, i_);
            return;
        case ValueKind::kUInt:
            append_number(out, u_);
            return;
        case ValueKind::kReal32:
            append_float(out, d_, true);
            return;
        case ValueKind::kReal64:
            append_float(out, d_, false);
            return;
        case ValueKind::kBool:
            out.append(u_ ? "true" : "false");
            return;
        case ValueKind::kBinary:
            append_binary(out, p_, len_);
            return;
        case ValueKind::kGuid:
            append_guid(out, p_);
            return;
        case ValueKind::kFileTime:
            append_iso8601_micros(out, u_);
            return;
        case ValueKind::kSid:
            append_sid(out, p_, len_);
            return;
        case ValueKind::kHex32:
        case ValueKind::kHex64:
            append_hex(out, u_);
            return;
        case ValueKind::kArray:
            append_array(out, false);
            return;
    }
}

void Value::append_json(std::string& out) const {
    switch (kind_) {
        case ValueKind::kNull:
            out.append("null");
            return;
        case ValueKind::kUtf16:
            out.push_back('"');
            append_utf16_json(out, p_, len_);
            out.push_back('"');
            return;
        case ValueKind::kInt:
        case ValueKind::kUInt:
        case ValueKind::kBool:
            append_text(out);
            return;
        case ValueKind::kReal32:
        case ValueKind::kReal64:
            if (!std::isfinite(d_)) {
                out.append("null");
            } else {
                append_text(out);
            }
            return;
        case ValueKind::kArray:
            append_array(out, true);
            return;
        case ValueKind::kUtf8:
            append_json_string(out, utf8_view());
            return;
        default: {
            // Everything else prints as text made of safe characters, except ANSI strings.
            out.push_back('"');
            if (kind_ == ValueKind::kAnsi) {
                std::string tmp;
                append_ansi(tmp, p_, len_);
                append_json_escaped(out, tmp);
            } else {
                append_text(out);
            }
            out.push_back('"');
            return;
        }
    }
}

void Value::append_array(std::string& out, bool json) const {
    if (json) out.push_back('[');
    std::size_t offset = 0;
    Value item;
    bool first = true;
    while (next_array_item(offset, item)) {
        if (!first) out.push_back(',');
        first = false;
        if (json) {
            item.append_json(out);
        } else {
            item.append_text(out);
        }
    }
    if (json) out.push_back(']');
}

void append_json_escaped(std::string& out, std::string_view s) {
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < s.size()) {
#if defined(__SSE2__)
        // Skip 16 bytes at a time while none needs escaping (bytes >= 0x80 are fine here).
        const __m128i space = _mm_set1_epi8(0x20);
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        while (i + 16 <= s.size()) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
            // Unsigned "v < 0x20": max(v, 0x20) == v fails exactly for bytes below 0x20.
            const __m128i control =
                _mm_xor_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, space), v), _mm_set1_epi8(-1));
            const __m128i bad = _mm_or_si128(
                control, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
            const int mask = _mm_movemask_epi8(bad);
            if (mask != 0) {
                i += static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
                break;
            }
            i += 16;
        }
        if (i >= s.size()) break;
#endif
        const auto c = static_cast<unsigned char>(s[i]);
        if (json_needs_escape(c)) {
            out.append(s.data() + start, i - start);
            append_json_escaped_char(out, c);
            start = i + 1;
        }
        ++i;
    }
    out.append(s.data() + start, s.size() - start);
}

void append_json_string(std::string& out, std::string_view s) {
    const std::size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* dst = out.data() + at;
    dst[0] = '"';
    if (!s.empty()) std::memcpy(dst + 1, s.data(), s.size());  // an empty view may hold nullptr
    dst[s.size() + 1] = '"';
    if (!any_json_escape(s)) return;  // the common case: keys and plain values
    out.resize(at);
    out.push_back('"');
    append_json_escaped(out, s);
    out.push_back('"');
}

}  // namespace vigie::core
