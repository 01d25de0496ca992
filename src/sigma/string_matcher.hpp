// sigma/string_matcher.hpp - one compiled string comparison of a rule value with field text.
//
// A SigmaString becomes the cheapest test that means the same: equality, prefix, suffix,
// substring, "anything" (a lone `*`), or a general wildcard pattern. Case-insensitive matchers
// hold their literal folded (case_fold.hpp) and are given the folded field text; `cased` ones
// compare the text as is. `?` matches one code point. The general pattern is matched segment by
// segment (segments between `*` found leftmost), so no pattern can cost more than
// O(text x pattern): wildcards never backtrack exponentially.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sigma/sigma_string.hpp"

namespace vigie::sigma {

class StringMatcher {
  public:
    enum class Mode : unsigned char { kExact, kPrefix, kSuffix, kContains, kAny, kGlob };

    /// `value` must have no placeholders.
    static StringMatcher compile(const SigmaString& value, bool cased);

    Mode mode() const noexcept { return mode_; }
    bool cased() const noexcept { return cased_; }
    /// The literal every match contains (exact/prefix/suffix/contains), folded unless cased.
    /// For glob patterns: the longest text part. Used to pre-filter many rules at once.
    std::string_view required_literal() const noexcept { return literal_; }

    /// `text` is the field's text: folded for case-insensitive matchers, raw for cased ones.
    bool matches(std::string_view text) const noexcept;

  private:
    struct Token {
        enum class Kind : unsigned char { kText, kAnyChar } kind;
        std::string text;
    };
    using Segment = std::vector<Token>;

    static std::size_t match_segment_at(const Segment& seg, std::string_view text,
                                        std::size_t pos) noexcept;
    bool glob_matches(std::string_view text) const noexcept;

    Mode mode_ = Mode::kExact;
    bool cased_ = false;
    std::string literal_;
    // kGlob: segments between `*`; anchored at the start unless the pattern starts with `*`,
    // at the end unless it ends with one.
    std::vector<Segment> segments_;
    bool anchored_start_ = true;
    bool anchored_end_ = true;
};

}  // namespace vigie::sigma
