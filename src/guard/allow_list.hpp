// guard/allow_list.hpp - programs the guard trusts (backup software, antivirus): their file
// work is never scored. An entry names a program by path, and optionally by the SHA-256 of
// its file, so a copy of malware dropped over a trusted path is not trusted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::guard {

struct TrustedProgram {
    std::string path;    ///< absolute path of the executable
    std::string sha256;  ///< lower-case hex; empty: the path alone is trusted
};

class AllowList {
  public:
    void add(TrustedProgram program) { programs_.push_back(std::move(program)); }
    bool empty() const noexcept { return programs_.empty(); }
    const std::vector<TrustedProgram>& programs() const noexcept { return programs_; }

    /// The running program at `executable` is trusted. Hashes are computed once per file
    /// version (device, inode, modification time) and remembered.
    bool trusts(const std::string& executable);

  private:
    struct Version {
        std::uint64_t device = 0, inode = 0;
        std::int64_t mtime_ns = 0;
        std::string sha256;
    };
    std::vector<TrustedProgram> programs_;
    std::map<std::string, Version> hashes_;
};

/// Parses an allow-list file: one program per line, `PATH [sha256:HEX]`, `#` comments.
/// A bad line is an error naming its file and line; nothing is trusted from a bad file.
core::Result<AllowList> load_allow_list(const std::string& path);

}  // namespace vigie::guard
