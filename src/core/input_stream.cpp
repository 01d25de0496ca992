#include "core/input_stream.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace vigie::core {
namespace {

Error io_error(const std::string& name, const std::string& what, int err) {
    return fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                what + ": " + std::strerror(err), {name, Location::kNone, {}, 0});
}

Error corrupt(const std::string& name, std::uint64_t offset, const std::string& what) {
    return fail(ErrorCode::kCorrupt, what, {name, offset, {}, 0});
}

// ---- raw bytes --------------------------------------------------------------------------------

class RawReader {
  public:
    virtual ~RawReader() = default;
    virtual Result<std::size_t> read(std::uint8_t* dst, std::size_t n) = 0;
};

class FdReader final : public RawReader {
  public:
    FdReader(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
    ~FdReader() override { ::close(fd_); }
    FdReader(const FdReader&) = delete;
    FdReader& operator=(const FdReader&) = delete;

    Result<std::size_t> read(std::uint8_t* dst, std::size_t n) override {
        for (;;) {
            const ssize_t r = ::read(fd_, dst, n);
            if (r >= 0) return static_cast<std::size_t>(r);
            if (errno != EINTR) return io_error(name_, "read failed", errno);
        }
    }

  private:
    int fd_;
    std::string name_;
};

class MemoryReader final : public RawReader {
  public:
    explicit MemoryReader(std::string_view bytes) : bytes_(bytes) {}
    Result<std::size_t> read(std::uint8_t* dst, std::size_t n) override {
        n = std::min(n, bytes_.size());
        if (n > 0) std::memcpy(dst, bytes_.data(), n);
        bytes_.remove_prefix(n);
        return n;
    }

  private:
    std::string_view bytes_;
};

// The raw bytes, with the few read to recognise the compression served again first. Counts the
// bytes handed out, so that errors can say where in the compressed file they are.
class Source {
  public:
    Source(std::unique_ptr<RawReader> raw, std::vector<std::uint8_t> head)
        : raw_(std::move(raw)), head_(std::move(head)) {}

    Result<std::size_t> read(std::uint8_t* dst, std::size_t n) {
        if (pos_ < head_.size()) {
            n = std::min(n, head_.size() - pos_);
            std::memcpy(dst, head_.data() + pos_, n);
            pos_ += n;
            delivered_ += n;
            return n;
        }
        auto r = raw_->read(dst, n);
        if (r) delivered_ += *r;
        return r;
    }
    std::uint64_t delivered() const noexcept { return delivered_; }

  private:
    std::unique_ptr<RawReader> raw_;
    std::vector<std::uint8_t> head_;
    std::size_t pos_ = 0;
    std::uint64_t delivered_ = 0;
};

// ---- streams ------------------------------------------------------------------------------------

// Shared by the three streams: once decoding fails, the bytes decoded before the failure are
// returned first and the error on the next call (and on every call after it).
class StreamBase : public InputStream {
  public:
    StreamBase(Source source, std::string name)
        : source_(std::move(source)), name_(std::move(name)) {}

    Result<std::size_t> read(std::span<std::uint8_t> dst) final {
        if (failed_) return *failed_;
        if (dst.empty()) return std::size_t{0};
        std::size_t produced = 0;
        auto r = decode(dst, produced);
        if (!r) {
            failed_ = std::move(r).error();
            if (produced == 0) return *failed_;
        }
        return produced;
    }
    const std::string& name() const noexcept final { return name_; }

  protected:
    /// Fills the front of `dst`, setting `produced` even on failure.
    virtual Result<void> decode(std::span<std::uint8_t> dst, std::size_t& produced) = 0;

    Source source_;
    std::string name_;
    std::optional<Error> failed_;
};

class PlainStream final : public StreamBase {
  public:
    using StreamBase::StreamBase;
    Compression compression() const noexcept override { return Compression::kNone; }

