// Input streams: plain, gzip (several members, zero padding), zstd (several frames, skippable
// frames); empty, truncated and corrupt data; files on disk; and the random-access copy the EVTX
// reader uses for compressed files. Compressed inputs are made here with zlib and zstd.
#include "core/input_stream.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/compressed.hpp"

namespace {

using vigie::test::gzip;
using vigie::test::zstd;

using vigie::core::Compression;
using vigie::core::ErrorCode;
using vigie::core::InputStream;

// A zstd skippable frame (magic 0x184D2A50, little-endian size, payload): decoders skip it.
std::string skippable_frame() {
    return std::string("\x50\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
}

struct Drained {
    std::string bytes;
    std::optional<vigie::core::Error> error;
};

Drained drain(InputStream& in, std::size_t block_size = 7) {
    Drained d;
    std::vector<std::uint8_t> block(block_size);
    for (;;) {
        auto n = in.read(block);
        if (!n) {
            d.error = n.error();
            return d;
        }
        if (*n == 0) return d;
        d.bytes.append(reinterpret_cast<const char*>(block.data()), *n);
    }
}

// JSON lines, and a long run of one byte: tiny compressed input that leaves most of its output
// buffered in the decoder when the input runs out (the case a stream must flush, not cut).
std::string sample() {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "{\"EventID\":" + std::to_string(i) + "}\n";
    s += std::string(3u << 20, 'a');
    return s;
}

std::filesystem::path temp_path(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("vigie-input-stream-" + std::to_string(::getpid()) + "-" + name);
}

void write_file(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

}  // namespace

TEST(InputStream, PlainGzipAndZstdRoundTripAtEveryReadSize) {
    const std::string text = sample();
    const std::string gz = gzip(text), zst = zstd(text);
    for (std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{4096},
                              std::size_t{1} << 20, std::size_t{8} << 20}) {
        if (block == 1) {  // byte by byte over the whole sample is slow: a shorter one
            const std::string small = text.substr(0, 20000) + std::string(100000, 'b');
            for (const std::string& encoded : {gzip(small), zstd(small)}) {
                auto in = vigie::core::memory_input_stream(encoded);
                const Drained d = drain(*in, 1);
                ASSERT_FALSE(d.error) << d.error->to_string();
                EXPECT_EQ(d.bytes, small);
            }
            continue;
        }
        for (const std::string* encoded : {&text, &gz, &zst}) {
            auto in = vigie::core::memory_input_stream(*encoded);
            const Drained d = drain(*in, block);
            ASSERT_FALSE(d.error) << d.error->to_string();
            EXPECT_EQ(d.bytes.size(), text.size()) << "block " << block;
            EXPECT_TRUE(d.bytes == text) << "block " << block;
        }
    }
}

TEST(InputStream, CompressionIsRecognisedByMagicBytes) {
    const std::string text = sample().substr(0, 1000);
    EXPECT_EQ(vigie::core::memory_input_stream(text)->compression(), Compression::kNone);
    EXPECT_EQ(vigie::core::memory_input_stream(gzip(text))->compression(), Compression::kGzip);
    EXPECT_EQ(vigie::core::memory_input_stream(zstd(text))->compression(), Compression::kZstd);
    // One byte of a magic is plain data.
    auto one = vigie::core::memory_input_stream("\x1f");
    EXPECT_EQ(one->compression(), Compression::kNone);
    EXPECT_EQ(drain(*one).bytes, "\x1f");
}

TEST(InputStream, MultiMemberGzipAndMultiFrameZstdAreOneStream) {
    const std::string text = sample();
    const std::string a = text.substr(0, 100), b = text.substr(100, 70000), c = text.substr(70100);
    for (const std::string& encoded :
         {gzip(a) + gzip(b) + gzip(c), gzip(a) + gzip("") + gzip(b + c),
          zstd(a) + zstd(b) + zstd(c),
          skippable_frame() + zstd(a) + skippable_frame() + zstd(b + c)}) {
        auto in = vigie::core::memory_input_stream(encoded);
        const Drained d = drain(*in, 4096);
        ASSERT_FALSE(d.error) << d.error->to_string();
        EXPECT_EQ(d.bytes.size(), text.size()) << encoded.size();
        EXPECT_TRUE(d.bytes == text);
    }
}

TEST(InputStream, ZeroPaddingAfterTheLastGzipMemberIsIgnored) {
    const std::string text = "{\"EventID\":1}\n";
    const std::string padded = gzip(text) + std::string(512, '\0');
    auto in = vigie::core::memory_input_stream(padded);
    const Drained d = drain(*in);
    ASSERT_FALSE(d.error) << d.error->to_string();
    EXPECT_EQ(d.bytes, text);
}

TEST(InputStream, EmptyInputs) {
    auto in = vigie::core::memory_input_stream("");
    const Drained d = drain(*in);
    EXPECT_FALSE(d.error);
    EXPECT_EQ(d.bytes, "");

    const auto path = temp_path("empty");
    write_file(path, "");
    auto file = vigie::core::open_input_stream(path.string());
    ASSERT_TRUE(file) << file.error().to_string();
    EXPECT_EQ(drain(**file).bytes, "");
    auto source = vigie::core::open_decompressed_file(path.string());
    ASSERT_TRUE(source);
    EXPECT_EQ((*source)->size(), 0u);
    std::filesystem::remove(path);

    // An empty gzip member and an empty zstd frame decode to nothing.
    for (const std::string& encoded : {gzip(""), zstd("")}) {
        auto e = vigie::core::memory_input_stream(encoded);
        const Drained de = drain(*e);
        EXPECT_FALSE(de.error) << de.error->to_string();
        EXPECT_EQ(de.bytes, "");
    }
}

TEST(InputStream, TruncatedStreamsAreErrorsAfterTheBytesBeforeTheCut) {
    const std::string text = sample();
    for (const std::string& encoded : {gzip(text), zstd(text)}) {
        for (std::size_t cut : {std::size_t{4}, std::size_t{5}, std::size_t{10}, encoded.size() / 3,
                                encoded.size() / 2, encoded.size() - 1}) {
            SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(encoded.size()));
            auto in = vigie::core::memory_input_stream(std::string_view(encoded).substr(0, cut),
                                                       "cut.bin");
            const Drained d = drain(*in, 4096);
            ASSERT_TRUE(d.error);
            EXPECT_EQ(d.error->code, ErrorCode::kCorrupt);
            EXPECT_EQ(d.error->location.file, "cut.bin");
            EXPECT_NE(d.error->message.find("truncated"), std::string::npos) << d.error->message;
            EXPECT_LE(d.error->location.offset, cut);
            // What was delivered is the start of the original.
            EXPECT_TRUE(text.compare(0, d.bytes.size(), d.bytes) == 0);
            // The error stays.
            std::vector<std::uint8_t> block(16);
            EXPECT_FALSE(in->read(block));
        }
    }
}

