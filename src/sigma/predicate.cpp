#include "sigma/predicate.hpp"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <charconv>
#include <cstring>

#include "core/time.hpp"

namespace vigie::sigma {
namespace {

std::optional<double> number_of(std::uint32_t index, EventFields& ev) {
    const core::Value& v = ev.value(index);
    switch (v.kind()) {
        case core::ValueKind::kReal32:
        case core::ValueKind::kReal64:
            return v.as_double();
        case core::ValueKind::kUInt:
        case core::ValueKind::kHex32:
        case core::ValueKind::kHex64:
            return static_cast<double>(v.as_uint64());
        case core::ValueKind::kInt:
            return static_cast<double>(v.as_int64());
        default:
            break;
    }
    if (auto i = v.to_int()) return static_cast<double>(*i);
    const std::string_view t = ev.text(index);
    double d = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
    return d;
}

// Number of ISO 8601 weeks in `year`: 53 when December 31 is a Thursday, or a Friday in a leap
// year (p(y) is the weekday of December 31, 0 = Sunday), else 52.
std::int64_t iso_weeks_in_year(std::int64_t year) {
    auto p = [](std::int64_t y) { return (y + y / 4 - y / 100 + y / 400) % 7; };
    return p(year) == 4 || p(year - 1) == 3 ? 53 : 52;
}

std::optional<std::int64_t> time_part_of(std::uint32_t index, EventFields& ev, TimePart part) {
    const core::Value& v = ev.value(index);
    std::optional<core::FileTimeTicks> ticks;
    if (v.kind() == core::ValueKind::kFileTime) {
        ticks = v.as_filetime();
    } else {
        ticks = core::parse_iso8601(ev.text(index));
    }
    if (!ticks) return std::nullopt;
    const core::CivilTime t = core::civil_from_filetime(*ticks);
    switch (part) {
        case TimePart::kMinute:
            return t.minute;
        case TimePart::kHour:
            return t.hour;
        case TimePart::kDay:
            return t.day;
        case TimePart::kMonth:
            return t.month;
        case TimePart::kYear:
            return t.year;
        case TimePart::kWeek: {
            // ISO 8601 week number, as Python's isocalendar() gives it.
            const core::FileTimeTicks day_ticks = 86'400ULL * core::kTicksPerSecond;
            const std::int64_t days = static_cast<std::int64_t>(*ticks / day_ticks);
            const int weekday = static_cast<int>((days + 0) % 7);  // 1601-01-01 was a Monday
            core::CivilTime jan1{t.year, 1, 1, 0, 0, 0, 0};
            const auto jan1_ticks = core::filetime_from_civil(jan1);
            if (!jan1_ticks) return std::nullopt;
            const std::int64_t ordinal = days - static_cast<std::int64_t>(*jan1_ticks / day_ticks);
            const std::int64_t week = (ordinal - weekday + 10) / 7;  // both 0-based here
            // Early January days may belong to the previous year's last week, which is week 53
            // in long years (2021-01-03 is in week 53 of 2020, as isocalendar() and strftime
            // %V say); late December days may belong to week 1 of the next year.
            if (week < 1) return iso_weeks_in_year(t.year - 1);
            if (week > iso_weeks_in_year(t.year)) return 1;
            return week;
        }
    }
    return std::nullopt;
}

bool ip_bytes(std::string_view text, bool v6, std::array<std::uint8_t, 16>& out) {
    char buffer[64];
    if (text.size() >= sizeof(buffer)) return false;
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    if (v6) {
        // Zone ids ("fe80::1%12") are not part of the address.
        if (char* zone = std::strchr(buffer, '%')) *zone = '\0';
        return inet_pton(AF_INET6, buffer, out.data()) == 1;
    }
    return inet_pton(AF_INET, buffer, out.data()) == 1;
}

}  // namespace

bool CidrRange::contains(std::string_view ip_text) const noexcept {
    std::array<std::uint8_t, 16> ip{};
    if (!ip_bytes(ip_text, v6, ip)) {
        // An IPv4 address written as IPv4-mapped IPv6 ("::ffff:10.1.2.3") is still IPv4.
        if (v6 || ip_text.substr(0, 7) != "::ffff:") return false;
        if (!ip_bytes(ip_text.substr(7), false, ip)) return false;
    }
    unsigned bits = prefix;
    for (std::size_t i = 0; bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
        const std::uint8_t mask = bits >= 8 ? 0xFF : static_cast<std::uint8_t>(0xFF << (8 - bits));
        if ((ip[i] & mask) != (address[i] & mask)) return false;
    }
    return true;
}

core::Result<CidrRange> parse_cidr(std::string_view text) {
    CidrRange r;
    const std::size_t slash = text.find('/');
    const std::string_view ip = text.substr(0, slash);
    r.v6 = ip.find(':') != std::string_view::npos;
    if (!ip_bytes(ip, r.v6, r.address)) {
        return core::fail(core::ErrorCode::kParse,
                          "cidr: '" + std::string(text) + "' is not an IPv4 or IPv6 network");
    }
    const unsigned max = r.v6 ? 128 : 32;
    r.prefix = max;
    if (slash != std::string_view::npos) {
        const std::string_view bits = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), r.prefix);
        if (ec != std::errc() || end != bits.data() + bits.size() || r.prefix > max) {
            return core::fail(core::ErrorCode::kParse,
                              "cidr: bad prefix length in '" + std::string(text) + "'");
        }
    }
    // Like pySigma (Python's strict ip_network), a network with host bits set, such as
    // 192.168.1.1/24, is refused: it is a typo for an address or for a network, and every other
    // Sigma tool rejects the rule.
    for (unsigned bit = r.prefix; bit < max; ++bit) {
        if ((r.address[bit / 8] >> (7 - bit % 8)) & 1) {
            return core::fail(core::ErrorCode::kParse,
                              "cidr: '" + std::string(text) + "' has host bits set");
        }
    }
    return r;
}

