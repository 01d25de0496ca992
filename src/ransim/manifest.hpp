// ransim/manifest.hpp - what the corpus looked like when it was generated.
//
// One line per file (size, XXH3-128 of the content, relative path) in
// DIR/.vigie-ransim/manifest.tsv, and the XXH3-64 of every 4 KiB block of every file in
// blocks.bin. `verify` compares whole files; the block digests let `decrypt` tell, block by
// block, which bytes of a file caught in the middle of being encrypted are still plain, which
// are ciphertext, and where inside one block a write was cut (see recovery.hpp).
// XXH3 rather than SHA-256: the manifest guards against accidents, not against an adversary.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "ransim/safety.hpp"

namespace vigie::ransim {

inline constexpr std::size_t kBlockSize = 4096;

struct Digest {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const Digest&) const = default;
    std::string hex() const;
};

Digest digest_of(std::span<const std::uint8_t> bytes);
std::uint64_t block_digest(std::span<const std::uint8_t> block);

struct ManifestEntry {
    std::string path;  ///< relative to the corpus root
    std::uint64_t size = 0;
    Digest digest;
    std::vector<std::uint64_t> blocks;  ///< block_digest of each kBlockSize block

    bool matches(std::span<const std::uint8_t> content) const {
        return content.size() == size && digest_of(content) == digest;
    }
};

/// The entry describing `content` at `path`.
ManifestEntry describe(std::string path, std::span<const std::uint8_t> content);

struct Manifest {
    std::string corpus_id;
    std::vector<ManifestEntry> files;

    const ManifestEntry* find(std::string_view path) const;
    void index();

  private:
    std::unordered_map<std::string, std::size_t> by_path_;
};

/// Writes manifest.tsv and blocks.bin into the state directory, synced.
core::Result<void> write_manifest(int state_dir_fd, const std::string& state_dir_path,
                                  const Manifest& manifest);
/// Reads them back from the corpus; the corpus id must be the marker's.
core::Result<Manifest> read_manifest(const CorpusRoot& root);

}  // namespace vigie::ransim