TEST(InputStream, RandomGarbageAfterAMagicIsAnErrorNeverACrash) {
    std::mt19937 rng(20191115);
    int errors = 0;
    for (int round = 0; round < 400; ++round) {
        std::string bytes =
            round % 2 == 0 ? std::string("\x1f\x8b", 2) : std::string("\x28\xb5\x2f\xfd", 4);
        // Half the gzip rounds keep a valid header start (deflate method), so the garbage
        // reaches the header flags and the deflate decoder, not only the method check.
        if (round % 4 == 0) bytes += std::string("\x08\x00\x00\x00\x00\x00\x00\x03", 8);
        const std::size_t n = rng() % 3000;
        for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(rng()));
        auto in = vigie::core::memory_input_stream(bytes, "garbage.gz");
        const Drained d = drain(*in, 1 + rng() % 5000);
        if (d.error) {
            ++errors;
            EXPECT_EQ(d.error->code, ErrorCode::kCorrupt);
            EXPECT_EQ(d.error->location.file, "garbage.gz");
            EXPECT_NE(d.error->to_string().find("garbage.gz"), std::string::npos);
        }
    }
    EXPECT_EQ(errors, 400);  // random bytes are never a whole valid stream
}

TEST(InputStream, DataAfterTheCompressedStreamIsAnError) {
    const std::string text = "{\"EventID\":1}\n";
    for (const std::string& bad :
         {gzip(text) + "trailing text", gzip(text) + std::string(4, '\0') + "x",
          zstd(text) + "trailing text"}) {
        auto in = vigie::core::memory_input_stream(bad, "trailing");
        const Drained d = drain(*in);
        ASSERT_TRUE(d.error);
        EXPECT_EQ(d.error->code, ErrorCode::kCorrupt);
        EXPECT_EQ(d.bytes, text);  // the valid part still came through
    }
}

