#include "guard/allow_list.hpp"

#include "guard/file_digest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace vigie::guard {

bool AllowList::trusts(const std::string& executable) {
    for (const TrustedProgram& p : programs_) {
        if (p.path != executable) continue;
        if (p.sha256.empty()) return true;
        struct stat st {};
        if (::stat(executable.c_str(), &st) != 0) return false;
        Version& v = hashes_[executable];
        const std::int64_t mtime = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
        if (v.sha256.empty() || v.device != st.st_dev || v.inode != st.st_ino ||
            v.mtime_ns != mtime) {
            auto hash = sha256_file(executable);
            v = {st.st_dev, st.st_ino, mtime, hash ? *hash : std::string()};
        }
        return v.sha256 == p.sha256;
    }
    return false;
}

core::Result<AllowList> load_allow_list(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        return core::fail(core::ErrorCode::kIo, "cannot read the allow-list",
                          core::Location::in_file(path));
    AllowList list;
    std::string line;
    std::uint32_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        TrustedProgram program;
        std::string digest;
        if (!(words >> program.path)) continue;
        const core::Location where = core::Location::at_line(path, number);
        if (program.path.front() != '/')
            return core::fail(core::ErrorCode::kParse,
                              "a trusted program needs an absolute path: " + program.path, where);
        if (words >> digest) {
            if (!digest.starts_with("sha256:") || digest.size() != 7 + 64 ||
                digest.find_first_not_of("0123456789abcdef", 7) != std::string::npos)
                return core::fail(core::ErrorCode::kParse,
                                  "expected sha256: and 64 lower-case hex digits, got " + digest,
                                  where);
            program.sha256 = digest.substr(7);
        }
        std::string extra;
        if (words >> extra)
            return core::fail(core::ErrorCode::kParse, "unexpected text after the hash: " + extra,
                              where);
        list.add(std::move(program));
    }
    return list;
}

}  // namespace vigie::guard
