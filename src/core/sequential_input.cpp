#include "core/sequential_input.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace vigie::core {
namespace {

Error io_error(const std::string& name, const std::string& what) {
    return fail(ErrorCode::kIo, what + ": " + std::strerror(errno), {name, Location::kNone, {}, 0});
}

Error corrupt(const std::string& name, const std::string& what) {
    return fail(ErrorCode::kCorrupt, what, {name, Location::kNone, {}, 0});
}

// The raw bytes: a file descriptor or a memory buffer.
class RawReader {
  public:
    virtual ~RawReader() = default;
    virtual Result<std::size_t> read(std::uint8_t* dst, std::size_t n) = 0;
};

class FdReader : public RawReader {
  public:
    FdReader(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
    ~FdReader() override { ::close(fd_); }
    Result<std::size_t> read(std::uint8_t* dst, std::size_t n) override {
        for (;;) {
            const ssize_t r = ::read(fd_, dst, n);
            if (r >= 0) return static_cast<std::size_t>(r);
            if (errno != EINTR) return io_error(name_, "read failed");
        }
    }

  private:
    int fd_;
    std::string name_;
};

class MemoryReader : public RawReader {
  public:
    explicit MemoryReader(std::string_view bytes) : bytes_(bytes) {}
    Result<std::size_t> read(std::uint8_t* dst, std::size_t n) override {
        n = std::min(n, bytes_.size());
        std::memcpy(dst, bytes_.data(), n);
        bytes_.remove_prefix(n);
        return n;
    }

  private:
    std::string_view bytes_;
};

// Bytes already read to detect the compression are served first.
class Prefixed {
  public:
    Prefixed(std::unique_ptr<RawReader> raw, std::vector<std::uint8_t> head)
        : raw_(std::move(raw)), head_(std::move(head)) {}
    Result<std::size_t> read(std::uint8_t* dst, std::size_t n) {
        if (pos_ < head_.size()) {
            n = std::min(n, head_.size() - pos_);
            std::memcpy(dst, head_.data() + pos_, n);
            pos_ += n;
            return n;
        }
        return raw_->read(dst, n);
    }

  private:
    std::unique_ptr<RawReader> raw_;
    std::vector<std::uint8_t> head_;
    std::size_t pos_ = 0;
};

class PlainInput : public SequentialInput {
  public:
    PlainInput(Prefixed in, std::string name) : in_(std::move(in)), name_(std::move(name)) {}
    Result<std::size_t> read(std::span<std::uint8_t> dst) override {
        return in_.read(dst.data(), dst.size());
    }
    const std::string& name() const noexcept override { return name_; }

  private:
    Prefixed in_;
    std::string name_;
};

class GzipInput : public SequentialInput {
  public:
    GzipInput(Prefixed in, std::string name) : in_(std::move(in)), name_(std::move(name)) {
        std::memset(&z_, 0, sizeof(z_));
        ok_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK;  // 16: gzip header and trailer
    }
    ~GzipInput() override { inflateEnd(&z_); }

    Result<std::size_t> read(std::span<std::uint8_t> dst) override {
        if (!ok_) return corrupt(name_, "cannot start gzip decompression");
        if (dst.empty() || done_) return std::size_t{0};
        z_.next_out = dst.data();
        z_.avail_out = static_cast<uInt>(std::min<std::size_t>(dst.size(), 1u << 30));
        while (z_.avail_out > 0) {
            if (z_.avail_in == 0) {
                auto n = in_.read(buffer_.data(), buffer_.size());
                if (!n) return n.error();
                if (*n == 0) {
                    if (in_member_) return corrupt(name_, "gzip data is truncated");
                    done_ = true;
                    break;
                }
                z_.next_in = buffer_.data();
                z_.avail_in = static_cast<uInt>(*n);
            }
            in_member_ = true;
            const int r = inflate(&z_, Z_NO_FLUSH);
            if (r == Z_STREAM_END) {
                // Another member may follow (concatenated gzip files are one stream).
                in_member_ = false;
                if (inflateReset(&z_) != Z_OK) return corrupt(name_, "gzip reset failed");
                continue;
            }
            if (r != Z_OK && r != Z_BUF_ERROR) {
                return corrupt(name_, std::string("corrupt gzip data: ") +
                                          (z_.msg != nullptr ? z_.msg : "inflate failed"));
            }
        }
        return dst.size() - z_.avail_out;
    }
    const std::string& name() const noexcept override { return name_; }

