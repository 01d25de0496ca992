// guard/decoys.hpp - files no legitimate user touches, planted where ransomware looks.
//
// A decoy is a small, valid PDF with a dull hidden name in a protected tree and its first
// folders. Reading one is nothing (backups, copies and antivirus read everything); writing
// it, renaming it or deleting it is evidence. Decoys are planted before the guard marks the
// trees (its own writes must raise no event) and listed in the guard's state directory, so a
// restarted guard keeps the same ones.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::guard {

/// Plants (or finds again) decoys: one at each root and one in each of its first
/// `folders_per_root` sub-folders (sorted by name). The list is kept in `list_file`.
core::Result<std::vector<std::string>> plant_decoys(const std::vector<std::string>& roots,
                                                    const std::string& list_file,
                                                    int folders_per_root = 8);

/// The bytes of a decoy (a one-page PDF) for a folder.
std::string decoy_content(const std::string& folder);

inline constexpr const char* kDecoyName = ".Inventaire-materiel-2019.pdf";

}  // namespace vigie::guard
