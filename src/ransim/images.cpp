// JPEG, PNG and DICOM images of the corpus.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <initializer_list>

#include "ransim/compression.hpp"
#include "ransim/formats.hpp"

namespace vigie::ransim {
namespace {

// push_back rather than insert of an initializer list: GCC 12 reports false overflows on the
// latter at -O3.
void put_list(Bytes& out, std::initializer_list<std::uint8_t> bytes) {
    for (const std::uint8_t b : bytes) out.push_back(b);
}

void put16be(Bytes& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void put32be(Bytes& out, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put16le(Bytes& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put32le(Bytes& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_text(Bytes& out, std::string_view s) {
    out.insert(out.end(), s.begin(), s.end());
}

// ---- JPEG ---------------------------------------------------------------------------------

constexpr std::array<std::uint8_t, 64> kLumaQuant = {
    16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
    14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
    18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

constexpr std::array<std::uint8_t, 64> kChromaQuant = {
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99,
    99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};

// The Huffman tables of the JPEG standard (Annex K): code counts per length, then symbols.
// The AC symbol lists start as the standard's; the rest of each list is every remaining
// (run, size) symbol in ascending order, which is how the standard lists end too.
constexpr std::array<std::uint8_t, 16> kDcLumaBits = {0, 1, 5, 1, 1, 1, 1, 1,
                                                      1, 0, 0, 0, 0, 0, 0, 0};
constexpr std::array<std::uint8_t, 16> kDcChromaBits = {0, 3, 1, 1, 1, 1, 1, 1,
                                                        1, 1, 1, 0, 0, 0, 0, 0};
constexpr std::array<std::uint8_t, 16> kAcLumaBits = {0, 2, 1, 3, 3, 2, 4, 3,
                                                      5, 5, 4, 4, 0, 0, 1, 0x7d};
constexpr std::array<std::uint8_t, 16> kAcChromaBits = {0, 2, 1, 2, 4, 4, 3, 4,
                                                        7, 5, 4, 4, 0, 1, 2, 0x77};
constexpr std::array<std::uint8_t, 39> kAcLumaFirst = {
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13,
    0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42,
    0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a};
constexpr std::array<std::uint8_t, 40> kAcChromaFirst = {
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07,
    0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09,
    0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34};

Bytes ac_symbols(std::span<const std::uint8_t> first) {
    Bytes symbols(first.begin(), first.end());
    std::vector<std::uint8_t> all = {0x00, 0xf0};
    for (unsigned run = 0; run < 16; ++run) {
        for (unsigned size = 1; size <= 10; ++size) {
            all.push_back(static_cast<std::uint8_t>(run << 4 | size));
        }
    }
    std::sort(all.begin(), all.end());
    for (const std::uint8_t s : all) {
        if (std::find(symbols.begin(), symbols.end(), s) == symbols.end()) symbols.push_back(s);
    }
    return symbols;
}

void put_huffman(Bytes& out, std::uint8_t table_class_id, std::span<const std::uint8_t, 16> bits,
                 std::span<const std::uint8_t> symbols) {
    out.push_back(table_class_id);
    out.insert(out.end(), bits.begin(), bits.end());
    out.insert(out.end(), symbols.begin(), symbols.end());
}

// ---- DICOM --------------------------------------------------------------------------------

// One explicit-VR little-endian element; values are padded to an even length as the standard
// requires (UI with NUL, text with a space).
void put_element(Bytes& out, std::uint16_t group, std::uint16_t element, std::string_view vr,
                 std::span<const std::uint8_t> value) {
    put16le(out, group);
    put16le(out, element);
    put_text(out, vr);
    const std::size_t padded = value.size() + value.size() % 2;
    if (vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT") {
        put16le(out, 0);
        put32le(out, static_cast<std::uint32_t>(padded));
    } else {
        put16le(out, static_cast<std::uint32_t>(padded));
    }
    out.insert(out.end(), value.begin(), value.end());
    if (padded != value.size()) out.push_back(vr == "UI" || vr == "OB" ? 0 : ' ');
}

void put_string(Bytes& out, std::uint16_t group, std::uint16_t element, std::string_view vr,
                std::string_view value) {
    put_element(out, group, element, vr,
                std::span(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

void put_us(Bytes& out, std::uint16_t group, std::uint16_t element, std::uint16_t value) {
    const std::array<std::uint8_t, 2> bytes = {static_cast<std::uint8_t>(value),
                                               static_cast<std::uint8_t>(value >> 8)};
    put_element(out, group, element, "US", bytes);
}

}  // namespace

JpegImage make_jpeg(Random& random, std::uint64_t size) {
    // About 2 bits per pixel for a photograph at usual quality.
    const double pixels = static_cast<double>(size) * 4.0;
    JpegImage image;
    image.width = std::max(16u, static_cast<unsigned>(std::sqrt(pixels * 4.0 / 3.0)) / 16 * 16);
    image.height = std::max(16u, static_cast<unsigned>(pixels / image.width) / 16 * 16);

    Bytes& out = image.bytes;
    out.reserve(size + 64);
    put_list(out, {0xFF, 0xD8});
    // APP0 JFIF, 72 dpi.
    put_list(out, {0xFF, 0xE0});
    put16be(out, 16);
    put_text(out, std::string_view("JFIF\0", 5));
    put_list(out, {1, 1, 1, 0, 72, 0, 72, 0, 0});
    // APP1 Exif: a TIFF header and an empty first directory.
    put_list(out, {0xFF, 0xE1});
    put16be(out, 2 + 6 + 8 + 6);
    put_text(out, std::string_view("Exif\0\0", 6));
    put_list(out, {'I', 'I', 0x2A, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    for (std::uint8_t table = 0; table < 2; ++table) {
        put_list(out, {0xFF, 0xDB});
        put16be(out, 67);
        out.push_back(table);
        const auto& quant = table == 0 ? kLumaQuant : kChromaQuant;
        out.insert(out.end(), quant.begin(), quant.end());
    }
    // SOF0: baseline, 8 bits, Y at 2x2, Cb and Cr at 1x1.
    put_list(out, {0xFF, 0xC0});
    put16be(out, 17);
    out.push_back(8);
    put16be(out, image.height);
    put16be(out, image.width);
    put_list(out, {3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1});
    const Bytes luma_ac = ac_symbols(kAcLumaFirst);
    const Bytes chroma_ac = ac_symbols(kAcChromaFirst);
    const Bytes dc_symbols = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    put_list(out, {0xFF, 0xC4});
    put16be(out, static_cast<std::uint32_t>(2 + 4 * 17 + 2 * dc_symbols.size() + luma_ac.size() +
                                            chroma_ac.size()));
    put_huffman(out, 0x00, kDcLumaBits, dc_symbols);
    put_huffman(out, 0x10, kAcLumaBits, luma_ac);
    put_huffman(out, 0x01, kDcChromaBits, dc_symbols);
    put_huffman(out, 0x11, kAcChromaBits, chroma_ac);
    // SOS for the three components, then entropy-coded data: near-random bytes in which every
    // 0xFF is followed by a stuffed 0x00, as an encoder writes them.
    put_list(out, {0xFF, 0xDA});
    put16be(out, 12);
    put_list(out, {3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0});
    const std::size_t wanted = size > 2 ? static_cast<std::size_t>(size - 2) : 0;
    const std::size_t scan_end = std::max<std::size_t>(out.size() + 64, wanted);
    const std::size_t start = out.size();
    random.append_bytes(out, scan_end - start);
    for (std::size_t i = start; i < out.size(); ++i) {
        if (out[i] == 0xFF) {
            if (i + 1 < out.size()) out[i + 1] = 0x00;
            ++i;
        }
    }
    if (out.back() == 0xFF) out.back() = 0xFE;
    put_list(out, {0xFF, 0xD9});
    return image;
}

Bytes make_png(Random& random, std::uint64_t size) {
    // A scanned form or a screenshot: a light gradient, darker bands of "text" and sensor
    // noise in the low bits, which deflate brings to roughly the requested size.
    const double pixels = static_cast<double>(size) * 0.5;
    const auto width = std::max(32u, static_cast<unsigned>(std::sqrt(pixels * 4.0 / 3.0)));
    const auto height = std::max(32u, static_cast<unsigned>(pixels / width));
    const std::size_t stride = 1 + 3 * static_cast<std::size_t>(width);
    Bytes raw(stride * height);
    Bytes noise;
    for (unsigned y = 0; y < height; ++y) {
        std::uint8_t* row = raw.data() + y * stride;
        row[0] = 0;  // filter: none
        noise.clear();
        random.append_bytes(noise, 3 * static_cast<std::size_t>(width));
        const bool band = (y / 14) % 3 == 1;
        for (unsigned x = 0; x < width; ++x) {
            const unsigned base = 235 - (x * 20 / width) - (y * 15 / height);
            const unsigned ink = band && (x / 9) % 7 != 0 ? 150 : 0;
            for (unsigned c = 0; c < 3; ++c) {
                const unsigned v = base - ink + (noise[3 * x + c] & 0x0F) - 8 + c * 2;
                row[1 + 3 * x + c] = static_cast<std::uint8_t>(std::min(255u, v));
            }
        }
    }
    const Bytes compressed = deflate(raw, Wrapping::kZlib);

    Bytes out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    const auto chunk = [&out](std::string_view type, std::span<const std::uint8_t> data) {
        put32be(out, static_cast<std::uint32_t>(data.size()));
        const std::size_t crc_from = out.size();
        put_text(out, type);
        out.insert(out.end(), data.begin(), data.end());
        put32be(out, crc32_of(std::span(out).subspan(crc_from)));
    };
    Bytes header;
    put32be(header, width);
    put32be(header, height);
    put_list(header, {8, 2, 0, 0, 0});  // 8-bit RGB, deflate, no interlace
    chunk("IHDR", header);
    Bytes physical;
    put32be(physical, 11811);  // 300 dpi
    put32be(physical, 11811);
    physical.push_back(1);
    chunk("pHYs", physical);
    const std::string_view software = "Software\0Centre Hospitalier - numerisation";
    chunk("tEXt",
          std::span(reinterpret_cast<const std::uint8_t*>(software.data()), software.size()));
    for (std::size_t at = 0; at < compressed.size(); at += 65536) {
        chunk("IDAT", std::span(compressed)
                          .subspan(at, std::min<std::size_t>(65536, compressed.size() - at)));
    }
    chunk("IEND", {});
    return out;
}

Bytes make_dicom(Random& random, const DocumentContext& context, std::string_view modality,
                 std::string_view study_uid, unsigned instance, unsigned rows, unsigned columns) {
    const std::string_view sop_class = modality == "CT"   ? "1.2.840.10008.5.1.4.1.1.2"
                                       : modality == "MR" ? "1.2.840.10008.5.1.4.1.1.4"
                                                          : "1.2.840.10008.5.1.4.1.1.1";  // CR
    const std::string instance_uid = fmt::format("{}.{}", study_uid, instance);

    Bytes meta;
    put_element(meta, 0x0002, 0x0001, "OB", std::array<std::uint8_t, 2>{0, 1});
    put_string(meta, 0x0002, 0x0002, "UI", sop_class);
    put_string(meta, 0x0002, 0x0003, "UI", instance_uid);
    put_string(meta, 0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1");  // explicit VR little endian
    put_string(meta, 0x0002, 0x0012, "UI", "1.2.826.0.1.3680043.9.7156.1");
    put_string(meta, 0x0002, 0x0013, "SH", "VIGIE_RANSIM");

    // The 128-byte preamble, then the magic.
    Bytes out(128, 0);
    for (const char c : std::string_view("DICM")) out.push_back(static_cast<std::uint8_t>(c));
    std::array<std::uint8_t, 4> group_length{};
    for (int i = 0; i < 4; ++i)
        group_length[static_cast<std::size_t>(i)] =
            static_cast<std::uint8_t>(meta.size() >> (8 * i));
    put_element(out, 0x0002, 0x0000, "UL", group_length);
    out.insert(out.end(), meta.begin(), meta.end());

    put_string(out, 0x0008, 0x0016, "UI", sop_class);
    put_string(out, 0x0008, 0x0018, "UI", instance_uid);
    put_string(out, 0x0008, 0x0020, "DA", context.date.compact());
    put_string(out, 0x0008, 0x0060, "CS", modality);
    put_string(out, 0x0008, 0x0070, "LO", "CENTRE HOSPITALIER");
    put_string(out, 0x0010, 0x0010, "PN",
               fmt::format("{}^{}", context.patient.last, context.patient.first));
    put_string(out, 0x0010, 0x0020, "LO", context.patient_id);
    put_string(out, 0x0020, 0x000D, "UI", study_uid);
    put_string(out, 0x0020, 0x0013, "IS", fmt::format("{}", instance));
    put_us(out, 0x0028, 0x0002, 1);
    put_string(out, 0x0028, 0x0004, "CS", "MONOCHROME2");
    put_us(out, 0x0028, 0x0010, static_cast<std::uint16_t>(rows));
    put_us(out, 0x0028, 0x0011, static_cast<std::uint16_t>(columns));
    put_us(out, 0x0028, 0x0100, 16);
    put_us(out, 0x0028, 0x0101, 12);
    put_us(out, 0x0028, 0x0102, 11);
    put_us(out, 0x0028, 0x0103, 0);

    // Pixel data: an elliptic body, brighter towards its centre, a denser round organ, a
    // slow gradient across the field, and a few units of noise. 12 bits stored.
    const std::size_t pixel_bytes = 2 * static_cast<std::size_t>(rows) * columns;
    put16le(out, 0x7FE0);
    put16le(out, 0x0010);
    put_text(out, "OW");
    put16le(out, 0);
    put32le(out, static_cast<std::uint32_t>(pixel_bytes));
    // One allocation for the whole file (growing the header vector in place trips GCC 12's
    // -Warray-bounds on the preamble).
    const std::size_t pixels_at = out.size();
    Bytes file(pixels_at + pixel_bytes);
    std::memcpy(file.data(), out.data(), pixels_at);
    const double cx = columns * (0.45 + 0.1 * random.unit());
    const double cy = rows * (0.45 + 0.1 * random.unit());
    const double ax = columns * (0.30 + 0.12 * random.unit());
    const double ay = rows * (0.25 + 0.15 * random.unit());
    const double ox = cx + ax * (random.unit() - 0.5), oy = cy + ay * (random.unit() - 0.5);
    const double organ = std::min(ax, ay) * (0.15 + 0.2 * random.unit());
    std::uint64_t bits = 0;
    int bits_left = 0;
    for (unsigned y = 0; y < rows; ++y) {
        const double dy = (y - cy) / ay;
        for (unsigned x = 0; x < columns; ++x) {
            const double dx = (x - cx) / ax;
            const double r2 = dx * dx + dy * dy;
            double v = 40.0 + 30.0 * x / columns;
            if (r2 < 1.0) {
                v += 900.0 + 500.0 * (1.0 - r2);
                const double ex = x - ox, ey = y - oy;
                if (ex * ex + ey * ey < organ * organ) v += 700.0;
            }
            if (bits_left < 5) {
                bits = random.next();
                bits_left = 64;
            }
            v += static_cast<double>(bits & 31) - 16.0;
            bits >>= 5;
            bits_left -= 5;
            const auto value = static_cast<std::uint16_t>(std::clamp(v, 0.0, 4095.0));
            const std::size_t at = pixels_at + 2 * (static_cast<std::size_t>(y) * columns + x);
            file[at] = static_cast<std::uint8_t>(value);
            file[at + 1] = static_cast<std::uint8_t>(value >> 8);
        }
    }
    return file;
}

}  // namespace vigie::ransim
