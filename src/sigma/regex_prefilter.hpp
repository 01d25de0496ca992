// sigma/regex_prefilter.hpp - which regular expressions could match an event, without running them.
//
// RE2's FilteredRE2 reduces each regular expression to the literal "atoms" any match must
// contain (an AND/OR tree of them). The atoms join the field's literal automaton
// (literal_prefilter.hpp); after an event's scan, the atoms found tell FilteredRE2 which
// expressions remain possible. The others are false without running: most events never run a
// regular expression. Expressions with non-ASCII text are left unfiltered (RE2 and vigie fold
// case with different tables beyond ASCII), as are those whose atoms are too short.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "sigma/event_fields.hpp"
#include "sigma/literal_prefilter.hpp"

namespace re2 {
class FilteredRE2;
}

namespace vigie::sigma {

inline constexpr std::uint32_t kNoRegexSlot = 0xFFFFFFFFu;

class RegexPrefilter {
  public:
    RegexPrefilter();
    ~RegexPrefilter();
    RegexPrefilter(RegexPrefilter&&) noexcept;
    RegexPrefilter& operator=(RegexPrefilter&&) noexcept;

    /// Registers a predicate's expression on `field` (pattern with its flags already inline);
    /// returns its slot, or kNoRegexSlot when it is not filtered (always possible).
    std::uint32_t add(FieldId field, const std::string& pattern);
    /// Compiles the filters and adds their atoms to `literals` (before it is compiled).
    void compile(LiteralPrefilter& literals);

    std::size_t slots() const noexcept { return slots_; }
    /// After `literals` scanned an event into `scratch`: sets the possible slots in `scratch`.
    void resolve(EventFields& ev, LiteralScratch& scratch) const;

  private:
    struct FieldFilter;
    std::vector<std::unique_ptr<FieldFilter>> filters_;
    std::vector<std::int32_t> atom_of_literal_;  // literal id -> atom index in its field, or -1
    std::vector<std::uint32_t> filter_of_literal_;
    std::size_t slots_ = 0;
};

}  // namespace vigie::sigma
