#include "sigma/event_fields.hpp"

#include "sigma/case_fold.hpp"
#include "sigma/literal_prefilter.hpp"

namespace vigie::sigma {
namespace {

// The lookup key of a field name: ASCII lower case, spaces dropped.
void name_key(std::string_view s, std::string& out) {
    out.clear();
    for (const char c : s) {
        if (c == ' ') continue;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
}

bool has_upper_or_high(std::string_view s) {
    for (const char c : s) {
        if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80) return true;
    }
    return false;
}

}  // namespace

FieldId FieldNames::intern(std::string_view name) {
    std::string key;
    name_key(name, key);
    auto [it, inserted] = ids_.try_emplace(std::move(key), static_cast<FieldId>(names_.size()));
    if (inserted) names_.emplace_back(name);
    return it->second;
}

FieldId FieldNames::find(std::string_view name) const {
    // The buffer is reused so that lookups do not allocate.
    thread_local std::string key;
    name_key(name, key);
    auto it = ids_.find(key);
    return it == ids_.end() ? kUnknown : it->second;
}

FieldId EventFields::find(std::string_view name, const FieldNames& names) {
    constexpr std::size_t kSlots = 512;
    if (cached_names_ != &names || cached_names_size_ != names.size() || name_cache_.empty()) {
        name_cache_.assign(kSlots, CachedName{});
        cached_names_ = &names;
        cached_names_size_ = names.size();
    }
    const auto address = reinterpret_cast<std::uintptr_t>(name.data());
    CachedName& c = name_cache_[((address >> 3) ^ (address >> 12) ^ name.size()) & (kSlots - 1)];
    if (c.data == name.data() && c.data != nullptr && std::string_view(c.copy) == name) return c.id;
    c.id = names.find(name);
    c.data = name.data();
    c.copy.assign(name);
    return c.id;
}

void EventFields::reset(const core::Event& event, const FieldNames& names) {
    event_ = &event;
    for (const FieldId id : touched_) head_[id] = kNone;
    touched_.clear();
    if (head_.size() < names.size()) head_.resize(names.size(), kNone);
    const auto fields = event.fields();
    const std::size_t n = fields.size();
    next_.assign(n, kNone);
    state_.assign(n, 0);
    if (text_.size() < n) {
        text_.resize(n);
        folded_.resize(n);
        view_.resize(n);
    }
    // Walk backwards so that each chain lists occurrences in event order.
    for (std::size_t i = n; i-- > 0;) {
        const FieldId id = find(fields[i].name, names);
        if (id == FieldNames::kUnknown) continue;
        if (head_[id] == kNone) touched_.push_back(id);
        next_[i] = head_[id];
        head_[id] = static_cast<std::uint32_t>(i);
    }
}

std::string_view EventFields::text(std::uint32_t index) {
    if ((state_[index] & 1) == 0) {
        const core::Value& v = value(index);
        if (v.kind() == core::ValueKind::kUtf8) {
            view_[index] = v.utf8_view();
        } else {
            text_[index].clear();
            v.append_text(text_[index]);
            view_[index] = text_[index];
        }
        state_[index] |= 1;
    }
    return view_[index];
}

std::string_view EventFields::folded(std::uint32_t index) {
    if ((state_[index] & 2) == 0) {
        const std::string_view raw = text(index);
        if (!has_upper_or_high(raw)) {
            state_[index] |= 2 | 4;  // already folded: reuse the text itself
        } else {
            folded_[index].clear();
            append_folded(raw, folded_[index]);
            state_[index] |= 2;
        }
    }
    return (state_[index] & 4) != 0 ? view_[index] : std::string_view(folded_[index]);
}

}  // namespace vigie::sigma

namespace vigie::sigma {

bool EventFields::literal_seen(std::uint32_t id) const noexcept {
    return literals_ == nullptr || literals_->seen(id);
}

bool EventFields::regex_possible(std::uint32_t slot) const noexcept {
    return literals_ == nullptr || literals_->regex_possible(slot);
}

}  // namespace vigie::sigma
