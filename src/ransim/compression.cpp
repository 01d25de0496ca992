#include "ransim/compression.hpp"

#include <zlib.h>

namespace vigie::ransim {
namespace {

// 2019-11-15 09:30: every member gets the same DOS time, so that a seed gives the same bytes.
constexpr std::uint16_t kDosTime = (9 << 11) | (30 << 5);
constexpr std::uint16_t kDosDate = ((2019 - 1980) << 9) | (11 << 5) | 15;

void put16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put32(Bytes& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_bytes(Bytes& out, std::string_view s) {
    out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

Bytes deflate(std::span<const std::uint8_t> data, Wrapping wrapping) {
    z_stream stream{};
    const int window = wrapping == Wrapping::kRaw ? -15 : wrapping == Wrapping::kGzip ? 31 : 15;
    if (deflateInit2(&stream, 1, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    Bytes out(deflateBound(&stream, static_cast<uLong>(data.size())) + 64);
    stream.next_in = const_cast<Bytef*>(data.data());
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = ::deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return status == Z_STREAM_END ? out : Bytes{};
}

std::uint32_t crc32_of(std::span<const std::uint8_t> data) {
    return static_cast<std::uint32_t>(
        ::crc32(::crc32(0, nullptr, 0), data.data(), static_cast<uInt>(data.size())));
}

void ZipWriter::add(std::string_view name, std::span<const std::uint8_t> data, bool compress) {
    const std::uint32_t crc = crc32_of(data);
    Bytes packed;
    if (compress) packed = deflate(data, Wrapping::kRaw);
    const bool stored = !compress || packed.size() >= data.size();
    const std::span<const std::uint8_t> body =
        stored ? data : std::span<const std::uint8_t>(packed);
    const auto offset = static_cast<std::uint32_t>(out_.size());
    const std::uint16_t method = stored ? 0 : 8;

    put32(out_, 0x04034b50);
    put16(out_, 20);  // version needed: 2.0
    put16(out_, 0);   // flags
    put16(out_, method);
    put16(out_, kDosTime);
    put16(out_, kDosDate);
    put32(out_, crc);
    put32(out_, static_cast<std::uint32_t>(body.size()));
    put32(out_, static_cast<std::uint32_t>(data.size()));
    put16(out_, static_cast<std::uint16_t>(name.size()));
    put16(out_, 0);
    put_bytes(out_, name);
    out_.insert(out_.end(), body.begin(), body.end());

    put32(central_, 0x02014b50);
    put16(central_, 20);  // made by: MS-DOS, 2.0 (what Office writes)
    put16(central_, 20);
    put16(central_, 0);
    put16(central_, method);
    put16(central_, kDosTime);
    put16(central_, kDosDate);
    put32(central_, crc);
    put32(central_, static_cast<std::uint32_t>(body.size()));
    put32(central_, static_cast<std::uint32_t>(data.size()));
    put16(central_, static_cast<std::uint16_t>(name.size()));
    put16(central_, 0);  // extra
    put16(central_, 0);  // comment
    put16(central_, 0);  // disk
    put16(central_, 0);  // internal attributes
    put32(central_, 0);  // external attributes
    put32(central_, offset);
    put_bytes(central_, name);
    ++entries_;
}

Bytes ZipWriter::finish() {
    const auto central_offset = static_cast<std::uint32_t>(out_.size());
    out_.insert(out_.end(), central_.begin(), central_.end());
    put32(out_, 0x06054b50);
    put16(out_, 0);
    put16(out_, 0);
    put16(out_, entries_);
    put16(out_, entries_);
    put32(out_, static_cast<std::uint32_t>(central_.size()));
    put32(out_, central_offset);
    put16(out_, 0);
    return std::move(out_);
}

}  // namespace vigie::ransim
