// The guard's view of a change: byte statistics, file kinds, names, and the evidence a change
// gives, on generated data (random, text, base64, compressed, real magic numbers).
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "guard/change_evidence.hpp"
#include "guard/content_stats.hpp"
#include "guard/file_kind.hpp"
#include "guard/file_names.hpp"
#include "guard/file_sample.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;

Bytes with_magic(std::string_view magic, Bytes body, std::size_t at = 0) {
    if (body.size() < at + magic.size()) body.resize(at + magic.size() + 64);
    std::copy(magic.begin(), magic.end(), body.begin() + static_cast<std::ptrdiff_t>(at));
    return body;
}

}  // namespace

TEST(ContentStats, RandomBytesLookRandomAtEverySampleSize) {
    for (const std::size_t n : {1024u, 4096u, 65536u}) {
        for (std::uint32_t seed = 1; seed <= 20; ++seed) {
            const ByteStats s = byte_stats(random_bytes(n, seed));
            EXPECT_TRUE(looks_random(s)) << n << " bytes, seed " << seed << ": entropy "
                                         << s.entropy << ", chi-square " << s.chi_square;
        }
    }
}

TEST(ContentStats, TextBase64AndSmallSamplesDoNot) {
    const ByteStats text = byte_stats(text_bytes(8192));
    EXPECT_FALSE(looks_random(text));
    EXPECT_LT(text.entropy, 5.0);
    EXPECT_GT(text.printable, 0.99);
    // Base64 of random bytes has 6 bits of entropy per byte: low enough to slip under an
    // entropy threshold, which is why it is a separate piece of evidence.
    const ByteStats b64 = byte_stats(base64_of(random_bytes(12000, 7)));
    EXPECT_TRUE(b64.base64);
    EXPECT_FALSE(looks_random(b64));
    EXPECT_NEAR(b64.entropy, 6.0, 0.1);
    EXPECT_FALSE(looks_random(byte_stats(random_bytes(512, 3))));  // too small to say
    EXPECT_EQ(byte_stats({}).size, 0u);
}

TEST(ContentStats, CompressedDataCanPassForRandomSoTheChangeDecides) {
    // What office documents and archives hold. Deflate at level 9 of varied text gives
    // entropy near 7.9 and a chi-square a uniform source could give: absolute measures cannot
    // tell it from ciphertext. Rewriting such a file with new compressed content is therefore
    // no evidence of encryption; losing its structure is.
    Bytes text;
    for (int i = 0; i < 400; ++i) {
        const Bytes t = text_bytes(100 + static_cast<std::size_t>(i % 37));
        text.insert(text.end(), t.begin(), t.end());
        const std::string n = std::to_string(i * 7919) + " ";
        text.insert(text.end(), n.begin(), n.end());
    }
    const Bytes packed = deflate(text);
    const ByteStats s = byte_stats(packed);
    EXPECT_GT(s.entropy, 7.5);
    const Bytes zip_before = with_magic("PK\x03\x04", packed);
    const Bytes zip_after = with_magic("PK\x03\x04", random_bytes(packed.size(), 41));
    EXPECT_EQ(
        assess_change({"cr.docx", zip_before, zip_before}, {"cr.docx", zip_after, zip_after}).score,
        0)
        << "entropy " << s.entropy << ", chi-square " << s.chi_square;
    const Bytes cipher = random_bytes(packed.size(), 42);
    const ChangeEvidence encrypted =
        assess_change({"cr.docx", zip_before, zip_before}, {"cr.docx", cipher, cipher});
    EXPECT_EQ(encrypted.score, EvidenceWeights{}.structure_lost);
}

