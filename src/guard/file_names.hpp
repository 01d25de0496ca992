// guard/file_names.hpp - what a file's name says: a ransomware extension, a ransom note, an
// extension that looks random.
#pragma once

#include <string_view>

namespace vigie::guard {

/// The extension of a file name, without the dot, lower-cased ASCII ("" when none).
std::string_view extension_of(std::string_view file_name) noexcept;

/// An extension a known ransomware family appends (.CIop, .Clop, .lockbit, .ryk, ...),
/// compared without regard to ASCII case.
bool is_ransomware_extension(std::string_view extension) noexcept;

/// A ransom note's name (ClopReadMe.txt, README_README.txt, !!!_READ_!!!.RTF, ...), or one
/// shaped like one (read me / decrypt / restore / how to, in a .txt, .html, .hta or .rtf).
bool is_ransom_note_name(std::string_view file_name) noexcept;

/// A rename that appends or swaps in an extension no user types: 4 to 12 characters of mixed
/// letters and digits ("report.docx" -> "report.docx.a8f3k2q1"). Known extensions (office,
/// media, archives, temporary files) are not random.
bool is_random_extension_change(std::string_view old_name, std::string_view new_name) noexcept;

}  // namespace vigie::guard
