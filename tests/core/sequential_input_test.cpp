// Sequential input: plain, gzip (several members), zstd; truncated and corrupt data; and the
// random-access copy the EVTX reader uses for compressed files.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "core/sequential_input.hpp"

namespace {

std::string gzip(const std::string& text) {
    z_stream z{};
    EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(compressBound(text.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    z.avail_in = static_cast<uInt>(text.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string zstd(const std::string& text) {
    std::string out(ZSTD_compressBound(text.size()), '\0');
    out.resize(ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3));
    return out;
}

vigie::core::Result<std::string> drain(vigie::core::SequentialInput& in) {
    std::string out;
    std::vector<std::uint8_t> block(7);  // small reads: exercise the state machines
    for (;;) {
        auto n = in.read(block);
        if (!n) return n.error();
        if (*n == 0) return out;
        out.append(reinterpret_cast<const char*>(block.data()), *n);
    }
}

std::string sample() {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "{\"EventID\":" + std::to_string(i) + "}\n";
    return s;
}

}  // namespace

TEST(SequentialInput, PlainGzipMultiMemberAndZstdGiveTheSameBytes) {
    const std::string text = sample();
    for (const std::string& encoded :
         {text, gzip(text), gzip(text.substr(0, 100)) + gzip(text.substr(100)), zstd(text),
          zstd(text.substr(0, 5)) + zstd(text.substr(5))}) {
        auto in = vigie::core::memory_sequential(encoded);
        auto out = drain(*in);
        ASSERT_TRUE(out) << out.error().to_string();
        EXPECT_EQ(*out, text);
    }
}

TEST(SequentialInput, EmptyInputIsEmpty) {
    auto in = vigie::core::memory_sequential("");
    auto out = drain(*in);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, "");
}

TEST(SequentialInput, TruncatedOrCorruptCompressedDataIsAnError) {
    const std::string text = sample();
    const std::string gz = gzip(text);
    const std::string zst = zstd(text);
    for (const std::string& bad : {gz.substr(0, gz.size() / 2), zst.substr(0, zst.size() / 2),
                                   std::string("\x1f\x8b\x08\x00garbage garbage", 19),
                                   std::string("\x28\xb5\x2f\xfd\xff\xff\xff\xff", 8)}) {
        auto in = vigie::core::memory_sequential(bad, "bad.gz");
        auto out = drain(*in);
        ASSERT_FALSE(out);
        EXPECT_EQ(out.error().code, vigie::core::ErrorCode::kCorrupt);
        EXPECT_EQ(out.error().location.file, "bad.gz");
    }
}

TEST(SequentialInput, RandomAccessCopyOfACompressedFile) {
    const std::string text = sample();
    const auto path =
        std::filesystem::temp_directory_path() / ("vigie-seq-" + std::to_string(getpid()) + ".zst");
    std::ofstream(path, std::ios::binary) << zstd(text);
    auto source = vigie::core::open_random_access(path.string());
    std::filesystem::remove(path);  // the copy lives on its own
    ASSERT_TRUE(source) << source.error().to_string();
    EXPECT_EQ((*source)->size(), text.size());
    std::vector<std::uint8_t> middle(20);
    auto n = (*source)->read_at(1000, middle);
    ASSERT_TRUE(n);
    EXPECT_EQ(std::string(middle.begin(), middle.end()), text.substr(1000, 20));
    EXPECT_EQ((*source)->name(), path.string());
}
