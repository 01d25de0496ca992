// ransim/corpus.hpp - generating the test corpus: a hospital file share in miniature.
//
// Nested folders (Patients/<year>/<patient>/, Imagerie/<modality>/..., Compta/, RH/,
// Pharmacie/, Laboratoire/, Qualite/, Archives/, ...) of office documents, PDF, CSV and text,
// photographs and scans, DICOM series and archives, sized like the real thing (most between
// 4 KiB and 2 MiB, median about 100 KiB, a few DICOM and archives up to 8 MiB). The same seed
// gives the same tree, byte for byte; the corpus id in the marker is random.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "ransim/formats.hpp"

namespace vigie::ransim {

struct GenerateOptions {
    std::uint64_t files = 200;
    std::uint64_t seed = 2019;
};

/// One file of the corpus before it is built: where it goes and what it holds.
struct PlannedFile {
    std::string path;
    FileKind kind = FileKind::kTxt;
    std::uint64_t size = 0;  ///< the target; DICOM: from the dimensions
    std::uint64_t seed = 0;  ///< of this file's content, so files can be built in any order
    DocumentContext context;
    std::string study_uid;  ///< DICOM
    std::string modality;   ///< DICOM
    unsigned instance = 0;  ///< DICOM
    unsigned rows = 0;      ///< DICOM
    unsigned columns = 0;   ///< DICOM
};

std::vector<PlannedFile> plan_corpus(const GenerateOptions& options);
Bytes build_file(const PlannedFile& file);

struct GenerateReport {
    std::string corpus_id;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    std::array<std::uint64_t, kFileKinds> per_kind{};
};

/// Generates the corpus into `dir`, which must not exist or be empty (and not be a symbolic
/// link). Files first, then the manifest, then the marker: an interrupted generation leaves
/// no marker, so no other command will touch the half-made tree.
core::Result<GenerateReport> generate(const std::string& dir, const GenerateOptions& options);

}  // namespace vigie::ransim
