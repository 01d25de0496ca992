// evtx/byte_reader.hpp - bounds-checked little-endian reads over untrusted bytes.
//
// Positions are offsets from the start of the buffer (for chunks: chunk-relative offsets, which
// is how BinXML refers to names and templates). Every read checks the limit first; a failed read
// leaves the position unchanged and returns false.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace vigie::evtx {

class ByteReader {
  public:
    ByteReader(std::span<const std::uint8_t> buffer, std::size_t pos, std::size_t limit) noexcept
        : data_(buffer.data()), size_(limit < buffer.size() ? limit : buffer.size()), pos_(pos) {}

    std::size_t pos() const noexcept { return pos_; }
    std::size_t limit() const noexcept { return size_; }
    std::size_t remaining() const noexcept { return pos_ <= size_ ? size_ - pos_ : 0; }
    bool at_end() const noexcept { return pos_ >= size_; }
    const std::uint8_t* ptr() const noexcept { return data_ + pos_; }
    const std::uint8_t* base() const noexcept { return data_; }

    bool can_read(std::size_t n) const noexcept { return pos_ <= size_ && n <= size_ - pos_; }
    bool skip(std::size_t n) noexcept {
        if (!can_read(n)) return false;
        pos_ += n;
        return true;
    }
    bool seek(std::size_t p) noexcept {
        if (p > size_) return false;
        pos_ = p;
        return true;
    }
    template <typename T>
    bool read(T& out) noexcept {
        if (!can_read(sizeof(T))) return false;
        std::memcpy(&out, data_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return true;
    }
    bool peek_u8(std::uint8_t& out) const noexcept {
        if (!can_read(1)) return false;
        out = data_[pos_];
        return true;
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_;
};

template <typename T>
inline T load_le(const std::uint8_t* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

}  // namespace vigie::evtx