std::uint32_t regex_min_bytes(std::string_view p) {
    std::size_t i = 0;
    if (i < p.size() && p[i] == '^') ++i;
    // One character: '.', an escape of one letter (\w, \s, \d, \., ...), a class [..], each
    // possibly in a group of its own.
    auto atom = [&](std::size_t& at) {
        if (at >= p.size()) return false;
        if (p[at] == '.') {
            ++at;
            return true;
        }
        if (p[at] == '\\') {
            if (at + 1 >= p.size()) return false;
            const char c = p[at + 1];
            // \Q, \p{..}, \x{..}, \b, \A, \z are not one plain character
            if (c == 'Q' || c == 'p' || c == 'P' || c == 'x' || c == 'b' || c == 'B' || c == 'A' ||
                c == 'z' || c == 'C' || (c >= '0' && c <= '9'))
                return false;
            at += 2;
            return true;
        }
        if (p[at] == '[') {
            std::size_t j = at + 1;
            if (j < p.size() && p[j] == '^') ++j;
            if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is literal
            for (; j < p.size() && p[j] != ']'; ++j) {
                if (p[j] == '[') return false;  // [:alpha:] and the like: not worth reading
                if (p[j] == '\\') ++j;
            }
            if (j >= p.size()) return false;
            at = j + 1;
            return true;
        }
        return false;
    };
    std::size_t j = i;
    bool ok = false;
    if (j < p.size() && p[j] == '(') {
        std::size_t k = j + 1;
        if (p.substr(k, 2) == "?:") k += 2;
        ok = atom(k) && k < p.size() && p[k] == ')';
        j = k + 1;
    } else {
        ok = atom(j);
    }
    if (!ok || j >= p.size() || p[j] != '{') return 0;
    std::uint64_t n = 0;
    std::size_t k = j + 1;
    const std::size_t digits = k;
    while (k < p.size() && p[k] >= '0' && p[k] <= '9' && n < 100000) n = n * 10 + (p[k++] - '0');
    if (k == digits || k >= p.size()) return 0;
    if (p[k] == ',') {
        ++k;
        while (k < p.size() && p[k] >= '0' && p[k] <= '9') ++k;
    }
    if (k >= p.size() || p[k] != '}') return 0;
    ++k;
    if (k < p.size() && p[k] == '$') ++k;
    // Every character is at least one byte, whatever the flags.
    return k == p.size() ? static_cast<std::uint32_t>(n) : 0;
}

bool regex_is_dot_run(std::string_view p) {
    for (const std::string_view head : {".{", "(.){", "(?:.){"}) {
        if (!p.starts_with(head) || !p.ends_with(",}")) continue;
        const std::string_view digits = p.substr(head.size(), p.size() - head.size() - 2);
        if (digits.empty() || digits.size() > 5 || digits == "0") continue;
        if (digits.find_first_not_of("0123456789") == std::string_view::npos) return true;
    }
    return false;
}

bool has_character_run(std::string_view text, std::uint32_t n, bool dot_all) {
    std::uint32_t run = 0;
    for (const char c : text) {
        if (c == '\n' && !dot_all) {
            run = 0;
            continue;
        }
        // UTF-8 continuation bytes belong to the character before.
        if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
        if (++run >= n) return true;
    }
    return false;
}