TEST(InputStream, FilesOnDiskAndOpenErrors) {
    const std::string text = sample().substr(0, 50000);
    const auto path = temp_path("events.jsonl.gz");
    write_file(path, gzip(text));
    auto in = vigie::core::open_input_stream(path.string());
    ASSERT_TRUE(in) << in.error().to_string();
    EXPECT_EQ((*in)->name(), path.string());
    EXPECT_EQ((*in)->compression(), Compression::kGzip);
    EXPECT_EQ(drain(**in, 65536).bytes, text);
    std::filesystem::remove(path);

    auto missing = vigie::core::open_input_stream(path.string());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(missing.error().location.file, path.string());

    auto dir = vigie::core::open_input_stream(std::filesystem::temp_directory_path().string());
    ASSERT_FALSE(dir);
    EXPECT_EQ(dir.error().code, ErrorCode::kInvalidArgument);
}

TEST(InputStream, DecompressedFileIsARandomAccessCopy) {
    const std::string text = sample();
    for (const std::string name : {"copy.zst", "copy.gz", "copy.plain"}) {
        SCOPED_TRACE(name);
        const auto path = temp_path(name);
        write_file(path, name == "copy.zst" ? zstd(text) : name == "copy.gz" ? gzip(text) : text);
        auto source = vigie::core::open_decompressed_file(path.string());
        std::filesystem::remove(path);  // the copy (or the open file) lives on its own
        ASSERT_TRUE(source) << source.error().to_string();
        EXPECT_EQ((*source)->size(), text.size());
        EXPECT_EQ((*source)->name(), path.string());
        std::vector<std::uint8_t> middle(20);
        auto n = (*source)->read_at(1000, middle);
        ASSERT_TRUE(n);
        EXPECT_EQ(std::string(middle.begin(), middle.end()), text.substr(1000, 20));
        n = (*source)->read_at(text.size() - 5, middle);
        ASSERT_TRUE(n);
        EXPECT_EQ(*n, 5u);
    }
}

TEST(InputStream, DecompressedCopyGoesToTmpdirAndCorruptionNamesTheFile) {
    const auto path = temp_path("bad.evtx.zst");
    const std::string zst = zstd(sample());
    write_file(path, zst.substr(0, zst.size() / 2));
    auto bad = vigie::core::open_decompressed_file(path.string());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
    EXPECT_EQ(bad.error().location.file, path.string());

    // The copy is made in $TMPDIR: a TMPDIR that does not exist makes it fail, by name.
    write_file(path, zst);
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("TMPDIR", "/nonexistent-vigie-tmpdir", 1);
    auto no_tmp = vigie::core::open_decompressed_file(path.string());
    if (old != nullptr) {
        ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
        ::unsetenv("TMPDIR");
    }
    ASSERT_FALSE(no_tmp);
    EXPECT_EQ(no_tmp.error().code, ErrorCode::kNotFound);
    EXPECT_NE(no_tmp.error().message.find("/nonexistent-vigie-tmpdir"), std::string::npos)
        << no_tmp.error().message;
    std::filesystem::remove(path);
}
