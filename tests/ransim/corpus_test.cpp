// The generated corpus: the same seed gives the same tree, files are valid members of their
// formats (checked structure by structure: ZIP central directories and CRCs, PNG chunk CRCs,
// PDF xref offsets, JPEG segments and byte stuffing, DICOM elements and pixel data, tar
// headers), kinds and sizes are spread like a hospital share's.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "ransim/compression.hpp"
#include "ransim_support.hpp"

namespace {

using namespace vigie::ransim;
using namespace vigie::ransim::testing;

std::uint32_t le16(const Bytes& b, std::size_t at) {
    return b[at] | static_cast<std::uint32_t>(b[at + 1]) << 8;
}
std::uint32_t le32(const Bytes& b, std::size_t at) {
    return le16(b, at) | le16(b, at + 2) << 16;
}
std::uint32_t be32(const Bytes& b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
           static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
bool starts_with(const Bytes& b, std::string_view s, std::size_t at = 0) {
    return b.size() >= at + s.size() && std::memcmp(b.data() + at, s.data(), s.size()) == 0;
}

// windowBits: -15 raw deflate, 15 zlib, 31 gzip.
Bytes inflate_all(const std::uint8_t* data, std::size_t size, int window_bits) {
    z_stream s{};
    EXPECT_EQ(inflateInit2(&s, window_bits), Z_OK);
    Bytes out;
    s.next_in = const_cast<Bytef*>(data);
    s.avail_in = static_cast<uInt>(size);
    int status = Z_OK;
    while (status == Z_OK) {
        std::uint8_t chunk[65536];
        s.next_out = chunk;
        s.avail_out = sizeof chunk;
        status = inflate(&s, Z_NO_FLUSH);
        out.insert(out.end(), chunk, chunk + (sizeof chunk - s.avail_out));
    }
    EXPECT_EQ(status, Z_STREAM_END);
    inflateEnd(&s);
    return out;
}

// Walks the central directory from the end record; inflates every member and checks its CRC.
std::map<std::string, Bytes> check_zip(const Bytes& zip) {
    std::map<std::string, Bytes> members;
    std::size_t end = std::string::npos;
    for (std::size_t i = zip.size() >= 22 ? zip.size() - 22 : 0; i != std::string::npos; --i) {
        if (le32(zip, i) == 0x06054b50) {
            end = i;
            break;
        }
        if (i == 0) break;
    }
    if (end == std::string::npos) {
        ADD_FAILURE() << "no end of central directory";
        return members;
    }
    const std::uint32_t entries = le16(zip, end + 10);
    const std::uint32_t cd_size = le32(zip, end + 12), cd_offset = le32(zip, end + 16);
    EXPECT_EQ(cd_offset + cd_size, end);
    std::size_t at = cd_offset;
    for (std::uint32_t e = 0; e < entries; ++e) {
        EXPECT_EQ(le32(zip, at), 0x02014b50u);
        const std::uint32_t method = le16(zip, at + 10), crc = le32(zip, at + 16);
        const std::uint32_t packed = le32(zip, at + 20), size = le32(zip, at + 24);
        const std::uint32_t name_length = le16(zip, at + 28);
        const std::uint32_t skip = le16(zip, at + 30) + le16(zip, at + 32);
        const std::uint32_t local = le32(zip, at + 42);
        const std::string name(reinterpret_cast<const char*>(zip.data() + at + 46), name_length);
        at += 46 + name_length + skip;
        EXPECT_EQ(le32(zip, local), 0x04034b50u) << name;
        const std::size_t data = local + 30 + le16(zip, local + 26) + le16(zip, local + 28);
        Bytes content = method == 0 ? Bytes(zip.begin() + static_cast<long>(data),
                                            zip.begin() + static_cast<long>(data + packed))
                                    : inflate_all(zip.data() + data, packed, -15);
        EXPECT_TRUE(method == 0 || method == 8) << name;
        EXPECT_EQ(content.size(), size) << name;
        EXPECT_EQ(crc32_of(content), crc) << name;
        members.emplace(name, std::move(content));
    }
    EXPECT_EQ(at, end);
    return members;
}

void check_png(const Bytes& png) {
    ASSERT_TRUE(starts_with(png, "\x89PNG\r\n\x1a\n"));
    std::size_t at = 8;
    std::vector<std::string> types;
    Bytes idat;
    std::uint32_t width = 0, height = 0;
    while (at + 12 <= png.size()) {
        const std::uint32_t length = be32(png, at);
        const std::string type(reinterpret_cast<const char*>(png.data() + at + 4), 4);
        ASSERT_LE(at + 12 + length, png.size());
        const auto body = std::span(png).subspan(at + 4, 4 + length);
        EXPECT_EQ(crc32_of(body), be32(png, at + 8 + length)) << type;
        if (type == "IHDR") {
            width = be32(png, at + 8);
            height = be32(png, at + 12);
        }
        if (type == "IDAT") idat.insert(idat.end(), body.begin() + 4, body.end());
        types.push_back(type);
        at += 12 + length;
    }
    EXPECT_EQ(at, png.size());
    ASSERT_FALSE(types.empty());
    EXPECT_EQ(types.front(), "IHDR");
    EXPECT_EQ(types.back(), "IEND");
    EXPECT_EQ(inflate_all(idat.data(), idat.size(), 15).size(),
              static_cast<std::size_t>(height) * (1 + 3 * width));
}

void check_pdf(const Bytes& pdf) {
    ASSERT_TRUE(starts_with(pdf, "%PDF-1."));
    const std::string text(pdf.begin(), pdf.end());
    ASSERT_TRUE(text.ends_with("%%EOF\n"));
    const std::size_t startxref = text.rfind("startxref\n");
    ASSERT_NE(startxref, std::string::npos);
    const std::size_t xref = std::stoul(text.substr(startxref + 10));
    ASSERT_EQ(text.compare(xref, 5, "xref\n"), 0);
    std::size_t at = text.find('\n', xref + 5) + 1;  // "0 N"
    const std::size_t count = std::stoul(text.substr(xref + 7));
    std::size_t objects = 0;
    for (std::size_t i = 0; i < count; ++i, at += 20) {
        if (text[at + 17] != 'n') continue;
        const std::size_t offset = std::stoul(text.substr(at, 10));
        EXPECT_EQ(text.compare(offset, std::to_string(i).size() + 6, std::to_string(i) + " 0 obj"),
                  0)
            << "object " << i;
        ++objects;
    }
    EXPECT_GE(objects, 5u);
}

void check_jpeg(const Bytes& jpeg) {
    ASSERT_TRUE(starts_with(jpeg, "\xFF\xD8\xFF"));
    std::size_t at = 2;
    std::set<int> markers;
    while (at + 4 <= jpeg.size()) {
        ASSERT_EQ(jpeg[at], 0xFF);
        const int marker = jpeg[at + 1];
        markers.insert(marker);
        const std::size_t length = (jpeg[at + 2] << 8) | jpeg[at + 3];
        at += 2 + length;
        if (marker == 0xDA) break;
    }
    for (const int required : {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}) EXPECT_TRUE(markers.count(required));
    // Entropy-coded data: every 0xFF is stuffed (followed by 0x00) up to the final EOI.
    ASSERT_GE(jpeg.size(), at + 2);
    EXPECT_EQ(jpeg[jpeg.size() - 2], 0xFF);
    EXPECT_EQ(jpeg[jpeg.size() - 1], 0xD9);
    const std::uint8_t* scan = jpeg.data() + at;
    const std::uint8_t* scan_end = jpeg.data() + jpeg.size() - 2;
    while (const void* found = std::memchr(scan, 0xFF, static_cast<std::size_t>(scan_end - scan))) {
        const auto* ff = static_cast<const std::uint8_t*>(found);
        ASSERT_EQ(ff[1], 0x00) << "unstuffed 0xFF at " << (ff - jpeg.data());
        scan = ff + 2;
        if (scan >= scan_end) break;
    }
}

void check_dicom(const Bytes& dcm) {
    ASSERT_GT(dcm.size(), 132u);
    ASSERT_TRUE(starts_with(dcm, "DICM", 128));
    std::size_t at = 132;
    std::uint32_t rows = 0, columns = 0;
    std::string transfer_syntax;
    std::size_t pixels = 0, pixel_length = 0;
    while (at + 8 <= dcm.size()) {
        const std::uint32_t group = le16(dcm, at), element = le16(dcm, at + 2);
        const std::string vr(reinterpret_cast<const char*>(dcm.data() + at + 4), 2);
        std::size_t length = 0, value = 0;
        if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT") {
            length = le32(dcm, at + 8);
            value = at + 12;
        } else {
            length = le16(dcm, at + 6);
            value = at + 8;
        }
        ASSERT_EQ(length % 2, 0u);
        ASSERT_LE(value + length, dcm.size());
        if (group == 0x0002 && element == 0x0010) {
            transfer_syntax.assign(reinterpret_cast<const char*>(dcm.data() + value), length);
        }
        if (group == 0x0028 && element == 0x0010) rows = le16(dcm, value);
        if (group == 0x0028 && element == 0x0011) columns = le16(dcm, value);
        if (group == 0x7FE0 && element == 0x0010) {
            pixels = value;
            pixel_length = length;
        }
        at = value + length;
    }
    EXPECT_EQ(at, dcm.size());
    EXPECT_EQ(transfer_syntax.substr(0, 19), "1.2.840.10008.1.2.1");
    ASSERT_GT(rows, 0u);
    ASSERT_EQ(pixel_length, 2u * rows * columns);
    // Smooth tissue and faint noise, not random: neighbours are close, the range is wide.
    // (Every 5th pair: enough to tell, and quick in the ASan build.)
    std::uint64_t difference = 0, pairs = 0;
    std::uint32_t low = 65535, high = 0;
    const std::uint8_t* p = dcm.data() + pixels;
    for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(rows) * columns; i += 5, ++pairs) {
        const std::uint32_t a = p[2 * i] | p[2 * i + 1] << 8;
        const std::uint32_t b = p[2 * i + 2] | p[2 * i + 3] << 8;
        difference += a > b ? a - b : b - a;
        low = std::min(low, a);
        high = std::max(high, a);
    }
    EXPECT_LT(difference / pairs, 40u);
    EXPECT_GT(high - low, 1000u);
    EXPECT_LE(high, 4095u);
}