  private:
    Result<void> decode(std::span<std::uint8_t> dst, std::size_t& produced) override {
        auto n = source_.read(dst.data(), dst.size());
        if (!n) return n.error();
        produced = *n;
        return {};
    }
};

class GzipStream final : public StreamBase {
  public:
    GzipStream(Source source, std::string name) : StreamBase(std::move(source), std::move(name)) {
        std::memset(&z_, 0, sizeof(z_));
        ready_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK;  // 16: gzip header and trailer only
    }
    ~GzipStream() override {
        if (ready_) inflateEnd(&z_);
    }
    GzipStream(const GzipStream&) = delete;
    GzipStream& operator=(const GzipStream&) = delete;
    Compression compression() const noexcept override { return Compression::kGzip; }

  private:
    std::uint64_t offset() const noexcept { return source_.delivered() - z_.avail_in; }

    Result<void> decode(std::span<std::uint8_t> dst, std::size_t& produced) override {
        if (!ready_) return corrupt(name_, 0, "cannot start gzip decompression");
        const std::size_t size = std::min<std::size_t>(dst.size(), 1u << 30);  // uInt counts
        z_.next_out = dst.data();
        z_.avail_out = static_cast<uInt>(size);
        auto result = run();
        produced = size - z_.avail_out;
        return result;
    }

    Result<void> run() {
        while (z_.avail_out > 0 && !done_) {
            if (z_.avail_in == 0 && !eof_) {
                auto n = source_.read(buffer_.data(), buffer_.size());
                if (!n) return n.error();
                eof_ = *n == 0;
                z_.next_in = buffer_.data();
                z_.avail_in = static_cast<uInt>(*n);
            }
            if (!in_member_) {
                // Between members. Some writers (tape blocks, a few archivers) pad the last
                // member with zeros; gzip(1) ignores them, so do we.
                while (z_.avail_in > 0 && *z_.next_in == 0) {
                    ++z_.next_in;
                    --z_.avail_in;
                    padded_ = true;
                }
                if (z_.avail_in == 0) {
                    done_ = eof_;
                    continue;
                }
                if (padded_) {
                    return corrupt(name_, offset(), "data after the end of the gzip stream");
                }
                in_member_ = true;
            }
            // Called even without input at the end: inflate may still hold output to flush.
            const int r = inflate(&z_, Z_NO_FLUSH);
            if (r == Z_STREAM_END) {
                in_member_ = false;  // another member may follow (`cat a.gz b.gz` is valid)
                if (inflateReset(&z_) != Z_OK) return corrupt(name_, offset(), "gzip reset failed");
            } else if (r == Z_BUF_ERROR) {  // no progress possible with what it has
                if (z_.avail_in > 0) return corrupt(name_, offset(), "gzip decoder is stuck");
                if (eof_) return corrupt(name_, offset(), "gzip data is truncated");
            } else if (r != Z_OK) {
                return corrupt(name_, offset(),
                               std::string("corrupt gzip data: ") +
                                   (z_.msg != nullptr ? z_.msg : "inflate failed"));
            }
        }
        return {};
    }

    z_stream z_;
    bool ready_ = false;
    bool eof_ = false;        // the raw input is exhausted
    bool done_ = false;       // and everything has been delivered
    bool in_member_ = false;  // inside a gzip member
    bool padded_ = false;     // zero bytes seen after a member
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(std::size_t{1} << 17);
};

class ZstdStream final : public StreamBase {
  public:
    ZstdStream(Source source, std::string name)
        : StreamBase(std::move(source), std::move(name)), stream_(ZSTD_createDStream()) {
        if (stream_ != nullptr) ZSTD_initDStream(stream_);
    }
    ~ZstdStream() override { ZSTD_freeDStream(stream_); }
    ZstdStream(const ZstdStream&) = delete;
    ZstdStream& operator=(const ZstdStream&) = delete;
    Compression compression() const noexcept override { return Compression::kZstd; }

  private:
    std::uint64_t offset() const noexcept {
        return source_.delivered() - (input_.size - input_.pos);
    }

    Result<void> decode(std::span<std::uint8_t> dst, std::size_t& produced) override {
        if (stream_ == nullptr) return corrupt(name_, 0, "cannot start zstd decompression");
        ZSTD_outBuffer out{dst.data(), dst.size(), 0};
        auto result = run(out);
        produced = out.pos;
        return result;
    }

