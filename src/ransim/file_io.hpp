// ransim/file_io.hpp - a file descriptor that closes itself, and whole reads and writes that
// retry on EINTR and short transfers, returning core::Result instead of errno.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::ransim {

class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = other.release();
        }
        return *this;
    }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset();

  private:
    int fd_ = -1;
};

/// An Error for a failed system call: "what: strerror(err)" on `name`.
core::Error system_error(const std::string& name, const std::string& what, int err);

/// `size` bytes from `offset` (fewer only at end of file).
core::Result<std::vector<std::uint8_t>> read_range(int fd, std::uint64_t offset, std::uint64_t size,
                                                   const std::string& name);
/// The whole file (its size from fstat).
core::Result<std::vector<std::uint8_t>> read_whole(int fd, const std::string& name);
core::Result<void> write_at(int fd, std::span<const std::uint8_t> bytes, std::uint64_t offset,
                            const std::string& name);
/// Appends with one write() per call: with O_APPEND, lines from several processes never mix.
core::Result<void> append(int fd, std::string_view text, const std::string& name);
core::Result<void> sync(int fd, const std::string& name);

}  // namespace vigie::ransim
