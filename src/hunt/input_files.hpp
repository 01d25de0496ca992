// hunt/input_files.hpp - what to read: files and folders walked recursively, sorted, classified.
//
// EVTX files are recognised by their signature ("ElfFile"), JSON exports by extension
// (.json, .jsonl, .ndjson) or, for files named explicitly, by a first non-blank byte of `{` or
// `[`; Windows event XML (Event Viewer's "Save as XML", `wevtutil qe /f:xml`) by the extension
// .xml or, named explicitly, a first non-blank byte of `<`. `.gz` and `.zst` files
// are classified by what their name says is inside (`x.evtx.gz`, `x.jsonl.zst`). Other files
// met while walking folders are skipped and counted; a file named explicitly that is neither
// is an error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace vigie::hunt {

enum class InputKind : unsigned char { kEvtx, kJson, kXml };
enum class Compression : unsigned char { kNone, kGzip, kZstd };

struct InputFile {
    std::string path;
    InputKind kind = InputKind::kEvtx;
    Compression compression = Compression::kNone;
    std::uint64_t size = 0;  ///< bytes on disk
};

struct InputList {
    std::vector<InputFile> files;
    std::vector<std::string> skipped;  ///< files in folders that are not event logs
    std::vector<core::Error> errors;   ///< paths that do not exist or cannot be read
};

InputList collect_inputs(const std::vector<std::string>& paths);

}  // namespace vigie::hunt
