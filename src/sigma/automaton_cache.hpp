// sigma/automaton_cache.hpp - compiled literal automata kept on disk between runs.
//
// Compiling the automaton of a large field (the command-line literals of the whole SigmaHQ
// corpus: about 11,000) takes a third of a second; the compiled form loads in milliseconds.
// Entries are named by a 128-bit hash (xxHash3) of everything the compilation depends on: the
// Vectorscan version, the CPU features it targets, and each literal with its id and flags. A
// changed rule set therefore gets a new entry, never a stale one. Files are written to a
// temporary name and renamed (a crash leaves no half entry); one that does not load is ignored
// and compiled again. The cache is an optimisation only: every failure falls back to compiling.
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct hs_database;

namespace vigie::sigma {

class AutomatonCache {
  public:
    /// `dir` empty: no caching.
    explicit AutomatonCache(std::string dir) : dir_(std::move(dir)) {}

    bool enabled() const noexcept { return !dir_.empty(); }
    /// The key of an automaton of these literals (same order, ids and flags).
    static std::string key(const std::vector<std::string_view>& literals,
                           const std::vector<unsigned>& ids, unsigned flags);
    /// A database from the cache, or nullptr.
    hs_database* load(const std::string& key) const;
    /// Best effort; errors are ignored.
    void store(const std::string& key, const hs_database* db) const;

    /// Entries kept at most (one per field of a rule set: about 250 for SigmaHQ).
    static constexpr std::size_t kMaxEntries = 2048;

  private:
    void prune() const;
    std::string dir_;
};

/// $VIGIE_CACHE_DIR, else $XDG_CACHE_HOME/vigie, else $HOME/.cache/vigie; "" when none is set
/// or VIGIE_CACHE_DIR is "off".
std::string default_automaton_cache_dir();

}  // namespace vigie::sigma
