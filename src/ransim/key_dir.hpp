// ransim/key_dir.hpp - where a run keeps what undoes it: the key file and the progress log.
//
// The key directory is DIR/.vigie-ransim by default (never encrypted: the walk skips it), or
// any directory outside DIR (--key-dir). The key file is written and fsynced, with its
// directory, before the first corpus file is opened, so no run can leave files that cannot be
// decrypted. The progress log gets a `start PATH` line, fsynced, before a file is touched and a
// `done PATH` line after it; together with the manifest's block digests it tells decrypt what
// a killed run left behind. Lines are appended with one write() each (O_APPEND), so the
// workers of the multi-process strategy can share the log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "ransim/cipher.hpp"
#include "ransim/file_io.hpp"
#include "ransim/safety.hpp"
#include "ransim/strategies.hpp"

namespace vigie::ransim {

struct RunKey {
    std::string corpus_id;
    Strategy strategy = Strategy::kInPlace;
    Key key{};
};

/// What the progress log of a run says.
struct ProgressLog {
    std::vector<std::string> started;                   ///< `start` lines, in order
    std::vector<std::string> done;                      ///< `done` lines, in order
    std::vector<std::string> notes;                     ///< notes created (clop)
    std::vector<std::pair<int, std::int64_t>> workers;  ///< (worker index, pid)
    std::vector<std::string> failed;                    ///< `fail` lines: path and reason
};

class KeyDir {
  public:
    /// `path` empty: the corpus's state directory. Otherwise a directory outside the corpus
    /// (made when missing and `create`); a symbolic link or a place inside the corpus other
    /// than its state directory is refused.
    static core::Result<KeyDir> open(const CorpusRoot& root, const std::string& path, bool create);

    const std::string& path() const { return path_; }
    bool has_key() const;
    /// Writes the key file (refusing to replace one) and fsyncs it and the directory.
    core::Result<void> write_key(const RunKey& key) const;
    core::Result<RunKey> read_key() const;
    /// The progress log, opened for appending.
    core::Result<Fd> open_log() const;
    core::Result<ProgressLog> read_log() const;
    /// Removes the key and the log once every file has been restored.
    core::Result<void> retire() const;

  private:
    std::string path_;
    Fd fd_;
};

/// Appends one line to the progress log; `durable`: on disk before returning (fdatasync, which
/// for appended bytes flushes the new size too).
core::Result<void> log_line(const Fd& log, std::string_view kind, std::string_view text,
                            bool durable);

}  // namespace vigie::ransim