TEST(FileKind, MagicNumbers) {
    const Bytes body = text_bytes(600);
    EXPECT_EQ(sniff_file_kind(with_magic("%PDF-1.7\n", body)), FileKind::kPdf);
    EXPECT_EQ(sniff_file_kind(with_magic("PK\x03\x04", random_bytes(600, 1))), FileKind::kZip);
    EXPECT_EQ(sniff_file_kind(with_magic("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", random_bytes(600, 2))),
              FileKind::kOle2);
    EXPECT_EQ(sniff_file_kind(with_magic("\x89PNG\r\n\x1A\n", random_bytes(600, 3))),
              FileKind::kPng);
    EXPECT_EQ(sniff_file_kind(with_magic("\xFF\xD8\xFF\xE0", random_bytes(600, 4))),
              FileKind::kJpeg);
    EXPECT_EQ(sniff_file_kind(with_magic("DICM", Bytes(600, 0), 128)), FileKind::kDicom);
    EXPECT_EQ(sniff_file_kind(with_magic("SQLite format 3", Bytes(600, 0))), FileKind::kSqlite);
    EXPECT_EQ(sniff_file_kind(body), FileKind::kText);
    EXPECT_EQ(sniff_file_kind(random_bytes(600, 5)), FileKind::kUnknown);
    EXPECT_EQ(sniff_file_kind({}), FileKind::kEmpty);
    EXPECT_TRUE(has_structure(FileKind::kDicom));
    EXPECT_FALSE(has_structure(FileKind::kText));
}

TEST(FileNames, ExtensionsAndNotes) {
    EXPECT_EQ(extension_of("D:\\Partages\\Commun\\bilan.docx.CIop"), "CIop");
    EXPECT_EQ(extension_of("/srv/share/.bashrc"), "");
    EXPECT_TRUE(is_ransomware_extension("CIop"));
    EXPECT_TRUE(is_ransomware_extension("LOCKBIT"));
    EXPECT_FALSE(is_ransomware_extension("docx"));
    EXPECT_TRUE(is_ransom_note_name("ClopReadMe.txt"));
    EXPECT_TRUE(is_ransom_note_name("/srv/share/Commun/!!!_READ_!!!.RTF"));
    EXPECT_TRUE(is_ransom_note_name("HOW_TO_RESTORE_FILES.html"));
    EXPECT_FALSE(is_ransom_note_name("README.txt"));           // a project's readme
    EXPECT_FALSE(is_ransom_note_name("restore_points.xlsx"));  // not a note's format
    EXPECT_TRUE(is_random_extension_change("bilan.docx", "bilan.docx.a8f3k2q1"));
    EXPECT_FALSE(is_random_extension_change("bilan.docx", "bilan.pdf"));
    EXPECT_FALSE(is_random_extension_change("bilan.docx", "bilan.docx.tmp"));
    EXPECT_FALSE(is_random_extension_change("photo.jpg", "photo.jpeg"));
    EXPECT_FALSE(is_random_extension_change("notes.txt", "notes.backup"));  // letters only
}

TEST(ChangeEvidence, InPlaceEncryptionOfADocument) {
    const Bytes before_head = with_magic("%PDF-1.7\n", text_bytes(4096));
    const Bytes after_head = random_bytes(4096, 11);
    const ChangeEvidence e = assess_change({"ordonnance.pdf", before_head, before_head},
                                           {"ordonnance.pdf", after_head, after_head});
    EXPECT_EQ(e.kind_before, FileKind::kPdf);
    EXPECT_EQ(e.kind_after, FileKind::kUnknown);
    ASSERT_EQ(e.parts.size(), 2u);
    EXPECT_NE(e.parts[0].reason.find("content became random"), std::string::npos);
    EXPECT_NE(e.parts[1].reason.find("file structure lost (pdf"), std::string::npos);
    EXPECT_EQ(e.score, EvidenceWeights{}.became_random + EvidenceWeights{}.structure_lost);
}

TEST(ChangeEvidence, ClopRenameAndNote) {
    const Bytes head = with_magic("PK\x03\x04", random_bytes(4096, 12));
    const ChangeEvidence rename =
        assess_change({"bilan.docx", head, {}}, {"bilan.docx.CIop", head, {}});
    ASSERT_EQ(rename.parts.size(), 1u);
    EXPECT_EQ(rename.score, EvidenceWeights{}.ransomware_extension);
    const Bytes note = text_bytes(800);
    const ChangeEvidence created = assess_change({}, {"ClopReadMe.txt", note, note});
    ASSERT_EQ(created.parts.size(), 1u);
    EXPECT_EQ(created.score, EvidenceWeights{}.ransom_note);
}

