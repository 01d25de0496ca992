// guard/file_sample.hpp - what a file held before a writer opened it, and what it holds when
// the writer closes it, compared.
//
// A sample is the file's first and last 64 KiB: enough for its magic, its container trailer
// (a zip's end record, a PDF's %%EOF, a PNG's IEND) and a block of content. Comparing two
// samples of one file looks only at the 16-byte chunks that changed, so encrypting every
// other 16 bytes, or everything past an intact header, shows as clearly as a full rewrite.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/change_evidence.hpp"
#include "guard/event_source.hpp"

namespace vigie::guard {

struct FileSample {
    std::uint64_t size = 0;
    std::vector<std::uint8_t> head;  ///< bytes [0, min(size, kSampleBytes))
    std::vector<std::uint8_t> tail;  ///< the last kSampleBytes when the file is longer than head
    std::uint64_t tail_offset = 0;   ///< offset of tail[0]
};

inline constexpr std::size_t kSampleBytes = 64 * 1024;

/// Reads `out.size()` bytes at an offset; returns how many (fewer at the end of the file).
using SampleReader =
    std::function<core::Result<std::size_t>(std::uint64_t offset, std::span<std::uint8_t> out)>;

/// Reads a sample through the source (the event's descriptor): the guard never opens a
/// protected file itself, which would raise its own permission event.
/// `head_bytes` and `tail_bytes` read less where less is needed (a new file; 0: no tail).
core::Result<FileSample> take_sample(EventSource& source, const FsEvent& event, std::uint64_t size,
                                     std::size_t head_bytes = kSampleBytes,
                                     std::size_t tail_bytes = kSampleBytes);
/// The same through any reader (the journal's link to a file a rename replaced).
core::Result<FileSample> take_sample(const SampleReader& read, std::uint64_t size,
                                     std::size_t head_bytes, std::size_t tail_bytes);

/// The evidence a rewrite gives: the file's samples before (null for a new file) and after,
/// with its names before and after (basename; equal when not renamed).
ChangeEvidence compare_samples(const FileSample* before, const FileSample& after,
                               std::string_view name_before, std::string_view name_after,
                               const EvidenceWeights& weights = {});

/// A kind's end marker is present: a zip's end-of-central-directory record, a PDF's %%EOF,
/// a PNG's IEND chunk, a JPEG's EOI; a gzip trailer's plausible size, a 7z archive's last
/// header where its start header says. True for kinds without one.
bool container_trailer_intact(FileKind kind, const FileSample& sample);

}  // namespace vigie::guard