core::Result<std::shared_ptr<const re2::RE2>> compile_regex(const std::string& pattern,
                                                            bool ignore_case, bool multi_line,
                                                            bool dot_all) {
    std::string flags;
    if (ignore_case) flags += 'i';
    if (multi_line) flags += 'm';
    if (dot_all) flags += 's';
    const std::string full = flags.empty() ? pattern : "(?" + flags + ")" + pattern;
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(8 << 20);
    auto re = std::make_shared<const re2::RE2>(full, options);
    if (!re->ok()) {
        return core::fail(
            core::ErrorCode::kUnsupported,
            "regular expression not accepted by RE2 (linear-time engine): " + re->error());
    }
    return std::shared_ptr<const re2::RE2>(std::move(re));
}

bool Predicate::compare(double n) const {
    switch (op) {
        case CompareOp::kLt:
            return n < threshold;
        case CompareOp::kLte:
            return n <= threshold;
        case CompareOp::kGt:
            return n > threshold;
        case CompareOp::kGte:
            return n >= threshold;
    }
    return false;
}

bool Predicate::test_one(std::uint32_t index, EventFields& ev) const {
    switch (kind) {
        case Kind::kString:
            return string.matches(string.cased() ? ev.text(index) : ev.folded(index));
        case Kind::kNumber: {
            if (auto i = ev.value(index).to_int()) return *i == number;
            return false;
        }
        case Kind::kRegex: {
            const std::string_view text = ev.text(index);
            if (text.size() < regex_min_bytes) return false;
            if (regex_is_run) return has_character_run(text, regex_min_bytes, regex_dot_all);
            return re2::RE2::PartialMatch(text, *regex);
        }
        case Kind::kCidr:
            return cidr.contains(ev.text(index));
        case Kind::kCompare: {
            const auto n = number_of(index, ev);
            return n && compare(*n);
        }
        case Kind::kTimePart: {
            const auto p = time_part_of(index, ev, part);
            if (!p) return false;
            return time_compare ? compare(static_cast<double>(*p)) : *p == number;
        }
        case Kind::kNull:
        case Kind::kExists:
        case Kind::kFieldRef:
            return false;  // handled in evaluate()
    }
    return false;
}

bool Predicate::evaluate(FieldId field, EventFields& ev) const {
    const std::uint32_t first =
        field == FieldNames::kUnknown ? EventFields::kNone : ev.first(field);
    switch (kind) {
        case Kind::kNull:
            for (std::uint32_t i = first; i != EventFields::kNone; i = ev.next(i)) {
                if (!ev.value(i).is_null()) return false;
            }
            return true;
        case Kind::kExists:
            return (first != EventFields::kNone) == exists;
        case Kind::kFieldRef: {
            const std::uint32_t ref = ev.first(other);
            if (ref == EventFields::kNone) return false;
            const std::string_view want = ref_cased ? ev.text(ref) : ev.folded(ref);
            const std::string wanted(want);  // the cache may grow while reading other fields
            for (std::uint32_t i = first; i != EventFields::kNone; i = ev.next(i)) {
                const std::string_view t = ref_cased ? ev.text(i) : ev.folded(i);
                bool ok = false;
                switch (ref_mode) {
                    case StringMatcher::Mode::kPrefix:
                        ok = t.substr(0, wanted.size()) == wanted;
                        break;
                    case StringMatcher::Mode::kSuffix:
                        ok = t.size() >= wanted.size() &&
                             t.substr(t.size() - wanted.size()) == wanted;
                        break;
                    case StringMatcher::Mode::kContains:
                        ok = t.find(wanted) != std::string_view::npos;
                        break;
                    default:
                        ok = t == wanted;
                }
                if (ok) return true;
            }
            return false;
        }
        default:
            if (first == EventFields::kNone) return false;
            // The prefilter saw every occurrence of the field: no literal, no match.
            if (literal != 0xFFFFFFFFu && !ev.literal_seen(literal)) return false;
            if (regex_slot != 0xFFFFFFFFu && !ev.regex_possible(regex_slot)) return false;
            for (std::uint32_t i = first; i != EventFields::kNone; i = ev.next(i)) {
                if (test_one(i, ev)) return true;
            }
            return false;
    }
}

bool Predicate::evaluate_any_field(EventFields& ev) const {
    if (literal != 0xFFFFFFFFu && !ev.literal_seen(literal)) return false;
    for (std::uint32_t i = 0; i < ev.count(); ++i) {
        if (test_one(i, ev)) return true;
    }
    return false;
}

}  // namespace vigie::sigma
