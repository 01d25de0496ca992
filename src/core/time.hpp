// core/time.hpp - timestamps as Windows FILETIME ticks (100 ns since 1601-01-01 UTC).
//
// One representation for every source keeps ordering and comparison trivial; FILETIME is what
// EVTX stores, and its range and resolution cover every other input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::core {

using FileTimeTicks = std::uint64_t;

constexpr std::uint64_t kTicksPerSecond = 10'000'000;
/// Seconds between 1601-01-01 and 1970-01-01.
constexpr std::uint64_t kFileTimeUnixEpochSeconds = 11'644'473'600ULL;

struct CivilTime {
    std::int64_t year;
    unsigned month, day, hour, minute, second;
    std::uint32_t nanosecond;
};

CivilTime civil_from_filetime(FileTimeTicks ticks) noexcept;

/// Ticks for a calendar time; nullopt when a field is out of range or before 1601.
std::optional<FileTimeTicks> filetime_from_civil(const CivilTime& t) noexcept;

/// "2019-07-19T14:42:51.446280Z": microsecond precision, truncated (as the Rust evtx crate).
void append_iso8601_micros(std::string& out, FileTimeTicks ticks);
std::string format_iso8601_micros(FileTimeTicks ticks);

/// Parses "YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|+hh:mm]" (also a bare date); nullopt if malformed.
std::optional<FileTimeTicks> parse_iso8601(std::string_view text) noexcept;

}  // namespace vigie::core
