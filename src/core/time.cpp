#include "core/time.hpp"

#include <charconv>

namespace vigie::core {
namespace {

// Days from 1970-01-01 to a civil date and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

void put_digits(char* out, std::uint64_t value, int width) noexcept {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

CivilTime civil_from_filetime(FileTimeTicks ticks) noexcept {
    const std::uint64_t seconds_since_1601 = ticks / kTicksPerSecond;
    const auto unix_seconds = static_cast<std::int64_t>(seconds_since_1601) -
                              static_cast<std::int64_t>(kFileTimeUnixEpochSeconds);
    std::int64_t days = unix_seconds / 86400;
    std::int64_t rem = unix_seconds % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    CivilTime t{};
    civil_from_days(days, t.year, t.month, t.day);
    t.hour = static_cast<unsigned>(rem / 3600);
    t.minute = static_cast<unsigned>(rem / 60 % 60);
    t.second = static_cast<unsigned>(rem % 60);
    t.nanosecond = static_cast<std::uint32_t>(ticks % kTicksPerSecond) * 100;
    return t;
}

std::optional<FileTimeTicks> filetime_from_civil(const CivilTime& t) noexcept {
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 ||
        t.second > 60 || t.nanosecond >= 1'000'000'000 || t.year < 1601 || t.year > 30827) {
        return std::nullopt;
    }
    const std::int64_t days = days_from_civil(t.year, t.month, t.day);
    const std::int64_t unix_seconds = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
    const std::int64_t since_1601 =
        unix_seconds + static_cast<std::int64_t>(kFileTimeUnixEpochSeconds);
    if (since_1601 < 0) return std::nullopt;
    return static_cast<FileTimeTicks>(since_1601) * kTicksPerSecond + t.nanosecond / 100;
}

void append_iso8601_micros(std::string& out, FileTimeTicks ticks) {
    const CivilTime t = civil_from_filetime(ticks);
    char buf[32] = "0000-00-00T00:00:00.000000Z";
    put_digits(buf, static_cast<std::uint64_t>(t.year), 4);
    put_digits(buf + 5, t.month, 2);
    put_digits(buf + 8, t.day, 2);
    put_digits(buf + 11, t.hour, 2);
    put_digits(buf + 14, t.minute, 2);
    put_digits(buf + 17, t.second, 2);
    put_digits(buf + 20, t.nanosecond / 1000, 6);
    out.append(buf, 27);
}

std::string format_iso8601_micros(FileTimeTicks ticks) {
    std::string s;
    append_iso8601_micros(s, ticks);
    return s;
}

std::optional<FileTimeTicks> parse_iso8601(std::string_view s) noexcept {
    auto number = [&](std::size_t pos, std::size_t len, unsigned& out) {
        if (pos + len > s.size()) return false;
        auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
        return r.ec == std::errc() && r.ptr == s.data() + pos + len;
    };
    unsigned year = 0;
    CivilTime t{};
    if (!number(0, 4, year) || s.size() < 10 || s[4] != '-' || s[7] != '-' ||
        !number(5, 2, t.month) || !number(8, 2, t.day)) {
        return std::nullopt;
    }
    t.year = year;
    std::size_t pos = 10;
    std::int64_t offset_seconds = 0;
    if (pos < s.size()) {
        if ((s[pos] != 'T' && s[pos] != ' ') || !number(pos + 1, 2, t.hour) || s.size() < pos + 9 ||
            s[pos + 3] != ':' || !number(pos + 4, 2, t.minute) || s[pos + 6] != ':' ||
            !number(pos + 7, 2, t.second)) {
            return std::nullopt;
        }
        pos += 9;
        if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
            ++pos;
            std::uint32_t scale = 100'000'000;
            std::size_t digits = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                t.nanosecond += static_cast<std::uint32_t>(s[pos] - '0') * scale;
                scale /= 10;
                ++pos;
                ++digits;
            }
            if (digits == 0) return std::nullopt;
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' || s[pos] == 'z') {
                ++pos;
            } else if (s[pos] == '+' || s[pos] == '-') {
                unsigned oh = 0, om = 0;
                if (!number(pos + 1, 2, oh)) return std::nullopt;
                std::size_t next = pos + 3;
                if (next < s.size() && s[next] == ':') ++next;
                if (next < s.size() && !number(next, 2, om)) return std::nullopt;
                if (next < s.size()) next += 2;
                offset_seconds =
                    (s[pos] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
                pos = next;
            }
        }
        if (pos != s.size()) return std::nullopt;
    }
    auto ticks = filetime_from_civil(t);
    if (!ticks) return std::nullopt;
    const std::int64_t adjusted = static_cast<std::int64_t>(*ticks) -
                                  offset_seconds * static_cast<std::int64_t>(kTicksPerSecond);
    if (adjusted < 0) return std::nullopt;
    return static_cast<FileTimeTicks>(adjusted);
}

}  // namespace vigie::core
