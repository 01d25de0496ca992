#include "guard/file_kind.hpp"

#include <algorithm>
#include <cstring>

namespace vigie::guard {
namespace {

bool starts_with(std::span<const std::uint8_t> b, std::string_view magic, std::size_t at = 0) {
    return b.size() >= at + magic.size() &&
           std::memcmp(b.data() + at, magic.data(), magic.size()) == 0;
}

bool mostly_text(std::span<const std::uint8_t> b) {
    std::size_t text = 0;
    for (const std::uint8_t c : b) {
        if (c == 0) return false;
        // Printable ASCII, white space, and bytes of UTF-8 sequences.
        text += (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r' || c >= 0x80;
    }
    // UTF-8 letters are >= 0x80, as are random bytes: require the ASCII share of real text.
    const auto ascii =
        static_cast<std::size_t>(std::count_if(b.begin(), b.end(), [](std::uint8_t c) {
            return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
        }));
    return text == b.size() && ascii * 10 >= b.size() * 9;
}

}  // namespace

const char* file_kind_name(FileKind kind) noexcept {
    switch (kind) {
        case FileKind::kUnknown:
            return "unknown";
        case FileKind::kEmpty:
            return "empty";
        case FileKind::kText:
            return "text";
        case FileKind::kPdf:
            return "pdf";
        case FileKind::kZip:
            return "zip";
        case FileKind::kOle2:
            return "ole2";
        case FileKind::kPng:
            return "png";
        case FileKind::kJpeg:
            return "jpeg";
        case FileKind::kGif:
            return "gif";
        case FileKind::kTiff:
            return "tiff";
        case FileKind::kBmp:
            return "bmp";
        case FileKind::kDicom:
            return "dicom";
        case FileKind::kGzip:
            return "gzip";
        case FileKind::kZstd:
            return "zstd";
        case FileKind::kSevenZip:
            return "7z";
        case FileKind::kRar:
            return "rar";
        case FileKind::kSqlite:
            return "sqlite";
        case FileKind::kMp4:
            return "mp4";
        case FileKind::kElf:
            return "elf";
        case FileKind::kPe:
            return "pe";
    }
    return "?";
}

FileKind sniff_file_kind(std::span<const std::uint8_t> head) {
    using namespace std::string_view_literals;
    if (head.empty()) return FileKind::kEmpty;
    if (starts_with(head, "%PDF-"sv)) return FileKind::kPdf;
    if (starts_with(head, "PK\x03\x04"sv) || starts_with(head, "PK\x05\x06"sv))
        return FileKind::kZip;
    if (starts_with(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv)) return FileKind::kOle2;
    if (starts_with(head, "\x89PNG\r\n\x1A\n"sv)) return FileKind::kPng;
    if (starts_with(head, "\xFF\xD8\xFF"sv)) return FileKind::kJpeg;
    if (starts_with(head, "GIF87a"sv) || starts_with(head, "GIF89a"sv)) return FileKind::kGif;
    if (starts_with(head, "II*\0"sv) || starts_with(head, "MM\0*"sv)) return FileKind::kTiff;
    if (starts_with(head, "BM"sv) && head.size() >= 26) return FileKind::kBmp;
    if (starts_with(head, "DICM"sv, 128)) return FileKind::kDicom;
    if (starts_with(head, "\x1F\x8B"sv)) return FileKind::kGzip;
    if (starts_with(head, "\x28\xB5\x2F\xFD"sv)) return FileKind::kZstd;
    if (starts_with(head, "7z\xBC\xAF\x27\x1C"sv)) return FileKind::kSevenZip;
    if (starts_with(head, "Rar!\x1A\x07"sv)) return FileKind::kRar;
    if (starts_with(head, "SQLite format 3\0"sv)) return FileKind::kSqlite;
    if (starts_with(head, "ftyp"sv, 4)) return FileKind::kMp4;
    if (starts_with(head,
                    "\x7F"
                    "ELF"sv))
        return FileKind::kElf;
    if (starts_with(head, "MZ"sv) && head.size() >= 64) return FileKind::kPe;
    if (mostly_text(head.first(std::min<std::size_t>(head.size(), 4096)))) return FileKind::kText;
    return FileKind::kUnknown;
}

bool has_structure(FileKind kind) noexcept {
    return kind != FileKind::kUnknown && kind != FileKind::kEmpty && kind != FileKind::kText;
}

}  // namespace vigie::guard
