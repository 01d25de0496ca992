// ZIP and tar.gz archives of the corpus: what a service exports or keeps of past years.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "ransim/compression.hpp"
#include "ransim/formats.hpp"

namespace vigie::ransim {
namespace {

// One ustar header block (POSIX.1-1988) for a regular file.
void put_tar_header(Bytes& out, std::string_view name, std::uint64_t size, std::uint64_t mtime) {
    std::array<char, 512> header{};
    const auto field = [&header](std::size_t at, std::size_t width, std::string_view value) {
        std::memcpy(header.data() + at, value.data(), std::min(width, value.size()));
    };
    field(0, 100, name);
    field(100, 8, "0000644");
    field(108, 8, "0001750");
    field(116, 8, "0001750");
    field(124, 12, fmt::format("{:011o}", size));
    field(136, 12, fmt::format("{:011o}", mtime));
    field(148, 8, "        ");  // checksum: spaces while it is computed
    header[156] = '0';
    field(257, 6, std::string_view("ustar\0", 6));
    field(263, 2, "00");
    field(265, 32, "sauvegarde");
    field(297, 32, "informatique");
    unsigned sum = 0;
    for (const char c : header) sum += static_cast<unsigned char>(c);
    field(148, 8, fmt::format("{:06o}", sum));
    header[154] = '\0';
    header[155] = ' ';
    out.insert(out.end(), header.begin(), header.end());
}

std::string member_name(const DocumentContext& context, std::string_view stem, unsigned n,
                        std::string_view extension) {
    return fmt::format("{}_{}/{}_{:03}.{}", context.service, context.date.compact(), stem, n,
                       extension);
}

}  // namespace

Bytes make_zip_archive(Random& random, const DocumentContext& context, std::uint64_t size) {
    // Documents and scans of a closed year: members are already compressed (stored as they
    // are, like most archivers do) or text (deflated).
    ZipWriter zip;
    unsigned n = 0;
    while (zip.size() + 2'000 < size) {
        const std::uint64_t left = size - zip.size();
        const std::uint64_t member =
            std::min<std::uint64_t>(left, random.skewed_size(120'000, 0.9, 8'000, 1'500'000));
        DocumentContext member_context = context;
        member_context.date = random_date(random, context.date.year);
        member_context.patient = random_person(random);
        member_context.patient_id = patient_number(random);
        member_context.title = fmt::format("Compte rendu {}", random_exam(random));
        ++n;
        switch (random.below(4)) {
            case 0:
                zip.add(member_name(context, "compte_rendu", n, "pdf"),
                        make_pdf(random, member_context, member), false);
                break;
            case 1:
                zip.add(member_name(context, "photo", n, "jpg"), make_jpeg(random, member).bytes,
                        false);
                break;
            case 2:
                zip.add(member_name(context, "courrier", n, "docx"),
                        make_docx(random, member_context, member), false);
                break;
            default:
                // Text deflates about 4:1: ask for four times the room it should take.
                zip.add(member_name(context, "export", n, "csv"),
                        make_csv(random, member_context, member * 4), true);
                break;
        }
    }
    return zip.finish();
}

Bytes make_tar_gz(Random& random, const DocumentContext& context, std::uint64_t size) {
    // An export of logs and tables (deflates about 4:1) with a few scans (do not deflate).
    Bytes tar;
    const std::uint64_t mtime = 1'573'776'000 + random.below(86'400 * 30);  // November 2019
    std::uint64_t estimate = 0;
    for (unsigned n = 1; estimate < size; ++n) {
        Bytes member;
        std::string name;
        const std::uint64_t left = size - estimate;
        if (random.chance(0.4)) {
            const std::uint64_t bytes =
                std::min<std::uint64_t>(left, random.skewed_size(150'000, 0.8, 8'000, 1'000'000));
            member = make_jpeg(random, bytes).bytes;
            name = member_name(context, "scan", n, "jpg");
            estimate += member.size();
        } else {
            const std::uint64_t bytes = std::min<std::uint64_t>(
                4 * left, random.skewed_size(200'000, 0.8, 4'000, 2'000'000));
            const bool table = random.chance(0.5);
            member = table ? make_csv(random, context, bytes) : make_txt(random, context, bytes);
            name = member_name(context, table ? "export" : "journal", n, table ? "csv" : "txt");
            estimate += member.size() / 4;
        }
        put_tar_header(tar, name, member.size(), mtime);
        tar.insert(tar.end(), member.begin(), member.end());
        tar.resize((tar.size() + 511) / 512 * 512, 0);
    }
    tar.resize(tar.size() + 1024, 0);  // two zero blocks end the archive
    return deflate(tar, Wrapping::kGzip);
}

}  // namespace vigie::ransim
