// ransim/safety.hpp - what keeps the simulator inside the corpus it generated.
//
// Every command but `generate` starts from CorpusRoot::open, which refuses "/", a directory that
// is itself a symbolic link, and any directory without the marker `generate` writes. Every file
// is then reached from the root's descriptor one component at a time with O_NOFOLLOW, on the
// root's device only, so a symbolic link or a mount point inside the tree can never redirect a
// read or a write outside it. A file with several names (a hard link, possibly from outside the
// tree) is never opened for writing, renamed or removed, unless every other name is inside a
// directory the caller vouches for (allow_links_in: the journal of the guard under test, which
// links every protected file so that deleting one loses nothing).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "ransim/file_io.hpp"

namespace vigie::ransim {

/// At the root of every generated tree; its absence makes every command but generate refuse.
inline constexpr std::string_view kMarkerName = ".vigie-ransim-corpus";
/// The manifest, and by default the key and progress log of a run. Never encrypted.
inline constexpr std::string_view kStateDirName = ".vigie-ransim";

struct Marker {
    std::string corpus_id;  ///< 32 hex digits, random at generation
    std::uint64_t files = 0;
    std::uint64_t seed = 0;
};

std::string marker_text(const Marker& marker);
core::Result<Marker> parse_marker(std::string_view text);

/// A path under the root: relative, '/'-separated, no empty, "." or ".." component.
bool is_clean_relative_path(std::string_view relative);

class CorpusRoot {
  public:
    /// The root of a generated tree: refuses a symbolic link, "/" and a directory without
    /// the marker.
    static core::Result<CorpusRoot> open(const std::string& dir);
    /// open(), then allow_links_in(links_dir) when it is not empty.
    static core::Result<CorpusRoot> open(const std::string& dir, const std::string& links_dir);
    /// The root of a tree being generated (no marker yet); the same refusals otherwise.
    static core::Result<CorpusRoot> open_unmarked(const std::string& dir);

    const std::string& path() const { return path_; }
    int fd() const { return fd_.get(); }
    dev_t device() const { return device_; }
    const Marker& marker() const { return marker_; }

    /// DIR/.vigie-ransim (made when `create` and missing).
    core::Result<Fd> open_state_dir(bool create) const;
    /// The directory holding `relative`, made when `create` and missing.
    core::Result<Fd> open_parent(std::string_view relative, bool create = false) const;
    /// A regular file beneath the root on the root's device. With write access, or with
    /// O_CREAT, a file with other names is refused too. O_NOFOLLOW is always added.
    core::Result<Fd> open_file(std::string_view relative, int flags, mode_t mode = 0644) const;
    /// The entry's lstat, or nothing when there is none.
    core::Result<std::optional<struct stat>> stat_entry(std::string_view relative) const;
    /// Renames a regular, single-link file within the tree (`replace`: over an existing one).
    core::Result<void> rename_file(std::string_view from, std::string_view to, bool replace) const;
    /// Removes a regular, single-link file.
    core::Result<void> remove_file(std::string_view relative) const;

    /// Files whose other names all lie inside `dir` count as single-link files. The caller
    /// vouches for `dir` (a guard's journal); it is walked now and again when a file with an
    /// unknown extra name shows up (a link made since).
    core::Result<void> allow_links_in(const std::string& dir);
    /// The file has no name outside the tree but those allow_links_in vouches for.
    bool only_here(const struct stat& st) const;

  private:
    static core::Result<CorpusRoot> open_checked(const std::string& dir, bool need_marker);
    core::Result<Fd> walk_to_parent(std::string_view relative, bool create) const;

    struct LinkAllowance {
        std::string dir;
        std::map<std::pair<dev_t, ino_t>, nlink_t> names;  ///< links per inode inside dir
        int rescans = 0;
        void scan();
    };

    std::string path_;
    Fd fd_;
    dev_t device_ = 0;
    Marker marker_;
    std::shared_ptr<LinkAllowance> allowance_;
};

struct TreeFile {
    std::string path;  ///< relative to the root
    std::uint64_t size = 0;
};

struct SkippedEntry {
    std::string path;
    std::string reason;
};

/// Every regular file of the tree, depth first in name order, except the marker and the state
/// directory; symbolic links, other file systems, hard links and special files are listed in
/// `skipped` with the reason and never entered or opened.
struct TreeScan {
    std::vector<TreeFile> files;
    std::vector<SkippedEntry> skipped;
};

core::Result<TreeScan> scan_tree(const CorpusRoot& root);

}  // namespace vigie::ransim