void check_tar_gz(const Bytes& gz) {
    ASSERT_TRUE(starts_with(gz, "\x1f\x8b"));
    const Bytes tar = inflate_all(gz.data(), gz.size(), 31);
    ASSERT_EQ(tar.size() % 512, 0u);
    std::size_t at = 0, members = 0;
    while (at + 512 <= tar.size() && tar[at] != 0) {
        EXPECT_TRUE(starts_with(tar, std::string_view("ustar\0", 6), at + 257));
        unsigned sum = 0;
        for (std::size_t i = 0; i < 512; ++i) {
            sum += i >= 148 && i < 156 ? ' ' : tar[at + i];
        }
        const std::string checksum(reinterpret_cast<const char*>(tar.data() + at + 148), 6);
        EXPECT_EQ(std::stoul(checksum, nullptr, 8), sum);
        const std::string size(reinterpret_cast<const char*>(tar.data() + at + 124), 11);
        at += 512 + (std::stoul(size, nullptr, 8) + 511) / 512 * 512;
        ++members;
    }
    EXPECT_GE(members, 1u);
    EXPECT_EQ(at + 1024, tar.size());  // two zero blocks end it
}

void check_text(const Bytes& text) {
    const std::uint8_t* p = text.data();
    std::size_t bad = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const std::uint8_t c = p[i];
        bad += (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' ? 0 : 1;
    }
    EXPECT_EQ(bad, 0u);
}