TEST(ChangeEvidence, BenignChangesScoreNothing) {
    // A JPEG re-saved (random-looking before and after), a text file edited, a docx saved as
    // a new zip, a file renamed by a user.
    const Bytes jpeg1 = with_magic("\xFF\xD8\xFF\xE0", random_bytes(8192, 21));
    const Bytes jpeg2 = with_magic("\xFF\xD8\xFF\xE0", random_bytes(8192, 22));
    EXPECT_EQ(assess_change({"irm.jpg", jpeg1, jpeg1}, {"irm.jpg", jpeg2, jpeg2}).score, 0);
    const Bytes t1 = text_bytes(5000);
    Bytes t2 = t1;
    t2[100] = 'X';
    EXPECT_EQ(assess_change({"notes.txt", t1, t1}, {"notes.txt", t2, t2}).score, 0);
    const Bytes zip1 = with_magic("PK\x03\x04", random_bytes(4096, 23));
    const Bytes zip2 = with_magic("PK\x03\x04", random_bytes(4096, 24));
    EXPECT_EQ(assess_change({"cr.docx", zip1, zip1}, {"cr.docx", zip2, zip2}).score, 0);
    EXPECT_EQ(assess_change({"cr.docx", zip1, {}}, {"cr-2019.docx", zip1, {}}).score, 0);
    // A new archive copied onto the share: random-looking, but it replaces nothing.
    const Bytes archive = with_magic("7z\xBC\xAF\x27\x1C", random_bytes(8192, 25));
    EXPECT_EQ(assess_change({}, {"sauvegarde.7z", archive, archive}).score, 0);
}

TEST(ChangeEvidence, Base64RewriteIsSeenDespiteLowEntropy) {
    const Bytes binary = with_magic("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", random_bytes(6000, 31));
    const Bytes encoded = base64_of(random_bytes(6000, 32));
    const ChangeEvidence e =
        assess_change({"compta.xls", binary, binary}, {"compta.xls", encoded, encoded});
    bool base64 = false, structure = false;
    for (const EvidencePart& p : e.parts) {
        base64 |= p.reason.find("base64") != std::string::npos;
        structure |= p.reason.find("structure lost (ole2") != std::string::npos;
    }
    EXPECT_TRUE(base64);
    EXPECT_TRUE(structure);
}

namespace {

// A whole small file as the guard samples it.
vigie::guard::FileSample whole_file(const Bytes& bytes) {
    vigie::guard::FileSample s;
    s.size = bytes.size();
    s.head = bytes;
    return s;
}

Bytes gzip_of(const Bytes& text) {
    Bytes out = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03};
    const Bytes body = deflate(text);
    out.insert(out.end(), body.begin(), body.end());
    const std::uint32_t crc = 0x12345678;  // not checked: only the trailer's size is
    const auto size = static_cast<std::uint32_t>(text.size());
    for (const std::uint32_t v : {crc, size})
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return out;
}

}  // namespace

TEST(ChangeEvidence, ACompressedArchiveWhoseBodyWasRewrittenHeaderKept) {
    // intermittent-skip-header on a .tar.gz: the gzip header stays, the compressed body (random
    // already) becomes ciphertext. Entropy cannot tell; the trailer can: the size it claims is
    // more than deflate could ever have compressed into this file.
    const Bytes before = gzip_of(text_bytes(60000, 1));
    Bytes after = before;
    const Bytes cipher = random_bytes(after.size() - 10, 77);
    std::copy(cipher.begin(), cipher.end(), after.begin() + 10);
    const auto was = whole_file(before);
    const auto now = whole_file(after);
    const ChangeEvidence e = compare_samples(&was, now, "j.tar.gz", "j.tar.gz");
    EXPECT_EQ(e.score, EvidenceWeights{}.structure_lost);
    // A new archive written over it (a backup tool's next run) is a gzip with its own trailer.
    const auto rewritten = whole_file(gzip_of(text_bytes(50000, 2)));
    EXPECT_EQ(compare_samples(&was, rewritten, "j.tar.gz", "j.tar.gz").score, 0);
}
