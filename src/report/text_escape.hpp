// report/text_escape.hpp - log text made safe to show in an HTML page.
//
// Every string that comes from an event log (host, account, command line, rule field) is
// attacker-controlled. The report never places such a string in a page without going through
// one of these functions:
//
//   std::string out;
//   report::append_html(out, detection.computer);         // element text or a quoted attribute
//   report::append_json_string(out, value);               // a JSON string inside <script>
//
// Before escaping, `visible_text` makes the text what a reader should see: invalid UTF-8
// becomes U+FFFD, and characters that hide or reorder text (C0/C1 controls, bidirectional
// overrides and isolates, zero-width characters, byte order marks) become a visible "[U+202E]"
// marker, so that "exe.txt" reversed by an RTL override reads as the bytes it is. Long values
// are cut to a bound with the original length said, so that a 10 kB host name cannot swamp the
// page.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigie::report {

/// UTF-8 made visible (see above); at most `max_chars` code points are kept, then
/// " … (N characters)" is appended (only "…" when `say_length` is false). 0: no bound.
std::string visible_text(std::string_view text, std::size_t max_chars = 0, bool say_length = true);

/// Appends `text` escaped for HTML element content and double- or single-quoted attribute
/// values: & < > " ' become character references. No other change (use visible_text first
/// for log text).
void append_html(std::string& out, std::string_view text);
std::string html(std::string_view text);

/// Appends a JSON string literal (with quotes) that is safe inside an HTML <script> element:
/// besides JSON's own escapes, < > & become \u003c \u003e \u0026 (no "</script>" or "<!--"
/// can appear) and U+2028 / U+2029 become \u2028 / \u2029. Invalid UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view text);

/// Log text for a page: visible_text, then append_html.
void append_log_text(std::string& out, std::string_view text, std::size_t max_chars);

}  // namespace vigie::report
