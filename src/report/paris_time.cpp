#include "report/paris_time.hpp"

#include <fmt/format.h>

namespace vigie::report {
namespace {

// Day of the week of a civil date, 0 = Sunday (Sakamoto's method).
int weekday(std::int64_t y, unsigned m, unsigned d) {
    static constexpr int kOffsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3) y -= 1;
    return static_cast<int>((y + y / 4 - y / 100 + y / 400 + kOffsets[m - 1] + d) % 7);
}

// 01:00 UTC on the last Sunday of `month` (March or October: 31 days).
core::FileTimeTicks last_sunday_1am(std::int64_t year, unsigned month) {
    const unsigned day = 31 - static_cast<unsigned>(weekday(year, month, 31));
    return core::filetime_from_civil({year, month, day, 1, 0, 0, 0}).value_or(0);
}

std::string civil_text(core::FileTimeTicks t) {
    const core::CivilTime c = core::civil_from_filetime(t);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour,
                       c.minute, c.second);
}

}  // namespace

int paris_offset_seconds(core::FileTimeTicks t) {
    const std::int64_t year = core::civil_from_filetime(t).year;
    const bool summer = t >= last_sunday_1am(year, 3) && t < last_sunday_1am(year, 10);
    return summer ? 7200 : 3600;
}

std::string utc_text(core::FileTimeTicks t) {
    return t == 0 ? "-" : civil_text(t);
}

std::string paris_text(core::FileTimeTicks t) {
    if (t == 0) return "-";
    return civil_text(t + static_cast<core::FileTimeTicks>(paris_offset_seconds(t)) *
                              core::kTicksPerSecond);
}

std::string both_zones_text(core::FileTimeTicks t) {
    if (t == 0) return "-";
    const std::string utc = utc_text(t);
    const std::string paris = paris_text(t);
    return fmt::format("{} UTC ({} Paris)", utc.substr(0, 16), paris.substr(11, 5));
}

}  // namespace vigie::report
