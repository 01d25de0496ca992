#include "hunt/input_files.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace vigie::hunt {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return s;
}

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Classifies a file; false when it is not an event log vigie reads. JSON without a telling
// extension is accepted only when named explicitly: folders hold other JSON (notebooks,
// configuration) that are not event exports.
bool classify(const fs::path& path, InputFile& out, bool sniff_json) {
    std::string name = lower(path.filename().string());
    out.compression = Compression::kNone;
    if (ends_with(name, ".gz")) {
        out.compression = Compression::kGzip;
        name.resize(name.size() - 3);
    } else if (ends_with(name, ".zst")) {
        out.compression = Compression::kZstd;
        name.resize(name.size() - 4);
    }
    if (ends_with(name, ".evtx")) {
        out.kind = InputKind::kEvtx;
        return true;
    }
    if (ends_with(name, ".json") || ends_with(name, ".jsonl") || ends_with(name, ".ndjson")) {
        out.kind = InputKind::kJson;
        return true;
    }
    if (ends_with(name, ".xml")) {
        out.kind = InputKind::kXml;
        return true;
    }
    if (out.compression != Compression::kNone) return false;
    // No telling extension: look at the first bytes.
    std::ifstream in(path, std::ios::binary);
    char head[64] = {};
    in.read(head, sizeof(head));
    const std::size_t n = static_cast<std::size_t>(in.gcount());
    if (n >= 8 && std::memcmp(head, "ElfFile", 8) == 0) {
        out.kind = InputKind::kEvtx;
        return true;
    }
    for (std::size_t i = 0; sniff_json && i < n; ++i) {
        const char c = head[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '{' || c == '[') {
            out.kind = InputKind::kJson;
            return true;
        }
        if (c == '<') {
            out.kind = InputKind::kXml;
            return true;
        }
        break;
    }
    return false;
}

}  // namespace

InputList collect_inputs(const std::vector<std::string>& paths) {
    InputList list;
    for (const std::string& p : paths) {
        std::error_code ec;
        const fs::file_status st = fs::status(p, ec);
        if (ec || !fs::exists(st)) {
            list.errors.push_back(core::fail(core::ErrorCode::kNotFound, "no such file or folder",
                                             {p, core::Location::kNone, {}, 0}));
            continue;
        }
        if (fs::is_directory(st)) {
            std::vector<InputFile> found;
            fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied,
                                                ec);
            for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
                std::error_code fec;
                if (!it->is_regular_file(fec)) continue;
                InputFile f;
                f.path = it->path().string();
                f.size = it->file_size(fec);
                if (classify(it->path(), f, false)) {
                    found.push_back(std::move(f));
                } else {
                    list.skipped.push_back(it->path().string());
                }
            }
            if (ec) {
                list.errors.push_back(core::fail(core::ErrorCode::kIo,
                                                 "cannot list: " + ec.message(),
                                                 {p, core::Location::kNone, {}, 0}));
            }
            std::sort(found.begin(), found.end(),
                      [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
            for (auto& f : found) list.files.push_back(std::move(f));
            continue;
        }
        InputFile f;
        f.path = p;
        f.size = fs::file_size(p, ec);
        if (!classify(p, f, true)) {
            list.errors.push_back(core::fail(core::ErrorCode::kUnsupported,
                                             "neither an EVTX file nor a JSON or XML event export",
                                             {p, core::Location::kNone, {}, 0}));
            continue;
        }
        list.files.push_back(std::move(f));
    }
    return list;
}

}  // namespace vigie::hunt
