#include "ransim/file_io.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigie::ransim {

void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

core::Error system_error(const std::string& name, const std::string& what, int err) {
    return core::fail(err == ENOENT ? core::ErrorCode::kNotFound : core::ErrorCode::kIo,
                      what + ": " + std::strerror(err), core::Location::in_file(name));
}

core::Result<std::vector<std::uint8_t>> read_range(int fd, std::uint64_t offset, std::uint64_t size,
                                                   const std::string& name) {
    std::vector<std::uint8_t> out(size);
    std::uint64_t done = 0;
    while (done < size) {
        const ssize_t n =
            ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return system_error(name, "read failed", errno);
        }
        if (n == 0) break;
        done += static_cast<std::uint64_t>(n);
    }
    out.resize(done);
    return out;
}

core::Result<std::vector<std::uint8_t>> read_whole(int fd, const std::string& name) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return system_error(name, "stat failed", errno);
    return read_range(fd, 0, static_cast<std::uint64_t>(st.st_size), name);
}

core::Result<void> write_at(int fd, std::span<const std::uint8_t> bytes, std::uint64_t offset,
                            const std::string& name) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return system_error(name, "write failed", errno);
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

core::Result<void> append(int fd, std::string_view text, const std::string& name) {
    for (;;) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return system_error(name, "write failed", errno);
        if (static_cast<std::size_t>(n) != text.size()) {
            return core::fail(core::ErrorCode::kIo, "short write (disk full?)",
                              core::Location::in_file(name));
        }
        return {};
    }
}

core::Result<void> sync(int fd, const std::string& name) {
    if (::fsync(fd) != 0) return system_error(name, "fsync failed", errno);
    return {};
}

}  // namespace vigie::ransim
