#include "ransim/recovery.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "ransim/base64.hpp"
#include "ransim/key_dir.hpp"

namespace vigie::ransim {
namespace {

std::optional<std::vector<std::uint8_t>> restore_xored(Strategy strategy, const Key& key,
                                                       const ManifestEntry& entry,
                                                       std::span<const std::uint8_t> on_disk) {
    if (on_disk.size() != entry.size) return std::nullopt;
    const auto stream = file_keystream(strategy, key, entry.path, entry.size);
    std::vector<std::uint8_t> out(on_disk.begin(), on_disk.end());
    bool cut_seen = false;
    for (std::size_t b = 0; b < entry.blocks.size(); ++b) {
        const std::size_t at = b * kBlockSize;
        const std::size_t length = std::min<std::size_t>(kBlockSize, out.size() - at);
        const std::span<std::uint8_t> block(out.data() + at, length);
        if (block_digest(block) == entry.blocks[b]) continue;
        std::uint8_t* bytes = block.data();
        const std::uint8_t* key = stream.data() + at;
        for (std::size_t i = 0; i < length; ++i) bytes[i] ^= key[i];
        if (block_digest(block) == entry.blocks[b]) continue;
        // Writes go forward through a file, so a killed run cuts at most one block: ciphertext
        // before the cut, plain after it. Try each cut, re-encrypting from the end backwards
        // (bytes at and past the cut go back to what was on disk).
        if (cut_seen) return std::nullopt;
        cut_seen = true;
        bool found = false;
        for (std::size_t cut = length - 1; cut > 0 && !found; --cut) {
            bytes[cut] ^= key[cut];
            found = block_digest(block) == entry.blocks[b];
        }
        if (!found) return std::nullopt;
    }
    if (!entry.matches(out)) return std::nullopt;
    return out;
}

std::optional<std::vector<std::uint8_t>> restore_decoded(const Key& key, const ManifestEntry& entry,
                                                         std::span<const std::uint8_t> on_disk) {
    // The encoding's tail (past the original size) is written first: a shorter file is not
    // something the run produced.
    if (on_disk.size() < entry.size) return std::nullopt;
    const auto stream = file_keystream(Strategy::kBase64, key, entry.path, entry.size);
    std::vector<std::uint8_t> out(entry.size);
    for (std::size_t b = 0; b < entry.blocks.size(); ++b) {
        const std::size_t at = b * kBlockSize;
        const std::size_t end = std::min<std::size_t>(at + kBlockSize, entry.size);
        const auto in_place = on_disk.subspan(at, end - at);
        if (block_digest(in_place) == entry.blocks[b]) {
            std::copy(in_place.begin(), in_place.end(), out.begin() + static_cast<long>(at));
            continue;
        }
        // Bytes [at, end) are encoded in the 4-character groups of bytes at / 3 .. end / 3.
        const std::size_t first_group = at / 3, end_group = (end + 2) / 3;
        if (end_group * 4 > on_disk.size()) return std::nullopt;
        auto decoded =
            base64_decode(on_disk.subspan(first_group * 4, (end_group - first_group) * 4));
        if (!decoded || first_group * 3 + decoded->size() < end) return std::nullopt;
        for (std::size_t i = at; i < end; ++i) {
            out[i] = static_cast<std::uint8_t>((*decoded)[i - first_group * 3] ^ stream[i]);
        }
        if (block_digest(std::span(out).subspan(at, end - at)) != entry.blocks[b]) {
            return std::nullopt;
        }
    }
    if (!entry.matches(out)) return std::nullopt;
    return out;
}

// What is found at one name: nothing, bytes, or an entry that is not a plain file.
struct Found {
    bool exists = false;
    std::optional<std::vector<std::uint8_t>> bytes;
    std::string problem;
};

Found look_at(const CorpusRoot& root, const std::string& relative) {
    Found found;
    auto st = root.stat_entry(relative);
    if (!st) {
        found.exists = true;
        found.problem = st.error().message;
        return found;
    }
    if (!st->has_value()) return found;
    found.exists = true;
    auto fd = root.open_file(relative, O_RDONLY);
    if (!fd) {
        found.problem = fd.error().message;
        return found;
    }
    auto bytes = read_whole(fd->get(), root.path() + "/" + relative);
    if (!bytes) {
        found.problem = bytes.error().message;
        return found;
    }
    found.bytes = std::move(*bytes);
    return found;
}

core::Result<void> write_back(const CorpusRoot& root, const std::string& relative,
                              std::span<const std::uint8_t> content) {
    const std::string path = root.path() + "/" + relative;
    auto fd = root.open_file(relative, O_RDWR);
    if (!fd) return std::move(fd).error();
    if (auto r = write_at(fd->get(), content, 0, path); !r) return r;
    if (::ftruncate(fd->get(), static_cast<off_t>(content.size())) != 0) {
        return system_error(path, "cannot truncate", errno);
    }
    return {};
}

enum class Outcome { kIntact, kRestored, kUnrecoverable };

struct FileResult {
    Outcome outcome = Outcome::kUnrecoverable;
    std::string why;
    std::size_t leftovers = 0;
};

FileResult restore_file(const CorpusRoot& root, const Manifest& manifest, const RunKey& key,
                        const ManifestEntry& entry) {
    FileResult result;
    // The strategy's other name for the file (a copy, a renamed file, atomic-replace's
    // temporary file), unless the manifest holds a file of that name.
    std::string sibling = encrypted_sibling(key.strategy, entry.path);
    if (!sibling.empty() && manifest.find(sibling) != nullptr) sibling.clear();
    Found original = look_at(root, entry.path);
    Found renamed = sibling.empty() ? Found{} : look_at(root, sibling);
    const auto remove_sibling = [&] {
        if (renamed.exists && root.remove_file(sibling)) ++result.leftovers;
    };
    if (original.bytes && entry.matches(*original.bytes)) {
        remove_sibling();  // e.g. a copy whose original was never unlinked
        result.outcome = Outcome::kIntact;
        return result;
    }
    for (const bool use_sibling : {true, false}) {
        const Found& found = use_sibling ? renamed : original;
        const std::string& name = use_sibling ? sibling : entry.path;
        if (!found.bytes) continue;
        auto content = restore_content(key.strategy, key.key, entry, *found.bytes);
        if (!content) continue;
        if (auto r = write_back(root, name, *content); !r) {
            result.why = r.error().message;
            return result;
        }
        if (use_sibling) {
            if (auto r = root.rename_file(sibling, entry.path, true); !r) {
                result.why = r.error().message;
                return result;
            }
        } else {
            remove_sibling();
        }
        result.outcome = Outcome::kRestored;
        return result;
    }
    if (!original.problem.empty()) {
        result.why = original.problem;
    } else if (!renamed.problem.empty()) {
        result.why = renamed.problem;
    } else if (!original.exists && !renamed.exists) {
        result.why = "missing";
    } else {
        result.why = "not an encrypted form of the original (changed by something else?)";
    }
    return result;
}

}  // namespace

std::optional<std::vector<std::uint8_t>> restore_content(Strategy strategy, const Key& key,
                                                         const ManifestEntry& entry,
                                                         std::span<const std::uint8_t> on_disk) {
    if (entry.matches(on_disk)) return std::vector<std::uint8_t>(on_disk.begin(), on_disk.end());
    if (strategy == Strategy::kBase64) return restore_decoded(key, entry, on_disk);
    return restore_xored(strategy, key, entry, on_disk);
}

core::Result<DecryptReport> decrypt(const std::string& dir, const DecryptOptions& options) {
    auto root = CorpusRoot::open(dir, options.allow_links_in);
    if (!root) return std::move(root).error();
    auto manifest = read_manifest(*root);
    if (!manifest) return std::move(manifest).error();
    auto key_dir = KeyDir::open(*root, options.key_dir, false);
    if (!key_dir) return std::move(key_dir).error();
    auto key = key_dir->read_key();
    if (!key) return std::move(key).error();
    if (key->corpus_id != root->marker().corpus_id) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "this key belongs to another corpus (" + key->corpus_id + ")",
                          core::Location::in_file(key_dir->path()));
    }
    auto log = key_dir->read_log();
    if (!log) return std::move(log).error();

    DecryptReport report;
    report.strategy = std::string(strategy_info(key->strategy).name);
    for (const ManifestEntry& entry : manifest->files) {
        ++report.files;
        const FileResult result = restore_file(*root, *manifest, *key, entry);
        report.leftovers_removed += result.leftovers;
        switch (result.outcome) {
            case Outcome::kIntact:
                ++report.intact;
                break;
            case Outcome::kRestored:
                ++report.restored;
                break;
            case Outcome::kUnrecoverable:
                report.unrecoverable.push_back({entry.path, result.why});
                break;
        }
    }
    // Notes: only ours (logged before they were made, holding our text, not in the manifest).
    const std::string_view note_text = clop_note_text();
    for (const std::string& note : std::set<std::string>(log->notes.begin(), log->notes.end())) {
        if (!is_clean_relative_path(note) || manifest->find(note) != nullptr) continue;
        const Found found = look_at(*root, note);
        if (!found.bytes) continue;
        const std::string_view text(reinterpret_cast<const char*>(found.bytes->data()),
                                    found.bytes->size());
        // A prefix too: a run killed between creating the note and writing it.
        if (note_text.starts_with(text) && root->remove_file(note)) ++report.leftovers_removed;
    }
    if (report.unrecoverable.empty()) {
        if (auto r = key_dir->retire(); !r) return std::move(r).error();
    }
    return report;
}

core::Result<VerifyReport> verify(const std::string& dir) {
    auto root = CorpusRoot::open(dir);
    if (!root) return std::move(root).error();
    auto manifest = read_manifest(*root);
    if (!manifest) return std::move(manifest).error();
    auto scan = scan_tree(*root);
    if (!scan) return std::move(scan).error();

    VerifyReport report;
    for (const ManifestEntry& entry : manifest->files) {
        ++report.files;
        const Found found = look_at(*root, entry.path);
        if (!found.exists) {
            report.missing.push_back(entry.path);
        } else if (found.bytes && entry.matches(*found.bytes)) {
            ++report.identical;
        } else {
            report.changed.push_back(entry.path);
        }
    }
    for (const TreeFile& file : scan->files) {
        if (manifest->find(file.path) == nullptr) report.extra.push_back(file.path);
    }
    for (const SkippedEntry& skipped : scan->skipped) {
        if (manifest->find(skipped.path) == nullptr) {
            report.extra.push_back(skipped.path + " (" + skipped.reason + ")");
        }
    }
    return report;
}

}  // namespace vigie::ransim
