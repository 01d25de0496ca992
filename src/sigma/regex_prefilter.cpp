#include "sigma/regex_prefilter.hpp"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>

namespace vigie::sigma {

struct RegexPrefilter::FieldFilter {
    FieldId field = 0;
    re2::FilteredRE2 filter{2};          // atoms shorter than 2 bytes filter nothing
    std::vector<std::uint32_t> slot_of;  // FilteredRE2 id -> slot
    std::vector<int> unfiltered;         // possible whatever the atoms
    std::vector<std::uint32_t> atom_literal;
};

RegexPrefilter::RegexPrefilter() = default;
RegexPrefilter::~RegexPrefilter() = default;
RegexPrefilter::RegexPrefilter(RegexPrefilter&&) noexcept = default;
RegexPrefilter& RegexPrefilter::operator=(RegexPrefilter&&) noexcept = default;

std::uint32_t RegexPrefilter::add(FieldId field, const std::string& pattern) {
    for (const char c : pattern) {
        if (static_cast<unsigned char>(c) >= 0x80) return kNoRegexSlot;
    }
    auto it = std::find_if(filters_.begin(), filters_.end(),
                           [&](const auto& f) { return f->field == field; });
    if (it == filters_.end()) {
        filters_.push_back(std::make_unique<FieldFilter>());
        filters_.back()->field = field;
        it = filters_.end() - 1;
    }
    RE2::Options options;
    options.set_log_errors(false);
    int id = -1;
    if ((*it)->filter.Add(pattern, options, &id) != RE2::NoError) return kNoRegexSlot;
    (*it)->slot_of.push_back(static_cast<std::uint32_t>(slots_));
    return static_cast<std::uint32_t>(slots_++);
}

void RegexPrefilter::compile(LiteralPrefilter& literals) {
    for (auto& f : filters_) {
        std::vector<std::string> atoms;
        f->filter.Compile(&atoms);
        for (const std::string& atom : atoms)
            f->atom_literal.push_back(literals.add(f->field, atom));
        f->filter.AllPotentials({}, &f->unfiltered);
    }
    atom_of_literal_.assign(literals.size(), -1);
    filter_of_literal_.assign(literals.size(), 0);
    for (std::uint32_t i = 0; i < filters_.size(); ++i) {
        const auto& ids = filters_[i]->atom_literal;
        for (std::size_t a = 0; a < ids.size(); ++a) {
            atom_of_literal_[ids[a]] = static_cast<std::int32_t>(a);
            filter_of_literal_[ids[a]] = i;
        }
    }
}

void RegexPrefilter::resolve(EventFields& ev, LiteralScratch& scratch) const {
    scratch.clear_regexes(slots_);
    if (filters_.empty()) return;
    std::vector<std::vector<int>>& atoms = scratch.atoms_by_filter_;
    atoms.resize(filters_.size());
    for (auto& a : atoms) a.clear();
    for (const std::uint32_t literal : scratch.found()) {
        if (literal < atom_of_literal_.size() && atom_of_literal_[literal] >= 0) {
            atoms[filter_of_literal_[literal]].push_back(atom_of_literal_[literal]);
        }
    }
    std::vector<int>& potentials = scratch.potentials_;
    for (std::size_t i = 0; i < filters_.size(); ++i) {
        const FieldFilter& f = *filters_[i];
        if (ev.first(f.field) == EventFields::kNone) continue;  // absent field: nothing matches
        const std::vector<int>* possible = &f.unfiltered;
        if (!atoms[i].empty()) {
            f.filter.AllPotentials(atoms[i], &potentials);
            possible = &potentials;
        }
        for (const int id : *possible)
            scratch.set_regex_possible(f.slot_of[static_cast<std::size_t>(id)]);
    }
}

}  // namespace vigie::sigma
