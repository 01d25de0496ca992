#include "ransim/manifest.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace vigie::ransim {
namespace {

constexpr std::string_view kManifestName = "manifest.tsv";
constexpr std::string_view kBlocksName = "blocks.bin";
constexpr std::string_view kManifestMagic = "# vigie-ransim manifest 1";

std::size_t block_count(std::uint64_t size) {
    return static_cast<std::size_t>((size + kBlockSize - 1) / kBlockSize);
}

core::Result<void> write_file(int dir_fd, const std::string& dir_path, std::string_view name,
                              std::span<const std::uint8_t> bytes) {
    const std::string path = dir_path + "/" + std::string(name);
    Fd fd(::openat(dir_fd, std::string(name).c_str(),
                   O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.valid()) return system_error(path, "cannot create", errno);
    if (auto r = write_at(fd.get(), bytes, 0, path); !r) return r;
    return sync(fd.get(), path);
}

core::Result<std::vector<std::uint8_t>> read_state_file(int dir_fd, const std::string& dir_path,
                                                        std::string_view name) {
    const std::string path = dir_path + "/" + std::string(name);
    Fd fd(::openat(dir_fd, std::string(name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return system_error(path, "cannot open", errno);
    return read_whole(fd.get(), path);
}

bool parse_hex64(std::string_view text, std::uint64_t& out) {
    return text.size() == 16 &&
           std::from_chars(text.data(), text.data() + 16, out, 16).ec == std::errc{};
}

}  // namespace

std::string Digest::hex() const {
    return fmt::format("{:016x}{:016x}", high, low);
}

Digest digest_of(std::span<const std::uint8_t> bytes) {
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    return {h.high64, h.low64};
}

std::uint64_t block_digest(std::span<const std::uint8_t> block) {
    return XXH3_64bits(block.data(), block.size());
}

ManifestEntry describe(std::string path, std::span<const std::uint8_t> content) {
    ManifestEntry entry;
    entry.path = std::move(path);
    entry.size = content.size();
    entry.digest = digest_of(content);
    entry.blocks.reserve(block_count(content.size()));
    for (std::size_t at = 0; at < content.size(); at += kBlockSize) {
        entry.blocks.push_back(
            block_digest(content.subspan(at, std::min(kBlockSize, content.size() - at))));
    }
    return entry;
}

const ManifestEntry* Manifest::find(std::string_view path) const {
    const auto it = by_path_.find(std::string(path));
    return it == by_path_.end() ? nullptr : &files[it->second];
}

void Manifest::index() {
    by_path_.clear();
    for (std::size_t i = 0; i < files.size(); ++i) by_path_.emplace(files[i].path, i);
}

core::Result<void> write_manifest(int state_dir_fd, const std::string& state_dir_path,
                                  const Manifest& manifest) {
    std::string text = fmt::format("{} corpus {} files {}\n", kManifestMagic, manifest.corpus_id,
                                   manifest.files.size());
    std::vector<std::uint8_t> blocks;
    for (const ManifestEntry& entry : manifest.files) {
        text += fmt::format("{}\t{}\t{}\n", entry.size, entry.digest.hex(), entry.path);
        for (const std::uint64_t b : entry.blocks) {
            for (int i = 0; i < 8; ++i) blocks.push_back(static_cast<std::uint8_t>(b >> (8 * i)));
        }
    }
    const auto text_bytes =
        std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    if (auto r = write_file(state_dir_fd, state_dir_path, kManifestName, text_bytes); !r) return r;
    return write_file(state_dir_fd, state_dir_path, kBlocksName, blocks);
}

core::Result<Manifest> read_manifest(const CorpusRoot& root) {
    auto dir = root.open_state_dir(false);
    if (!dir) return std::move(dir).error();
    const std::string dir_path = root.path() + "/" + std::string(kStateDirName);
    auto text_bytes = read_state_file(dir->get(), dir_path, kManifestName);
    if (!text_bytes) return std::move(text_bytes).error();
    auto blocks = read_state_file(dir->get(), dir_path, kBlocksName);
    if (!blocks) return std::move(blocks).error();
    const std::string manifest_path = dir_path + "/" + std::string(kManifestName);
    const auto bad = [&](std::size_t line, const std::string& why) {
        return core::fail(core::ErrorCode::kCorrupt, "bad manifest: " + why,
                          core::Location::at_line(manifest_path, static_cast<std::uint32_t>(line)));
    };

    const std::string_view text(reinterpret_cast<const char*>(text_bytes->data()),
                                text_bytes->size());
    Manifest manifest;
    std::size_t pos = 0, line_number = 0, block_at = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (line_number == 1) {
            const std::string_view corpus = " corpus ";
            const std::size_t at = line.find(corpus);
            if (!line.starts_with(kManifestMagic) || at == std::string_view::npos) {
                return bad(1, "wrong first line");
            }
            const std::string_view rest = line.substr(at + corpus.size());
            manifest.corpus_id = std::string(rest.substr(0, rest.find(' ')));
            continue;
        }
        if (line.empty()) continue;
        const std::size_t tab1 = line.find('\t');
        const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
        if (tab2 == std::string_view::npos) return bad(line_number, "expected 3 columns");
        ManifestEntry entry;
        const std::string_view size = line.substr(0, tab1);
        const std::string_view hex = line.substr(tab1 + 1, tab2 - tab1 - 1);
        entry.path = std::string(line.substr(tab2 + 1));
        if (std::from_chars(size.data(), size.data() + size.size(), entry.size).ec != std::errc{} ||
            hex.size() != 32 || !parse_hex64(hex.substr(0, 16), entry.digest.high) ||
            !parse_hex64(hex.substr(16), entry.digest.low) || !is_clean_relative_path(entry.path)) {
            return bad(line_number, "unreadable entry");
        }
        const std::size_t count = block_count(entry.size);
        if ((block_at + count) * 8 > blocks->size()) {
            return bad(line_number, "blocks.bin is shorter than the manifest says");
        }
        entry.blocks.resize(count);
        for (std::size_t b = 0; b < count; ++b, ++block_at) {
            std::uint64_t v = 0;
            for (int i = 0; i < 8; ++i) {
                v |= static_cast<std::uint64_t>(
                         (*blocks)[block_at * 8 + static_cast<std::size_t>(i)])
                     << (8 * i);
            }
            entry.blocks[b] = v;
        }
        manifest.files.push_back(std::move(entry));
    }
    if (block_at * 8 != blocks->size()) return bad(line_number, "blocks.bin is longer");
    if (manifest.corpus_id != root.marker().corpus_id) {
        return bad(1, "its corpus id is not the marker's (" + root.marker().corpus_id + ")");
    }
    manifest.index();
    return manifest;
}

}  // namespace vigie::ransim
