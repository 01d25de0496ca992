// sigma/predicate.hpp - one test of one field value, as rule values and modifiers compile to.
//
//   field|contains|all: [a, b]   ->  item(field, all) { String(*a*), String(*b*) }
//   field|re: '...'              ->  Regex            field|cidr: 10.0.0.0/8 -> Cidr
//   field|gt: 5                  ->  Compare          field: null           -> Null
//   field|exists: true           ->  Exists           field|fieldref: other -> FieldRef
//   field|hour: 3                ->  TimePart         field: 4688           -> Number
//   field|hour|gte: 8            ->  TimePart (compared with op and threshold)
//
// A predicate is evaluated over every occurrence of its field in the event and holds if one
// occurrence satisfies it (Null and Exists look at presence instead). Regular expressions use
// RE2: linear time whatever the pattern and the input.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sigma/event_fields.hpp"
#include "sigma/string_matcher.hpp"

namespace re2 {
class RE2;
}

namespace vigie::sigma {

enum class CompareOp : unsigned char { kLt, kLte, kGt, kGte };
enum class TimePart : unsigned char { kMinute, kHour, kDay, kWeek, kMonth, kYear };

struct CidrRange {
    bool v6 = false;
    std::array<std::uint8_t, 16> address{};
    unsigned prefix = 0;
    bool contains(std::string_view ip_text) const noexcept;
};
/// Parses "a.b.c.d/n" or an IPv6 "x::y/n" (a bare address is a /32 or /128).
core::Result<CidrRange> parse_cidr(std::string_view text);

struct Predicate {
    enum class Kind : unsigned char {
        kString,
        kNumber,
        kRegex,
        kCidr,
        kCompare,
        kNull,
        kExists,
        kFieldRef,
        kTimePart
    };
    Kind kind = Kind::kString;
    StringMatcher string;                                        ///< kString
    StringMatcher::Mode ref_mode = StringMatcher::Mode::kExact;  ///< kFieldRef
    bool ref_cased = false;                                      ///< kFieldRef
    std::int64_t number = 0;                                     ///< kNumber, kTimePart
    double threshold = 0;                                        ///< kCompare
    CompareOp op = CompareOp::kLt;                               ///< kCompare
    TimePart part = TimePart::kHour;                             ///< kTimePart
    bool time_compare = false;                                   ///< kTimePart: op, threshold
    bool exists = true;                                          ///< kExists
    FieldId other = 0;                                           ///< kFieldRef
    CidrRange cidr;                                              ///< kCidr
    std::shared_ptr<const re2::RE2> regex;                       ///< kRegex (shared by rule copies)
    /// kString: id of its literal in the RuleSet's prefilter (0xFFFFFFFF: none).
    std::uint32_t literal = 0xFFFFFFFFu;
    /// kRegex: its slot in the RuleSet's regex prefilter (0xFFFFFFFF: always run).
    std::uint32_t regex_slot = 0xFFFFFFFFu;
    /// kRegex: bytes a text needs for the expression to match (regex_min_bytes).
    std::uint32_t regex_min_bytes = 0;
    /// kRegex: the expression is only `.{n,}` (n = regex_min_bytes): it matches a text with n
    /// characters in a row other than a line feed (any character with the `s` flag), which is
    /// counted directly. RE2 runs such an expression on its NFA, a thousand states wide.
    bool regex_is_run = false;
    bool regex_dot_all = false;

    /// Evaluates the predicate for field `field` (FieldNames::kUnknown: absent) of `ev`.
    bool evaluate(FieldId field, EventFields& ev) const;
    /// Keyword search: the predicate holds for some field of the event, whatever its name.
    bool evaluate_any_field(EventFields& ev) const;

  private:
    bool test_one(std::uint32_t index, EventFields& ev) const;
    bool compare(double n) const;  ///< `n op threshold`
};

/// A lower bound on the bytes of any text `pattern` matches in, 0 when unknown. Known for one
/// character or class repeated at least n times, the whole expression (`.{1000,}`, `(.){200,}`,
/// `[^/]{100,}$`): such counted repetitions are what RE2 runs slowest (its DFA outgrows its
/// memory and it falls back to the NFA), and the texts they look for are rare.
std::uint32_t regex_min_bytes(std::string_view pattern);
/// Whether `pattern` is exactly `.{n,}`, `(.){n,}` or `(?:.){n,}` (no anchor), n > 0.
bool regex_is_dot_run(std::string_view pattern);
/// Whether `text` (UTF-8) holds `n` characters in a row other than '\n' (any, with `dot_all`).
bool has_character_run(std::string_view text, std::uint32_t n, bool dot_all);

/// Compiles a regular expression with Sigma's flags; errors say what RE2 could not accept.
core::Result<std::shared_ptr<const re2::RE2>> compile_regex(const std::string& pattern,
                                                            bool ignore_case, bool multi_line,
                                                            bool dot_all);

}  // namespace vigie::sigma
