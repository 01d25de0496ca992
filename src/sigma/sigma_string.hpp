// sigma/sigma_string.hpp - a Sigma string value: literal text with wildcards and placeholders.
//
// Rule values are parsed once into parts: text, `*` (any run of characters), `?` (one
// character) and `%name%` placeholders (only under `expand`). A backslash escapes `*`, `?` and
// itself; before anything else it is a literal backslash (`C:\Windows` needs no doubling).
// The value modifiers of the specification (contains, windash, wide, base64offset, ...) are
// transformations on this form, following the reference implementation pySigma, so that a rule
// means here what it means everywhere else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vigie::sigma {

struct StringPart {
    enum class Kind : unsigned char { kText, kAnyRun, kAnyChar, kPlaceholder };
    Kind kind = Kind::kText;
    std::string text;  ///< kText: the bytes; kPlaceholder: the name without `%`
    bool operator==(const StringPart&) const = default;
};

class SigmaString {
  public:
    SigmaString() = default;
    /// Parses a rule value: wildcards and escapes as the specification defines them.
    /// With `placeholders`, `%name%` becomes a placeholder part (`\%` stays a plain `%`).
    static SigmaString parse(std::string_view raw, bool placeholders = false);
    /// A value with no special parts at all.
    static SigmaString literal(std::string_view text);

    const std::vector<StringPart>& parts() const noexcept { return parts_; }
    bool has_wildcards() const noexcept;
    bool has_placeholders() const noexcept;
    bool starts_with_any_run() const noexcept;
    bool ends_with_any_run() const noexcept;
    /// Concatenated text of a value without special parts (its bytes, for the encoders).
    std::string plain_text() const;
    /// Characters as pySigma counts them: code points of text parts, one per wildcard.
    std::size_t length() const noexcept;

    void prepend_any_run();
    void append_any_run();
    /// Appends text to the last text part (or a new one).
    void append_text(std::string_view s);
    void append_part(StringPart part);

    bool operator==(const SigmaString&) const = default;

  private:
    std::vector<StringPart> parts_;
};

// ---- value modifiers that rewrite strings (errors name the modifier) -----------------------

/// `wide` / `utf16le`, `utf16be`, `utf16` (little-endian with a byte-order mark). Wildcards are
/// kept; like pySigma, only text that stays valid UTF-8 once encoded (ASCII) is accepted.
core::Result<SigmaString> encode_utf16(const SigmaString& s, bool big_endian, bool bom);
/// `base64`: the value's bytes Base64-encoded; values with wildcards are refused.
core::Result<SigmaString> encode_base64(const SigmaString& s);
/// `base64offset`: the three encodings for 0, 1 and 2 bytes before the value, trimmed of the
/// characters that depend on the neighbouring bytes.
core::Result<std::vector<SigmaString>> encode_base64_offsets(const SigmaString& s);
/// `windash`: every `-` or `/` that starts an option (no word character before, one after)
/// becomes each of `-`, `/`, en dash, em dash and horizontal bar; all combinations (refused
/// past kMaxWindashPositions such dashes in one value).
inline constexpr std::size_t kMaxWindashPositions = 6;
core::Result<std::vector<SigmaString>> expand_windash(const SigmaString& s);

std::string base64_encode(std::string_view bytes);

}  // namespace vigie::sigma
