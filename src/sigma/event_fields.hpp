// sigma/event_fields.hpp - what the matcher sees of one event: its fields by rule field id.
//
// Rules name fields by string; a RuleSet interns every name it uses once (FieldNames), and for
// each event EventFields maps those ids to the event's field positions (a field may occur
// several times: unnamed `Data`). Field text is decoded (UTF-16 -> UTF-8) and folded at most
// once per event and field, and only if some rule looks at it. Field names are compared
// without regard to ASCII case or spaces: Sigma rules write Defender's "Threat Name" as
// `ThreatName`, as the SIEM mappings of the Sigma tool chain do.
//
// Not thread-safe: one EventFields per worker thread, reused from event to event.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.hpp"

namespace vigie::sigma {

using FieldId = std::uint32_t;

class FieldNames {
  public:
    FieldId intern(std::string_view name);
    /// The id of `name`, or kUnknown when no rule uses it.
    FieldId find(std::string_view name) const;
    std::size_t size() const noexcept { return names_.size(); }
    const std::string& name(FieldId id) const { return names_[id]; }

    static constexpr FieldId kUnknown = 0xFFFFFFFFu;

  private:
    std::unordered_map<std::string, FieldId> ids_;  // keyed by lower case, no spaces
    std::vector<std::string> names_;
};

class LiteralScratch;

class EventFields {
  public:
    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

    void reset(const core::Event& event, const FieldNames& names);

    const core::Event& event() const noexcept { return *event_; }
    /// Index of the first field with this id, then next(index) for further occurrences.
    std::uint32_t first(FieldId id) const noexcept { return id < head_.size() ? head_[id] : kNone; }
    std::uint32_t next(std::uint32_t index) const noexcept { return next_[index]; }
    std::size_t count() const noexcept { return next_.size(); }

    const core::Value& value(std::uint32_t index) const noexcept {
        return event_->fields()[index].value;
    }
    /// The field's text as UTF-8 (numbers in decimal, see core::Value::append_text).
    std::string_view text(std::uint32_t index);
    /// The text folded for case-insensitive comparison.
    std::string_view folded(std::uint32_t index);

    /// Literal prefilter results for this event (see literal_prefilter.hpp); without them every
    /// literal counts as possibly present.
    void set_literals(const LiteralScratch* literals) noexcept { literals_ = literals; }
    bool literal_seen(std::uint32_t id) const noexcept;
    bool regex_possible(std::uint32_t slot) const noexcept;

  private:
    FieldId find(std::string_view name, const FieldNames& names);

    const core::Event* event_ = nullptr;
    // Names of one reader repeat from event to event, usually at the same address (interned per
    // chunk): a small cache by address, checked against a copy of the name (an address may hold
    // another name later), saves most lookups in FieldNames.
    struct CachedName {
        const char* data = nullptr;
        std::string copy;
        FieldId id = FieldNames::kUnknown;
    };
    std::vector<CachedName> name_cache_;
    const FieldNames* cached_names_ = nullptr;
    std::size_t cached_names_size_ = 0;
    std::vector<std::uint32_t> head_;
    std::vector<std::uint32_t> next_;
    std::vector<FieldId> touched_;
    std::vector<std::string> text_;
    std::vector<std::string> folded_;
    std::vector<std::uint8_t>
        state_;  // bit 0: text_ ready, bit 1: folded_ ready, bit 2: text is view
    std::vector<std::string_view> view_;
    const LiteralScratch* literals_ = nullptr;
};

}  // namespace vigie::sigma
