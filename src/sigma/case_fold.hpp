// sigma/case_fold.hpp - case-insensitive comparison support: Unicode simple lower-casing.
//
// Sigma values are case-insensitive unless `cased`. Both sides (rule literals at compile time,
// event text at match time) are folded the same way, then compared byte for byte. ASCII text,
// nearly all of Windows event data, takes a byte loop; other code points go through the C
// library's Unicode tables (towlower in the C.UTF-8 locale), so `É` meets `é` and `Ж` meets `ж`.
// Invalid UTF-8 bytes are copied unchanged.
#pragma once

#include <string>
#include <string_view>

namespace vigie::sigma {

/// Appends the lower-cased form of the UTF-8 text `s` to `out`.
void append_folded(std::string_view s, std::string& out);

inline std::string folded(std::string_view s) {
    std::string out;
    append_folded(s, out);
    return out;
}

/// Number of UTF-8 code points starting in `s` (continuation bytes are not counted).
std::size_t code_point_count(std::string_view s) noexcept;

}  // namespace vigie::sigma
