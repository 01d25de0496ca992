#include "core/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vigie::core {
namespace {

class FileSource final : public ByteSource {
  public:
    FileSource(int fd, std::uint64_t size, std::string path)
        : fd_(fd), size_(size), path_(std::move(path)) {}
    ~FileSource() override { ::close(fd_); }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    std::uint64_t size() const noexcept override { return size_; }
    const std::string& name() const noexcept override { return path_; }

    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> dst) const override {
        std::size_t done = 0;
        while (done < dst.size()) {
            const ssize_t n = ::pread(fd_, dst.data() + done, dst.size() - done,
                                      static_cast<off_t>(offset + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno),
                            Location{path_, offset + done, {}, 0});
            }
            if (n == 0) break;
            done += static_cast<std::size_t>(n);
        }
        return done;
    }

  private:
    int fd_;
    std::uint64_t size_;
    std::string path_;
};

class MemorySource final : public ByteSource {
  public:
    MemorySource(std::span<const std::uint8_t> bytes, std::string name)
        : bytes_(bytes), name_(std::move(name)) {}
    std::uint64_t size() const noexcept override { return bytes_.size(); }
    const std::string& name() const noexcept override { return name_; }
    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> dst) const override {
        if (offset >= bytes_.size()) return std::size_t{0};
        const std::size_t n = std::min<std::uint64_t>(dst.size(), bytes_.size() - offset);
        std::memcpy(dst.data(), bytes_.data() + offset, n);
        return n;
    }

  private:
    std::span<const std::uint8_t> bytes_;
    std::string name_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> open_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                    std::string("cannot open: ") + std::strerror(errno),
                    Location{path, Location::kNone, {}, 0});
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::kInvalidArgument, "not a regular file",
                    Location{path, Location::kNone, {}, 0});
    }
    return std::unique_ptr<ByteSource>(
        new FileSource(fd, static_cast<std::uint64_t>(st.st_size), path));
}

Result<std::unique_ptr<ByteSource>> file_source_from_fd(int fd, std::string name) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::kInvalidArgument, "not a regular file",
                    Location{name, Location::kNone, {}, 0});
    }
    return std::unique_ptr<ByteSource>(
        new FileSource(fd, static_cast<std::uint64_t>(st.st_size), std::move(name)));
}

std::unique_ptr<ByteSource> memory_source(std::span<const std::uint8_t> bytes, std::string name) {
    return std::make_unique<MemorySource>(bytes, std::move(name));
}

}  // namespace vigie::core
