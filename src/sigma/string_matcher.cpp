#include "sigma/string_matcher.hpp"

#include "sigma/case_fold.hpp"

namespace vigie::sigma {
namespace {

using PartKind = StringPart::Kind;

std::size_t utf8_length_at(std::string_view text, std::size_t pos) noexcept {
    const auto b = static_cast<unsigned char>(text[pos]);
    std::size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return pos + len <= text.size() ? len : 1;
}

}  // namespace

StringMatcher StringMatcher::compile(const SigmaString& value, bool cased) {
    StringMatcher m;
    m.cased_ = cased;
    const auto& parts = value.parts();
    auto text_of = [&](const StringPart& p) { return cased ? p.text : folded(p.text); };

    bool only_runs_and_one_text = true;
    std::size_t texts = 0;
    for (const StringPart& p : parts) {
        if (p.kind == PartKind::kAnyChar) only_runs_and_one_text = false;
        if (p.kind == PartKind::kText) ++texts;
    }
    if (parts.empty()) {
        m.mode_ = Mode::kExact;
        return m;
    }
    if (only_runs_and_one_text && texts <= 1) {
        const bool lead = value.starts_with_any_run();
        const bool trail = value.ends_with_any_run();
        std::size_t runs = 0;
        for (const StringPart& p : parts) runs += p.kind == PartKind::kAnyRun;
        if (texts == 0) {
            m.mode_ = Mode::kAny;
            return m;
        }
        // A single text with at most one `*` on each side.
        if (runs == static_cast<std::size_t>(lead) + static_cast<std::size_t>(trail)) {
            for (const StringPart& p : parts) {
                if (p.kind == PartKind::kText) m.literal_ = text_of(p);
            }
            m.mode_ = lead && trail ? Mode::kContains
                      : lead        ? Mode::kSuffix
                      : trail       ? Mode::kPrefix
                                    : Mode::kExact;
            return m;
        }
    }
    m.mode_ = Mode::kGlob;
    m.anchored_start_ = !value.starts_with_any_run();
    m.anchored_end_ = !value.ends_with_any_run();
    m.segments_.emplace_back();
    for (const StringPart& p : parts) {
        switch (p.kind) {
            case PartKind::kAnyRun:
                if (!m.segments_.back().empty()) m.segments_.emplace_back();
                break;
            case PartKind::kAnyChar:
                m.segments_.back().push_back({Token::Kind::kAnyChar, {}});
                break;
            case PartKind::kText:
            case PartKind::kPlaceholder: {
                std::string t = text_of(p);
                if (t.size() > m.literal_.size()) m.literal_ = t;
                m.segments_.back().push_back({Token::Kind::kText, std::move(t)});
                break;
            }
        }
    }
    if (m.segments_.back().empty()) m.segments_.pop_back();
    return m;
}

std::size_t StringMatcher::match_segment_at(const Segment& seg, std::string_view text,
                                            std::size_t pos) noexcept {
    for (const Token& t : seg) {
        if (t.kind == Token::Kind::kAnyChar) {
            if (pos >= text.size()) return std::string_view::npos;
            pos += utf8_length_at(text, pos);
        } else {
            if (text.size() - pos < t.text.size() ||
                text.compare(pos, t.text.size(), t.text) != 0) {
                return std::string_view::npos;
            }
            pos += t.text.size();
        }
    }
    return pos;
}

bool StringMatcher::glob_matches(std::string_view text) const noexcept {
    constexpr auto npos = std::string_view::npos;
    if (segments_.empty()) return true;  // only `*`s
    std::size_t pos = 0;
    std::size_t first = 0;
    std::size_t last = segments_.size();
    if (anchored_start_) {
        pos = match_segment_at(segments_[0], text, 0);
        if (pos == npos) return false;
        first = 1;
        if (segments_.size() == 1) return !anchored_end_ || pos == text.size();
    }
    if (anchored_end_) --last;
    // Middle segments: leftmost occurrence each (optimal for `*` between them).
    for (std::size_t s = first; s < last; ++s) {
        std::size_t found = npos;
        for (std::size_t start = pos; start <= text.size(); ++start) {
            const std::size_t end = match_segment_at(segments_[s], text, start);
            if (end != npos) {
                found = end;
                break;
            }
        }
        if (found == npos) return false;
        pos = found;
    }
    if (!anchored_end_) return true;
    // The last segment must end exactly at the end, at or after pos. Its length in bytes may
    // vary (`?` over multi-byte characters), so try each start from the right.
    const Segment& tail = segments_.back();
    for (std::size_t start = text.size() + 1; start-- > pos;) {
        if (match_segment_at(tail, text, start) == text.size()) return true;
    }
    return false;
}

bool StringMatcher::matches(std::string_view text) const noexcept {
    switch (mode_) {
        case Mode::kExact:
            return text == literal_;
        case Mode::kPrefix:
            return text.size() >= literal_.size() &&
                   text.compare(0, literal_.size(), literal_) == 0;
        case Mode::kSuffix:
            return text.size() >= literal_.size() &&
                   text.compare(text.size() - literal_.size(), literal_.size(), literal_) == 0;
        case Mode::kContains:
            return text.find(literal_) != std::string_view::npos;
        case Mode::kAny:
            return true;
        case Mode::kGlob:
            return glob_matches(text);
    }
    return false;
}

}  // namespace vigie::sigma
