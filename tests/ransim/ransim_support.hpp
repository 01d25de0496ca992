// What the simulator's tests share: a scratch directory under $TMPDIR per test, whole-file
// reads and writes, and the progress log's lines.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ransim/corpus.hpp"
#include "ransim/manifest.hpp"
#include "ransim/safety.hpp"

namespace vigie::ransim::testing {

namespace fs = std::filesystem;

inline Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return {};
    Bytes out(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
    return out;
}

inline void write_bytes(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::string> file_lines(const fs::path& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

inline std::size_t count_prefixed(const std::vector<std::string>& lines,
                                  const std::string& prefix) {
    std::size_t n = 0;
    for (const std::string& l : lines) n += l.rfind(prefix, 0) == 0 ? 1 : 0;
    return n;
}

/// A fresh directory for the running test, removed afterwards.
class ScratchTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(info->test_suite_name()) + "-" + info->name();
        for (char& c : name) {
            if (c == '/') c = '_';
        }
        scratch_ =
            fs::temp_directory_path() / ("vigie-ransim-" + std::to_string(::getpid()) + "-" + name);
        fs::remove_all(scratch_);
        fs::create_directories(scratch_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(scratch_, ec);
    }

    /// Generates a corpus of `files` files in scratch/name and returns its path. The default
    /// seed makes 30 files of 4.7 MiB (one over 1 MiB, none over 3 MiB): quick under ASan.
    std::string make_corpus(std::size_t files, std::uint64_t seed = 141,
                            const std::string& name = "corpus") {
        const std::string dir = (scratch_ / name).string();
        GenerateOptions options;
        options.files = files;
        options.seed = seed;
        const auto report = generate(dir, options);
        EXPECT_TRUE(report) << (report ? "" : report.error().to_string());
        return dir;
    }

    static Manifest load_manifest(const std::string& dir) {
        auto root = CorpusRoot::open(dir);
        EXPECT_TRUE(root) << (root ? "" : root.error().to_string());
        auto manifest = read_manifest(*root);
        EXPECT_TRUE(manifest) << (manifest ? "" : manifest.error().to_string());
        return std::move(*manifest);
    }

    fs::path scratch_;
};

}  // namespace vigie::ransim::testing
