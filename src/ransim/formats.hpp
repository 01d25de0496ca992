// ransim/formats.hpp - the kinds of file a hospital's shares hold, each built as a valid file
// of its format: OOXML documents and spreadsheets as real ZIP packages, PDF with its xref
// table, PNG with checked chunks, JPEG with its segments and entropy-coded data, DICOM with
// its preamble, DICM and explicit-VR elements, ZIP and tar.gz archives. What the guard
// compares before and after a write (magic numbers, entropy of a block) must look like the
// real thing; the pixels and words need not mean anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ransim/hospital_text.hpp"
#include "ransim/random.hpp"

namespace vigie::ransim {

enum class FileKind : unsigned char {
    kDocx,
    kXlsx,
    kPdf,
    kCsv,
    kTxt,
    kJpeg,
    kPng,
    kDicom,
    kZip,
    kTarGz,
};
inline constexpr int kFileKinds = 10;

std::string_view kind_extension(FileKind kind);  ///< "docx", ..., "tar.gz"

/// Who and what a document is about.
struct DocumentContext {
    Person patient;
    std::string patient_id;
    Date date;
    std::string_view service;
    std::string title;
};

// Documents (documents.cpp). Sizes are targets: the result is within a few KiB for most
// kinds, whatever deflate makes of the text for the others.
Bytes make_docx(Random& random, const DocumentContext& context, std::uint64_t size);
Bytes make_xlsx(Random& random, const DocumentContext& context, std::uint64_t size);
Bytes make_pdf(Random& random, const DocumentContext& context, std::uint64_t size);
Bytes make_csv(Random& random, const DocumentContext& context, std::uint64_t size);
Bytes make_txt(Random& random, const DocumentContext& context, std::uint64_t size);

// Images (images.cpp).
struct JpegImage {
    Bytes bytes;
    unsigned width = 0;
    unsigned height = 0;
};
JpegImage make_jpeg(Random& random, std::uint64_t size);
Bytes make_png(Random& random, std::uint64_t size);
/// A 16-bit (12 stored) monochrome slice: a body outline with smooth tissue and faint noise.
Bytes make_dicom(Random& random, const DocumentContext& context, std::string_view modality,
                 std::string_view study_uid, unsigned instance, unsigned rows, unsigned columns);

// Archives (archives.cpp).
Bytes make_zip_archive(Random& random, const DocumentContext& context, std::uint64_t size);
Bytes make_tar_gz(Random& random, const DocumentContext& context, std::uint64_t size);

}  // namespace vigie::ransim