using Corpus = ScratchTest;

TEST_F(Corpus, SameSeedSameTreeAnotherSeedAnotherTree) {
    const std::string a = make_corpus(30, 141, "a"), b = make_corpus(30, 141, "b");
    const std::string c = make_corpus(30, 142, "c");
    const Manifest ma = load_manifest(a), mb = load_manifest(b), mc = load_manifest(c);
    EXPECT_NE(ma.corpus_id, mb.corpus_id);  // the id is random, the content is not
    ASSERT_EQ(ma.files.size(), 30u);
    ASSERT_EQ(mb.files.size(), 30u);
    for (std::size_t i = 0; i < ma.files.size(); ++i) {
        EXPECT_EQ(ma.files[i].path, mb.files[i].path);
        EXPECT_EQ(ma.files[i].digest, mb.files[i].digest) << ma.files[i].path;
        EXPECT_EQ(ma.files[i].blocks, mb.files[i].blocks);
    }
    std::size_t same = 0;
    for (std::size_t i = 0; i < mc.files.size(); ++i)
        same += mc.files[i].digest == ma.files[i].digest;
    EXPECT_EQ(same, 0u);
}

TEST_F(Corpus, EveryFileIsValidForItsFormatAndListedInTheManifest) {
    const std::string dir = make_corpus(200, 2019);
    const Manifest manifest = load_manifest(dir);
    ASSERT_EQ(manifest.files.size(), 200u);
    std::map<std::string, int> kinds;
    std::set<std::string> top_folders;
    std::vector<std::uint64_t> sizes;
    std::uint64_t total = 0;
    for (const ManifestEntry& entry : manifest.files) {
        SCOPED_TRACE(entry.path);
        const Bytes bytes = read_bytes(fs::path(dir) / entry.path);
        ASSERT_TRUE(entry.matches(bytes));
        sizes.push_back(bytes.size());
        total += bytes.size();
        top_folders.insert(entry.path.substr(0, entry.path.find('/')));
        const std::string& p = entry.path;
        const std::string extension =
            p.ends_with(".tar.gz") ? "tar.gz" : p.substr(p.rfind('.') + 1);
        ++kinds[extension];
        if (extension == "docx" || extension == "xlsx") {
            const auto members = check_zip(bytes);
            EXPECT_TRUE(members.count("[Content_Types].xml"));
            EXPECT_TRUE(members.count("_rels/.rels"));
            EXPECT_TRUE(members.count(extension == "docx" ? "word/document.xml"
                                                          : "xl/worksheets/sheet1.xml"));
        } else if (extension == "zip") {
            EXPECT_GE(check_zip(bytes).size(), 1u);
        } else if (extension == "png") {
            check_png(bytes);
        } else if (extension == "pdf") {
            check_pdf(bytes);
        } else if (extension == "jpg") {
            check_jpeg(bytes);
        } else if (extension == "dcm") {
            check_dicom(bytes);
        } else if (extension == "tar.gz") {
            check_tar_gz(bytes);
        } else {
            check_text(bytes);
        }
    }
    for (const char* kind :
         {"docx", "xlsx", "pdf", "csv", "txt", "jpg", "png", "dcm", "zip", "tar.gz"}) {
        EXPECT_GE(kinds[kind], 2) << kind;
    }
    for (const char* folder : {"Patients", "Imagerie", "Compta", "RH"}) {
        EXPECT_TRUE(top_folders.count(folder)) << folder;
    }
    std::sort(sizes.begin(), sizes.end());
    EXPECT_GE(sizes.front(), 4096u);
    EXPECT_LE(sizes.back(), 8u * 1024 * 1024 + 4096);
    EXPECT_GT(sizes[sizes.size() / 2], 30'000u);
    EXPECT_LT(sizes[sizes.size() / 2], 250'000u);
    EXPECT_LT(total, 200u * 400'000);
}

TEST_F(Corpus, MarkerAndManifestDescribeTheTree) {
    const std::string dir = make_corpus(30);
    const Bytes marker = read_bytes(fs::path(dir) / ".vigie-ransim-corpus");
    const auto parsed =
        parse_marker(std::string_view(reinterpret_cast<const char*>(marker.data()), marker.size()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->files, 30u);
    EXPECT_EQ(parsed->seed, 141u);
    const std::string text(marker.begin(), marker.end());
    EXPECT_NE(text.find("test corpus"), std::string::npos);
    const Manifest manifest = load_manifest(dir);
    EXPECT_EQ(manifest.corpus_id, parsed->corpus_id);
    for (const ManifestEntry& entry : manifest.files) {
        EXPECT_EQ(entry.blocks.size(), (entry.size + kBlockSize - 1) / kBlockSize);
    }
}

}  // namespace
