// report/paris_time.hpp - times as a French incident report gives them: UTC and Europe/Paris.
//
// The page states every time in UTC and in Paris time (what the hospital's staff and clocks
// use). GCC 12's standard library has no time zone database, so the EU rule is written out:
// summer time (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of October
// 01:00 UTC, UTC+1 otherwise (the rule in force since 1996; earlier times use it too).
#pragma once

#include <string>

#include "core/time.hpp"

namespace vigie::report {

/// Seconds to add to UTC for Europe/Paris at `t`: 3600 or 7200.
int paris_offset_seconds(core::FileTimeTicks t);

/// "2019-11-15 02:13:09" in UTC, or "-" for 0.
std::string utc_text(core::FileTimeTicks t);
/// "2019-11-15 03:13:09" in Paris time, or "-" for 0.
std::string paris_text(core::FileTimeTicks t);
/// "2019-11-15 02:13 UTC (03:13 Paris)": both, for a cell; "-" for 0.
std::string both_zones_text(core::FileTimeTicks t);

}  // namespace vigie::report
