// sigma/literal_prefilter.hpp - which rule literals occur in an event, all rules at once.
//
// Most predicates are "this text occurs in that field" (exact, prefix, suffix, substring, or a
// wildcard pattern with a fixed part). Every such literal gets an id, and the literals of each
// field are compiled into one multi-pattern automaton (Vectorscan, the portable Hyperscan). For
// an event, each field is scanned once, folded, and the ids found are set in a bit set. Then:
//   - a predicate whose literal was not found is false without looking at the text;
//   - a rule that needs at least one of some literals (RuleSet computes which) is not evaluated
//     at all when none was found.
// So an event meets the few rules that can match it, not the thousand written for its type.
//
// The automata are immutable after compile() and shared by threads; each thread scans with its
// own LiteralScratch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "sigma/event_fields.hpp"

struct hs_database;
struct hs_scratch;

namespace vigie::sigma {

inline constexpr std::uint32_t kNoLiteral = 0xFFFFFFFFu;
/// Joins field texts for the keyword scan (ASCII unit separator: absent from event text).
inline constexpr char kFieldSeparator = '\x1f';

class LiteralScratch;
class AutomatonCache;

class LiteralPrefilter {
  public:
    LiteralPrefilter();
    ~LiteralPrefilter();
    LiteralPrefilter(LiteralPrefilter&&) noexcept;
    LiteralPrefilter& operator=(LiteralPrefilter&&) noexcept;

    /// The id of `literal` (already folded) in `field`; equal literals share an id.
    /// kAnyField: a keyword literal, looked for in every field of the event.
    std::uint32_t add(FieldId field, std::string_view literal);
    static constexpr FieldId kAnyField = FieldNames::kUnknown;
    /// Builds the automata, or loads them from `cache` when it holds the same ones.
    core::Result<void> compile(const AutomatonCache& cache);
    /// Automata that came from the cache in the last compile().
    std::size_t cache_hits() const noexcept { return cache_hits_; }

    std::size_t size() const noexcept { return literals_.size(); }
    std::string_view literal(std::uint32_t id) const { return literals_[id].text; }
    std::size_t literal_length(std::uint32_t id) const { return literals_[id].text.size(); }
    /// Fields with literals, in id order (kAnyField last, if any).
    const std::vector<FieldId>& fields() const noexcept { return field_ids_; }

    /// Scans every occurrence of every prefiltered field of the event (and, with
    /// `keywords`, every field for keyword literals); the results go to `scratch` (cleared
    /// first).
    void scan(EventFields& ev, LiteralScratch& scratch, bool keywords) const;

  private:
    friend class LiteralScratch;
    struct Literal {
        FieldId field;
        std::string text;
    };
    struct FieldDatabase;

    std::vector<Literal> literals_;
    std::unordered_map<std::string, std::uint32_t> ids_;  // field id + '\0' + literal
    std::vector<FieldId> field_ids_;
    std::vector<std::unique_ptr<FieldDatabase>> databases_;  // parallel to field_ids_
    std::size_t cache_hits_ = 0;
};

/// Per-thread scan state and result.
class LiteralScratch {
  public:
    LiteralScratch() = default;
    ~LiteralScratch();
    LiteralScratch(const LiteralScratch&) = delete;
    LiteralScratch& operator=(const LiteralScratch&) = delete;

    bool seen(std::uint32_t id) const noexcept { return (bits_[id >> 6] >> (id & 63)) & 1u; }
    /// Whether keyword literals were looked for in this event (else they count as seen).
    bool keywords_scanned() const noexcept { return keywords_scanned_; }
    /// Whether the regular expression in this slot may match (regex_prefilter.hpp).
    bool regex_possible(std::uint32_t slot) const noexcept {
        return (regex_bits_[slot >> 6] >> (slot & 63)) & 1u;
    }
    void clear_regexes(std::size_t slots) {
        for (const std::uint32_t s : regexes_set_) regex_bits_[s >> 6] = 0;
        regexes_set_.clear();
        if (regex_bits_.size() != (slots + 63) / 64) regex_bits_.assign((slots + 63) / 64, 0);
    }
    void set_regex_possible(std::uint32_t slot) {
        regex_bits_[slot >> 6] |= std::uint64_t{1} << (slot & 63);
        regexes_set_.push_back(slot);
    }
    const std::vector<std::uint32_t>& found() const noexcept { return found_; }

  private:
    friend class LiteralPrefilter;
    friend class RegexPrefilter;
    void prepare(const LiteralPrefilter& prefilter);
    void clear();

    const LiteralPrefilter* owner_ = nullptr;
    hs_scratch* hs_ = nullptr;
    std::vector<std::uint64_t> bits_;
    std::vector<std::uint32_t> found_;
    std::string joined_;  // every field's text, for the keyword scan
    bool keywords_scanned_ = false;
    std::vector<std::uint64_t> regex_bits_;
    std::vector<std::uint32_t> regexes_set_;
    std::vector<std::vector<int>> atoms_by_filter_;
    std::vector<int> potentials_;
};

}  // namespace vigie::sigma
