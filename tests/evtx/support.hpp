// Helpers shared by the EVTX tests: shared data paths, reading a file into JSON lines.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "evtx/file_reader.hpp"
#include "evtx/json_render.hpp"

namespace vigie::test {

inline std::filesystem::path shared_data() {
    return std::filesystem::path(VIGIE_SHARED_DATA);
}

/// All files under `dir` ending with `extension`, sorted.
inline std::vector<std::filesystem::path> files_under(const std::filesystem::path& dir,
                                                      const std::string& extension) {
    std::vector<std::filesystem::path> out;
    if (!std::filesystem::is_directory(dir)) return out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == extension)
            out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct DumpResult {
    std::vector<std::string> json_lines;
    evtx::FileStats stats;
};

inline DumpResult dump_file(evtx::EvtxFile& file, bool recover = false, unsigned threads = 1) {
    DumpResult result;
    evtx::ReadOptions options;
    options.recover = recover;
    options.threads = threads;
    std::vector<evtx::JsonRenderer> renderers(evtx::resolve_threads(threads));
    result.stats = evtx::for_each_event<std::vector<std::string>>(
        file, options,
        [&](const core::Event& e, const evtx::RecordInfo&, std::vector<std::string>& out,
            unsigned worker) {
            std::string line;
            renderers[worker].render(e, line);
            out.push_back(std::move(line));
        },
        [&](std::vector<std::string>&& lines) {
            for (auto& l : lines) result.json_lines.push_back(std::move(l));
        });
    return result;
}

}  // namespace vigie::test

#define VIGIE_REQUIRE_SHARED_DATA(sub)                                                             \
    do {                                                                                           \
        if (!std::filesystem::is_directory(vigie::test::shared_data() / (sub))) {                  \
            GTEST_SKIP() << "shared data folder absent: " << (vigie::test::shared_data() / (sub)); \
        }                                                                                          \
    } while (0)
