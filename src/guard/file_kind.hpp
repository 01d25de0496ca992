// guard/file_kind.hpp - the kind of a file from its first bytes, as `file` would say.
//
// Ransomware replaces a document's structure with ciphertext: a PDF that no longer starts
// with %PDF-, a DICOM image without its DICM marker. The guard compares the kind before and
// after a change; which kind does not matter much, losing one does.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace vigie::guard {

enum class FileKind : unsigned char {
    kUnknown,  ///< no known magic (also: ciphertext)
    kEmpty,
    kText,  ///< mostly printable ASCII or UTF-8 (including CSV, XML, RTF, HTML)
    kPdf,
    kZip,   ///< also OOXML (docx, xlsx, pptx) and OpenDocument
    kOle2,  ///< legacy Office (doc, xls, ppt), MSI
    kPng,
    kJpeg,
    kGif,
    kTiff,
    kBmp,
    kDicom,  ///< medical images: a 128-byte preamble, then "DICM"
    kGzip,
    kZstd,
    kSevenZip,
    kRar,
    kSqlite,
    kMp4,  ///< ISO base media (mp4, mov, heic)
    kElf,
    kPe,
};

const char* file_kind_name(FileKind kind) noexcept;

/// The kind from the first bytes of a file (give at least 512 when the file has them).
FileKind sniff_file_kind(std::span<const std::uint8_t> head);

/// A kind with a structure that encryption destroys (everything but unknown, empty and text).
bool has_structure(FileKind kind) noexcept;

}  // namespace vigie::guard
