// ransim/strategies.hpp - the ways ransomware encrypts files, each one a real sequence of file
// system calls the guard has to recognise.
//
// Every strategy XORs a keystream into some bytes of the file (ChaCha20, or RC4 for `clop`);
// they differ in which bytes (all, every other 16, the first MiB, all but the header), in how
// the result reaches the disk (pwrite over the same bytes, a new file then unlink, a rename
// first, a shared mapping, base64 text, a new file renamed over the original) and in pacing (one
// process, several, slowly). Which bytes a strategy changes depends only on the file's size, and
// the keystream only on the key and the file's relative path, so recovery can recompute both for
// any file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "ransim/cipher.hpp"
#include "ransim/manifest.hpp"
#include "ransim/safety.hpp"

namespace vigie::ransim {

enum class Strategy : unsigned char {
    kInPlace,
    kCopyDelete,
    kRenameOverwrite,
    kIntermittent16,
    kIntermittentHead,
    kIntermittentSkipHeader,
    kBase64,
    kMultiProcess,
    kSlow,
    kMmap,
    kClop,
    kAtomicReplace,
};

struct StrategyInfo {
    Strategy strategy;
    std::string_view name;
    std::string_view suffix;  ///< appended to an encrypted file's name; empty: name kept
    std::string_view description;
};

std::span<const StrategyInfo> strategy_table();
const StrategyInfo& strategy_info(Strategy strategy);
std::optional<Strategy> parse_strategy(std::string_view name);

/// `intermittent-head` encrypts this much of each file.
inline constexpr std::uint64_t kHeadBytes = 1 << 20;
/// `intermittent-skip-header` leaves this much (at most half of a small file) in place.
inline constexpr std::uint64_t kKeptHeaderBytes = 4096;
/// The Clop-like strategy's note, one per folder it encrypted files in.
inline constexpr std::string_view kClopNoteName = "ClopReadMe.txt";
std::string_view clop_note_text();

/// Where `atomic-replace` writes the ciphertext of the corpus file `relative` before renaming
/// it over the original: `.NAME.tmpXXXXXX` in the same folder, XXXXXX from a hash of the path
/// (the same on every run, so that decrypt finds what a killed run left).
std::string replacement_temp_path(std::string_view relative);

/// The other name a strategy leaves a file's bytes under (NAME.enc, NAME.locked, NAME.CIop,
/// the temporary file of `atomic-replace`), or "" for strategies that keep the name.
std::string encrypted_sibling(Strategy strategy, std::string_view relative);

/// The bytes a strategy changes in a file of `size` bytes: [begin, end), and with `alternate`
/// only the first 16 bytes of every 32 (counted from the start of the file).
struct Selection {
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
    bool alternate = false;
};
Selection selected_bytes(Strategy strategy, std::uint64_t size);

/// What is XORed into each byte of the file at `path`: zero outside the selection.
std::vector<std::uint8_t> file_keystream(Strategy strategy, const Key& key, std::string_view path,
                                         std::uint64_t size);

/// One pwrite of the base64 strategy: encoded bytes [offset, offset + length).
struct WritePiece {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};
/// The order in which the base64 strategy writes the encoding of a `size`-byte file over it:
/// first the part past the original end, then the rest from the end backwards, in page-aligned
/// pieces each no longer than a third of its offset (or a single page). A write cut anywhere
/// (the kernel stops a killed write at a page boundary) thus never overwrites an original byte
/// whose encoding is not complete further on: every block can be recovered.
std::vector<WritePiece> base64_write_plan(std::uint64_t size);

/// Encrypts one corpus file. A file that no longer matches its manifest entry is left alone
/// (kInvalidArgument): its recovery could not be checked.
core::Result<void> encrypt_file(const CorpusRoot& root, Strategy strategy, const Key& key,
                                const ManifestEntry& entry);

}  // namespace vigie::ransim
