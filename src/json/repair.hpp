// json/repair.hpp - making a nearly-JSON object parseable, so that evidence is not dropped for
// an exporter's formatting slip.
//
// When simdjson rejects an object, the reader rewrites it with repair_object() and parses it
// once more (the object still counts as read, and the repair is reported):
//   - a number that does not fit 64 bits or a double (or is malformed: `01`, `1.`), and the
//     bare NaN / Infinity / -Infinity that Python's json module writes, become strings with the
//     same characters, so the text is kept exactly;
//   - bytes that are not UTF-8 (ANSI text from old exporters) become U+FFFD;
//   - raw control characters inside strings become \u00XX escapes.
// Anything else (a missing comma, an unbalanced bracket) is left as it is: still malformed.
#pragma once

#include <string>
#include <string_view>

namespace vigie::json {

struct Repairs {
    bool numbers = false;   ///< numbers (or NaN / Infinity) turned into strings
    bool encoding = false;  ///< bytes that were not UTF-8 replaced by U+FFFD
    bool controls = false;  ///< raw control characters escaped
    bool any() const noexcept { return numbers || encoding || controls; }
};

/// Writes `text`, repaired, to `out` (cleared first) and says what was changed.
Repairs repair_object(std::string_view text, std::string& out);

/// "numbers too large for 64 bits quoted, ..." for a report.
std::string describe(const Repairs& repairs);

}  // namespace vigie::json