    Result<void> run(ZSTD_outBuffer& out) {
        while (out.pos < out.size && !done_) {
            if (input_.pos == input_.size && !eof_) {
                auto n = source_.read(buffer_.data(), buffer_.size());
                if (!n) return n.error();
                eof_ = *n == 0;
                input_ = {buffer_.data(), *n, 0};
            }
            const bool input_left = input_.pos < input_.size;
            if (eof_ && !input_left && !in_frame_) {
                done_ = true;
                break;
            }
            // Called even without input at the end: the decoder may hold output to flush.
            const std::size_t out_before = out.pos;
            const std::size_t r = ZSTD_decompressStream(stream_, &out, &input_);
            if (ZSTD_isError(r)) {
                return corrupt(name_, offset(),
                               std::string("corrupt zstd data: ") + ZSTD_getErrorName(r));
            }
            in_frame_ = r != 0;  // 0: a frame just ended (another may follow)
            if (in_frame_ && eof_ && !input_left && out.pos == out_before) {
                return corrupt(name_, offset(), "zstd data is truncated");
            }
        }
        return {};
    }

    ZSTD_DStream* stream_;
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(ZSTD_DStreamInSize());
    ZSTD_inBuffer input_{nullptr, 0, 0};
    bool eof_ = false;
    bool done_ = false;
    bool in_frame_ = false;
};

Result<std::unique_ptr<InputStream>> wrap(std::unique_ptr<RawReader> raw, std::string name) {
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
    Source source(std::move(raw), std::move(head));
    switch (c) {
        case Compression::kGzip:
            return std::unique_ptr<InputStream>(new GzipStream(std::move(source), std::move(name)));
        case Compression::kZstd:
            return std::unique_ptr<InputStream>(new ZstdStream(std::move(source), std::move(name)));
        case Compression::kNone:
            break;
    }
    return std::unique_ptr<InputStream>(new PlainStream(std::move(source), std::move(name)));
}

// An unlinked file in $TMPDIR (or /tmp): nothing is left behind, even after a crash.
int make_temp_file(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    // Filesystems without O_TMPFILE: create, then unlink at once.
    std::string name = dir + "/vigie-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
    return fd;
}

Result<void> write_all(int fd, const std::uint8_t* p, std::size_t n, const std::string& name,
                       const std::string& dir) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return io_error(name, "cannot write the decompressed copy in " + dir, errno);
        }
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return {};
}

}  // namespace

Compression detect_compression(std::span<const std::uint8_t> head) noexcept {
    if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::kGzip;
    if (head.size() < 4) return Compression::kNone;
    if (head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) {
        return Compression::kZstd;
    }
    // A skippable frame (magic 0x184D2A50..5F) first, as pzstd writes: zstd too.
    if ((head[0] & 0xf0) == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18) {
        return Compression::kZstd;
    }
    return Compression::kNone;
}

Result<std::unique_ptr<InputStream>> open_input_stream(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error(path, "cannot open", errno);
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::kInvalidArgument, "is a directory", {path, Location::kNone, {}, 0});
    }
    return wrap(std::make_unique<FdReader>(fd, path), path);
}

std::unique_ptr<InputStream> memory_input_stream(std::string_view bytes, std::string name) {
    auto r = wrap(std::make_unique<MemoryReader>(bytes), std::move(name));
    return r ? std::move(*r) : nullptr;  // reading memory cannot fail
}

Result<std::unique_ptr<ByteSource>> open_decompressed_file(const std::string& path) {
    auto in = open_input_stream(path);
    if (!in) return in.error();
    if ((*in)->compression() == Compression::kNone) {
        in->reset();
        return open_file(path);
    }
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : "/tmp";
    const int fd = make_temp_file(dir);
    if (fd < 0) {
        return io_error(path, "cannot create a temporary file in " + dir + " to decompress into",
                        errno);
    }
    std::vector<std::uint8_t> block(std::size_t{1} << 20);
    for (;;) {
        auto n = (*in)->read(block);
        if (!n) {
            ::close(fd);
            return n.error();
        }
        if (*n == 0) break;
        if (auto w = write_all(fd, block.data(), *n, path, dir); !w) {
            ::close(fd);
            return w.error();
        }
    }
    return file_source_from_fd(fd, path);
}

}  // namespace vigie::core
