#include "guard/change_evidence.hpp"

#include <fmt/format.h>

#include "guard/file_names.hpp"

namespace vigie::guard {
namespace {

// Below this many bits per byte a block is not compressed or encrypted data.
constexpr double kStructuredEntropy = 7.0;

}  // namespace

ChangeEvidence assess_change(const FileSnapshot& before, const FileSnapshot& after,
                             const EvidenceWeights& weights) {
    ChangeEvidence e;
    auto add = [&](const char* key, std::string reason, int points) {
        e.parts.push_back({key, std::move(reason), points});
        e.score += points;
    };
    e.kind_before = before.head.empty() ? FileKind::kEmpty : sniff_file_kind(before.head);
    e.kind_after = after.head.empty() ? FileKind::kEmpty : sniff_file_kind(after.head);

    // Content: the written block against what it held. A new file has no before of its own:
    // the caller pairs an encrypted copy with the original it replaces, or gives none (a new
    // archive copied in is no evidence).
    if (!after.block.empty()) {
        const ByteStats now = byte_stats(after.block);
        const ByteStats was = byte_stats(before.block);
        const bool had_content = !before.block.empty();
        // Only from clearly lower entropy: compressed content rewritten with new compressed
        // content goes from 7.9 to 7.9 bits per byte and may pass for random both times.
        if (had_content && looks_random(now) && was.entropy < kStructuredEntropy) {
            add("became_random",
                fmt::format("content became random (entropy {:.2f} -> {:.2f} bits/byte, "
                            "chi-square {:.0f})",
                            was.entropy, now.entropy, now.chi_square),
                weights.became_random);
        }
        // Base64 of ciphertext: 64 symbols used evenly, about 6 bits per byte. Binary content
        // rewritten so, or text rewritten with a spread that prose never has (4 to 5 bits).
        const bool base64_of_random =
            now.base64 && now.size >= kMinRandomnessSample && now.entropy > 5.8;
        if (now.base64 && had_content && !was.base64 &&
            (was.printable < 0.9 || (base64_of_random && was.entropy < 5.5))) {
            add("became_base64",
                fmt::format("content rewritten as base64 text (printable {:.0f}% -> {:.0f}%, "
                            "entropy {:.2f} -> {:.2f})",
                            was.printable * 100, now.printable * 100, was.entropy, now.entropy),
                weights.became_base64);
        }
    }
    // Structure: a kind with magic that is gone, replaced by unknown bytes or by text (base64
    // output). A change to another known kind is a conversion, not evidence.
    if (has_structure(e.kind_before) &&
        (e.kind_after == FileKind::kUnknown || e.kind_after == FileKind::kText)) {
        add("structure_lost",
            std::string("file structure lost (") + file_kind_name(e.kind_before) + " -> " +
                (e.kind_after == FileKind::kText ? "text" : "unrecognised bytes") + ")",
            weights.structure_lost);
    }
    // Text (a CSV, a letter) replaced by bytes that are neither text nor a known kind.
    if (e.kind_before == FileKind::kText && e.kind_after == FileKind::kUnknown) {
        add("structure_lost", "text replaced by unrecognised bytes", weights.structure_lost);
    }
    // Names.
    if (!after.name.empty() && after.name != before.name) {
        const std::string_view ext = extension_of(after.name);
        if (is_ransomware_extension(ext)) {
            add("ransomware_extension",
                "renamed with a ransomware extension (." + std::string(ext) + ")",
                weights.ransomware_extension);
        } else if (!before.name.empty() && is_random_extension_change(before.name, after.name)) {
            add("random_extension",
                "renamed with a random-looking extension (." + std::string(ext) + ")",
                weights.random_extension);
        }
    }
    if (before.name.empty() && is_ransom_note_name(after.name)) {
        add("ransom_note", "ransom note created (" + std::string(after.name) + ")",
            weights.ransom_note);
    }
    return e;
}

}  // namespace vigie::guard
