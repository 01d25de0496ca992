#include "guard/file_sample.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace vigie::guard {
namespace {

constexpr std::size_t kChunk = 16;

core::Result<std::vector<std::uint8_t>> read_range(const SampleReader& read, std::uint64_t offset,
                                                   std::size_t length) {
    std::vector<std::uint8_t> bytes(length);
    std::size_t done = 0;
    while (done < length) {
        auto got = read(offset + done, std::span<std::uint8_t>(bytes).subspan(done));
        if (!got) return got.error();
        if (*got == 0) break;  // the file shrank meanwhile
        done += *got;
    }
    bytes.resize(done);
    return bytes;
}

// Appends the 16-byte chunks where `before` and `after` differ (the common length only).
void append_changed_chunks(const std::vector<std::uint8_t>& before,
                           const std::vector<std::uint8_t>& after, std::vector<std::uint8_t>& was,
                           std::vector<std::uint8_t>& now) {
    const std::size_t common = std::min(before.size(), after.size());
    for (std::size_t at = 0; at < common; at += kChunk) {
        const std::size_t n = std::min(kChunk, common - at);
        if (std::memcmp(before.data() + at, after.data() + at, n) == 0) continue;
        was.insert(was.end(), before.begin() + static_cast<std::ptrdiff_t>(at),
                   before.begin() + static_cast<std::ptrdiff_t>(at + n));
        now.insert(now.end(), after.begin() + static_cast<std::ptrdiff_t>(at),
                   after.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
}

bool contains(std::span<const std::uint8_t> bytes, std::string_view needle) {
    if (needle.empty() || bytes.size() < needle.size()) return false;
    const auto* begin = reinterpret_cast<const char*>(bytes.data());
    return std::string_view(begin, bytes.size()).find(needle) != std::string_view::npos;
}

// The last `n` bytes of the file as far as the sample has them.
std::span<const std::uint8_t> last_bytes(const FileSample& s, std::size_t n) {
    const std::vector<std::uint8_t>& end = s.tail.empty() ? s.head : s.tail;
    const std::size_t take = std::min(n, end.size());
    return std::span<const std::uint8_t>(end).subspan(end.size() - take);
}

// The sample holds the file's last bytes (its tail, or a head that is the whole file).
bool reaches_end(const FileSample& s) {
    return !s.tail.empty() ? s.tail_offset + s.tail.size() == s.size : s.head.size() == s.size;
}

std::uint64_t little_endian(std::span<const std::uint8_t> bytes) {
    std::uint64_t v = 0;
    for (std::size_t i = bytes.size(); i-- > 0;) v = (v << 8) | bytes[i];
    return v;
}

// A gzip member ends with the uncompressed size modulo 2^32. Deflate compresses at most about
// 1032 to 1: a larger claim is not a gzip trailer (the body was rewritten, header kept).
// Not decidable once 1032 times the size passes 4 GiB.
bool gzip_trailer_plausible(const FileSample& s) {
    if (s.size < 18 || !reaches_end(s) || s.size * 1032 >= (1ULL << 32)) return true;
    return little_endian(last_bytes(s, 4)) <= s.size * 1032;
}

// A 7z archive's start header (bytes 12-27) says where its last header lies; that header
// starts with kHeader (1) or kEncodedHeader (0x17).
bool seven_zip_header_in_place(const FileSample& s) {
    if (s.head.size() < 32) return true;
    const std::uint64_t at = 32 + little_endian(std::span(s.head).subspan(12, 8));
    if (at >= s.size) return false;
    const std::vector<std::uint8_t>& part = at < s.head.size() ? s.head : s.tail;
    const std::uint64_t base = at < s.head.size() ? 0 : s.tail_offset;
    if (at < base || at - base >= part.size()) return true;  // not in the sample
    const std::uint8_t id = part[static_cast<std::size_t>(at - base)];
    return id == 0x01 || id == 0x17;
}

}  // namespace

core::Result<FileSample> take_sample(EventSource& source, const FsEvent& event, std::uint64_t size,
                                     std::size_t head_bytes, std::size_t tail_bytes) {
    const SampleReader read = [&](std::uint64_t offset, std::span<std::uint8_t> out) {
        return source.read_file(event, offset, out);
    };
    return take_sample(read, size, head_bytes, tail_bytes);
}

core::Result<FileSample> take_sample(const SampleReader& read, std::uint64_t size,
                                     std::size_t head_bytes, std::size_t tail_bytes) {
    FileSample s;
    s.size = size;
    head_bytes = std::min(head_bytes, kSampleBytes);
    tail_bytes = std::min(tail_bytes, kSampleBytes);
    const auto head_length = static_cast<std::size_t>(std::min<std::uint64_t>(size, head_bytes));
    auto head = read_range(read, 0, head_length);
    if (!head) return head.error();
    s.head = std::move(*head);
    if (tail_bytes > 0 && size > head_length) {
        // The tail never overlaps the head: for files under head + tail it starts where head
        // ends. Two samples of files of one size and one reading therefore line up.
        s.tail_offset = std::max<std::uint64_t>(head_length, size - tail_bytes);
        auto tail = read_range(read, s.tail_offset, static_cast<std::size_t>(size - s.tail_offset));
        if (!tail) return tail.error();
        s.tail = std::move(*tail);
    }
    return s;
}

bool container_trailer_intact(FileKind kind, const FileSample& sample) {
    using namespace std::string_view_literals;
    switch (kind) {
        case FileKind::kZip:
            // End of central directory: 22 bytes plus a comment of at most 64 KiB.
            return contains(last_bytes(sample, kSampleBytes), "PK\x05\x06"sv);
        case FileKind::kPdf:
            return contains(last_bytes(sample, 1024), "%%EOF"sv);
        case FileKind::kPng:
            return contains(last_bytes(sample, 64), "IEND"sv);
        case FileKind::kJpeg:
            return contains(last_bytes(sample, 1024), "\xFF\xD9"sv);
        case FileKind::kGzip:
            return gzip_trailer_plausible(sample);
        case FileKind::kSevenZip:
            return seven_zip_header_in_place(sample);
        default:
            return true;
    }
}

ChangeEvidence compare_samples(const FileSample* before, const FileSample& after,
                               std::string_view name_before, std::string_view name_after,
                               const EvidenceWeights& weights) {
    std::vector<std::uint8_t> was;
    std::vector<std::uint8_t> now;
    if (before != nullptr) {
        append_changed_chunks(before->head, after.head, was, now);
        if (before->tail_offset == after.tail_offset)
            append_changed_chunks(before->tail, after.tail, was, now);
        // A file that grew or was rewritten shorter: the bytes past the common part are new.
        if (after.head.size() > before->head.size())
            now.insert(now.end(),
                       after.head.begin() + static_cast<std::ptrdiff_t>(before->head.size()),
                       after.head.end());
    } else {
        now = after.head;
    }
    const std::span<const std::uint8_t> empty;
    FileSnapshot then{name_before,
                      before != nullptr ? std::span<const std::uint8_t>(before->head) : empty, was};
    FileSnapshot later{name_after, after.head, now};
    // A new file has nothing to compare with: only its name can say something here (the
    // engine pairs an encrypted copy with the original it replaces).
    if (before == nullptr) {
        then.head = empty;
        later.block = empty;
    }
    ChangeEvidence e = assess_change(then, later, weights);
    // A container whose header survived but whose end record is gone: encryption past an
    // intact header. Counted once with a lost header (the same fact: the structure is gone).
    const bool header_lost = std::any_of(e.parts.begin(), e.parts.end(),
                                         [](const auto& p) { return p.key == "structure_lost"; });
    if (before != nullptr && !header_lost && e.kind_before == e.kind_after &&
        container_trailer_intact(e.kind_before, *before) &&
        !container_trailer_intact(e.kind_after, after)) {
        e.parts.push_back({"structure_lost",
                           std::string("file structure lost (") + file_kind_name(e.kind_before) +
                               " end marker gone)",
                           weights.structure_lost});
        e.score += weights.structure_lost;
    }
    return e;
}

}  // namespace vigie::guard
