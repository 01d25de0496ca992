// guard/change_evidence.hpp - how much one change to one file looks like encryption, and why.
//
//   guard::FileSnapshot before{"report.docx", head_before, block_before};
//   guard::FileSnapshot after{"report.docx.CIop", head_after, block_after};
//   const guard::ChangeEvidence e = guard::assess_change(before, after);
//   // e.score, and e.parts: each reason with its points, for the alert
//
// Each part is a fact about the change, never about the file alone: high entropy in a JPEG is
// normal, a JPEG whose bytes became random is not. Per-actor aggregation (process tree, user,
// SMB session) adds these scores up elsewhere.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "guard/content_stats.hpp"
#include "guard/file_kind.hpp"

namespace vigie::guard {

/// A file at one moment: its name, its first bytes and the bytes of the block written (or, for
/// "before", what that block held). Empty spans when unknown (a new file has no before).
struct FileSnapshot {
    std::string_view name;
    std::span<const std::uint8_t> head;
    std::span<const std::uint8_t> block;
};

struct EvidencePart {
    std::string key;     ///< stable name of the reason ("became_random"): a file counts it once
    std::string reason;  ///< "content became random (entropy 3.1 -> 8.0, chi-square 212)"
    int points = 0;
};

struct ChangeEvidence {
    int score = 0;
    std::vector<EvidencePart> parts;
    FileKind kind_before = FileKind::kUnknown;
    FileKind kind_after = FileKind::kUnknown;
};

/// Points per reason: the knobs of the decision, in one place.
struct EvidenceWeights {
    int became_random = 40;         ///< the written block turned random where it was not
    int structure_lost = 35;        ///< a known file kind became unknown
    int became_base64 = 25;         ///< binary content rewritten as base64 text
    int ransomware_extension = 60;  ///< renamed to a known ransomware extension
    int random_extension = 25;      ///< renamed to an extension no user types
    int ransom_note = 50;           ///< a ransom note appeared
    int decoy_written = 60;         ///< a decoy file was written (no user ever opens one)
    int decoy_moved = 25;           ///< a decoy was renamed or deleted (a mass move may do it)
    /// Per file moved out of the protected trees by rename (a folder: per file in it, up to
    /// ten): one is nothing, many are a tree being taken away to be
    /// changed where a guard that watched paths would not look.
    int moved_out = 4;
};

ChangeEvidence assess_change(const FileSnapshot& before, const FileSnapshot& after,
                             const EvidenceWeights& weights = {});

}  // namespace vigie::guard