  private:
    Prefixed in_;
    std::string name_;
    z_stream z_;
    bool ok_ = false;
    bool done_ = false;
    bool in_member_ = false;
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(1u << 17);
};

class ZstdInput : public SequentialInput {
  public:
    ZstdInput(Prefixed in, std::string name)
        : in_(std::move(in)), name_(std::move(name)), stream_(ZSTD_createDStream()) {
        if (stream_ != nullptr) ZSTD_initDStream(stream_);
    }
    ~ZstdInput() override { ZSTD_freeDStream(stream_); }

    Result<std::size_t> read(std::span<std::uint8_t> dst) override {
        if (stream_ == nullptr) return corrupt(name_, "cannot start zstd decompression");
        ZSTD_outBuffer out{dst.data(), dst.size(), 0};
        while (out.pos < out.size && !done_) {
            if (input_.pos == input_.size) {
                auto n = in_.read(buffer_.data(), buffer_.size());
                if (!n) return n.error();
                if (*n == 0) {
                    if (pending_ != 0) return corrupt(name_, "zstd data is truncated");
                    done_ = true;
                    break;
                }
                input_ = {buffer_.data(), *n, 0};
            }
            pending_ = ZSTD_decompressStream(stream_, &out, &input_);
            if (ZSTD_isError(pending_)) {
                return corrupt(name_,
                               std::string("corrupt zstd data: ") + ZSTD_getErrorName(pending_));
            }
        }
        return out.pos;
    }
    const std::string& name() const noexcept override { return name_; }

  private:
    Prefixed in_;
    std::string name_;
    ZSTD_DStream* stream_;
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(ZSTD_DStreamInSize());
    ZSTD_inBuffer input_{nullptr, 0, 0};
    std::size_t pending_ = 0;  // 0 once a frame is complete
    bool done_ = false;
};

Result<std::unique_ptr<SequentialInput>> wrap(std::unique_ptr<RawReader> raw, std::string name) {
    std::vector<std::uint8_t> head(4);
    std::size_t got = 0;
    while (got < head.size()) {
        auto n = raw->read(head.data() + got, head.size() - got);
        if (!n) return n.error();
        if (*n == 0) break;
        got += *n;
    }
    head.resize(got);
    const Compression c = detect_compression(head);
    Prefixed in(std::move(raw), std::move(head));
    switch (c) {
        case Compression::kGzip:
            return std::unique_ptr<SequentialInput>(new GzipInput(std::move(in), std::move(name)));
        case Compression::kZstd:
            return std::unique_ptr<SequentialInput>(new ZstdInput(std::move(in), std::move(name)));
        case Compression::kNone:
            break;
    }
    return std::unique_ptr<SequentialInput>(new PlainInput(std::move(in), std::move(name)));
}

}  // namespace

Compression detect_compression(std::span<const std::uint8_t> head) noexcept {
    if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::kGzip;
    if (head.size() >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f &&
        head[3] == 0xfd) {
        return Compression::kZstd;
    }
    return Compression::kNone;
}

Result<std::unique_ptr<SequentialInput>> open_sequential(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error(path, "cannot open");
    return wrap(std::make_unique<FdReader>(fd, path), path);
}

std::unique_ptr<SequentialInput> memory_sequential(std::string_view bytes, std::string name) {
    auto r = wrap(std::make_unique<MemoryReader>(bytes), std::move(name));
    return r ? std::move(*r) : nullptr;  // memory reads cannot fail
}

Result<std::unique_ptr<ByteSource>> open_random_access(const std::string& path) {
    auto in = open_sequential(path);
    if (!in) return in.error();
    std::uint8_t head[4] = {};
    {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return io_error(path, "cannot open");
        const ssize_t n = ::pread(fd, head, sizeof(head), 0);
        ::close(fd);
        if (detect_compression({head, n > 0 ? static_cast<std::size_t>(n) : 0}) ==
            Compression::kNone) {
            return open_file(path);
        }
    }
    // Decompress into an unlinked temporary file and read that.
    std::FILE* tmp = std::tmpfile();
    if (tmp == nullptr) return io_error(path, "cannot create a temporary file to decompress");
    std::vector<std::uint8_t> block(1u << 20);
    for (;;) {
        auto n = (*in)->read(block);
        if (!n) {
            std::fclose(tmp);
            return n.error();
        }
        if (*n == 0) break;
        if (std::fwrite(block.data(), 1, *n, tmp) != *n) {
            std::fclose(tmp);
            return io_error(path, "cannot write the decompressed copy");
        }
    }
    if (std::fflush(tmp) != 0) {
        std::fclose(tmp);
        return io_error(path, "cannot write the decompressed copy");
    }
    // The temporary file is unlinked already: it disappears with its last descriptor.
    const int fd = ::dup(fileno(tmp));
    std::fclose(tmp);
    if (fd < 0) return io_error(path, "cannot keep the decompressed copy open");
    return file_source_from_fd(fd, path);
}

}  // namespace vigie::core
