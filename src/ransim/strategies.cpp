#include "ransim/strategies.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>

#include "ransim/base64.hpp"

namespace vigie::ransim {
namespace {

constexpr std::uint64_t kPage = 4096;

constexpr std::array<StrategyInfo, 12> kStrategies = {{
    {Strategy::kInPlace, "in-place", "",
     "read each file, write the ciphertext over the same bytes (pwrite)"},
    {Strategy::kCopyDelete, "copy-delete", ".enc",
     "write the ciphertext to NAME.enc, then unlink the original"},
    {Strategy::kRenameOverwrite, "rename-overwrite", ".locked",
     "rename to NAME.locked first, then encrypt it in place"},
    {Strategy::kIntermittent16, "intermittent-16", "",
     "in place, 16 bytes encrypted then 16 left, over the whole file"},
    {Strategy::kIntermittentHead, "intermittent-head", "",
     "in place, only the first MiB of each file"},
    {Strategy::kIntermittentSkipHeader, "intermittent-skip-header", "",
     "in place, all but the first 4 KiB (the format's header stays readable)"},
    {Strategy::kBase64, "base64", "",
     "the ciphertext as base64 text over the file (low-entropy output), same name"},
    {Strategy::kMultiProcess, "multi-process", "",
     "in place, the files shared among --workers forked child processes"},
    {Strategy::kSlow, "slow", "", "in place, one file every --delay-ms (default 2000 ms)"},
    {Strategy::kMmap, "mmap", "",
     "in place through a shared mapping: mmap, XOR, msync, munmap, then close"},
    {Strategy::kClop, "clop", ".CIop",
     "RC4 in place, rename to NAME.CIop, a placeholder ClopReadMe.txt in each folder"},
    {Strategy::kAtomicReplace, "atomic-replace", "",
     "write the ciphertext to .NAME.tmpXXXXXX beside it, fsync, rename() over the original"},
}};

core::Error changed_since_generation(const CorpusRoot& root, const std::string& path) {
    return core::fail(core::ErrorCode::kInvalidArgument,
                      "no longer matches the manifest: left alone (its recovery could not be "
                      "checked)",
                      core::Location::in_file(root.path() + "/" + path));
}

std::string full_path(const CorpusRoot& root, std::string_view relative) {
    return root.path() + "/" + std::string(relative);
}

void apply_keystream(std::span<std::uint8_t> data, std::span<const std::uint8_t> stream,
                     const Selection& selection) {
    std::uint8_t* bytes = data.data();
    const std::uint8_t* key = stream.data();
    for (std::uint64_t i = selection.begin; i < selection.end; ++i) bytes[i] ^= key[i];
}

// Read, check against the manifest, XOR, write back the selected range: the strategies that
// encrypt in place with pwrite.
core::Result<void> encrypt_in_place(const CorpusRoot& root, Strategy strategy, const Key& key,
                                    const ManifestEntry& entry, std::string_view relative) {
    const std::string path = full_path(root, relative);
    auto fd = root.open_file(relative, O_RDWR);
    if (!fd) return std::move(fd).error();
    auto data = read_whole(fd->get(), path);
    if (!data) return std::move(data).error();
    if (!entry.matches(*data)) return changed_since_generation(root, std::string(relative));
    const Selection selection = selected_bytes(strategy, data->size());
    const auto stream = file_keystream(strategy, key, entry.path, data->size());
    apply_keystream(*data, stream, selection);
    const auto range = std::span<const std::uint8_t>(*data).subspan(
        selection.begin, selection.end - selection.begin);
    return write_at(fd->get(), range, selection.begin, path);
}

core::Result<void> encrypt_mapped(const CorpusRoot& root, const Key& key,
                                  const ManifestEntry& entry) {
    const std::string path = full_path(root, entry.path);
    auto fd = root.open_file(entry.path, O_RDWR);
    if (!fd) return std::move(fd).error();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return system_error(path, "cannot stat", errno);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size != entry.size || size == 0) return changed_since_generation(root, entry.path);
    void* mapping = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd->get(), 0);
    if (mapping == MAP_FAILED) return system_error(path, "mmap failed", errno);
    const std::span<std::uint8_t> bytes(static_cast<std::uint8_t*>(mapping), size);
    core::Result<void> result;
    if (!entry.matches(bytes)) {
        result = changed_since_generation(root, entry.path);
    } else {
        const auto stream = file_keystream(Strategy::kMmap, key, entry.path, size);
        apply_keystream(bytes, stream, selected_bytes(Strategy::kMmap, size));
        if (::msync(mapping, size, MS_SYNC) != 0) result = system_error(path, "msync", errno);
    }
    ::munmap(mapping, size);
    return result;  // the descriptor closes after munmap, as the strategy requires
}

core::Result<void> encrypt_to_copy(const CorpusRoot& root, const Key& key,
                                   const ManifestEntry& entry) {
    const std::string path = full_path(root, entry.path);
    const std::string copy = entry.path + std::string(strategy_info(Strategy::kCopyDelete).suffix);
    mode_t mode = 0644;
    {
        auto original = root.open_file(entry.path, O_RDONLY);
        if (!original) return std::move(original).error();
        struct stat st {};
        if (::fstat(original->get(), &st) == 0) mode = st.st_mode & 0777;
        auto data = read_whole(original->get(), path);
        if (!data) return std::move(data).error();
        if (!entry.matches(*data)) return changed_since_generation(root, entry.path);
        const auto stream = file_keystream(Strategy::kCopyDelete, key, entry.path, data->size());
        apply_keystream(*data, stream, selected_bytes(Strategy::kCopyDelete, data->size()));
        auto out = root.open_file(copy, O_WRONLY | O_CREAT | O_EXCL, mode);
        if (!out) return std::move(out).error();
        if (auto r = write_at(out->get(), *data, 0, full_path(root, copy)); !r) return r;
    }
    return root.remove_file(entry.path);
}

core::Result<void> encrypt_renamed_first(const CorpusRoot& root, const Key& key,
                                         const ManifestEntry& entry) {
    const std::string renamed =
        entry.path + std::string(strategy_info(Strategy::kRenameOverwrite).suffix);
    if (auto r = root.rename_file(entry.path, renamed, false); !r) return r;
    auto result = encrypt_in_place(root, Strategy::kRenameOverwrite, key, entry, renamed);
    if (!result && result.error().code == core::ErrorCode::kInvalidArgument) {
        // Changed since generation: give the file its name back untouched.
        (void)root.rename_file(renamed, entry.path, false);
    }
    return result;
}

core::Result<void> encrypt_then_rename(const CorpusRoot& root, const Key& key,
                                       const ManifestEntry& entry) {
    if (auto r = encrypt_in_place(root, Strategy::kClop, key, entry, entry.path); !r) return r;
    return root.rename_file(entry.path,
                            entry.path + std::string(strategy_info(Strategy::kClop).suffix), false);
}

core::Result<void> encrypt_as_base64(const CorpusRoot& root, const Key& key,
                                     const ManifestEntry& entry) {
    const std::string path = full_path(root, entry.path);
    auto fd = root.open_file(entry.path, O_RDWR);
    if (!fd) return std::move(fd).error();
    auto data = read_whole(fd->get(), path);
    if (!data) return std::move(data).error();
    if (!entry.matches(*data)) return changed_since_generation(root, entry.path);
    const auto stream = file_keystream(Strategy::kBase64, key, entry.path, data->size());
    apply_keystream(*data, stream, selected_bytes(Strategy::kBase64, data->size()));
    const auto text = base64_encode(*data);
    for (const WritePiece& piece : base64_write_plan(data->size())) {
        const auto bytes = std::span<const std::uint8_t>(text).subspan(piece.offset, piece.length);
        if (auto r = write_at(fd->get(), bytes, piece.offset, path); !r) return r;
    }
    return {};
}

// The way editors and office suites save, used to encrypt: a new file, whole, then renamed
// over the original. The original is only read; its inode is dropped by the rename.
core::Result<void> encrypt_by_replacing(const CorpusRoot& root, const Key& key,
                                        const ManifestEntry& entry) {
    const std::string path = full_path(root, entry.path);
    const std::string temp = replacement_temp_path(entry.path);
    mode_t mode = 0644;
    std::vector<std::uint8_t> data;
    {
        auto original = root.open_file(entry.path, O_RDONLY);
        if (!original) return std::move(original).error();
        struct stat st {};
        if (::fstat(original->get(), &st) != 0) return system_error(path, "cannot stat", errno);
        // Renaming over a file with another name would leave that name holding the original:
        // a hard-linked file is left alone, as every strategy does.
        if (!root.only_here(st))
            return core::fail(core::ErrorCode::kInvalidArgument,
                              "has several names (hard link): never replaced",
                              core::Location::in_file(path));
        mode = st.st_mode & 0777;
        auto bytes = read_whole(original->get(), path);
        if (!bytes) return std::move(bytes).error();
        data = std::move(*bytes);
    }
    if (!entry.matches(data)) return changed_since_generation(root, entry.path);
    const auto stream = file_keystream(Strategy::kAtomicReplace, key, entry.path, data.size());
    apply_keystream(data, stream, selected_bytes(Strategy::kAtomicReplace, data.size()));
    {
        auto out = root.open_file(temp, O_WRONLY | O_CREAT | O_EXCL, mode);
        if (!out) return std::move(out).error();
        auto written = write_at(out->get(), data, 0, full_path(root, temp));
        if (written) written = sync(out->get(), full_path(root, temp));
        if (!written) {
            (void)root.remove_file(temp);
            return written;
        }
    }
    if (auto renamed = root.rename_file(temp, entry.path, true); !renamed) {
        (void)root.remove_file(temp);
        return renamed;
    }
    return {};
}

}  // namespace

std::string replacement_temp_path(std::string_view relative) {
    const std::size_t slash = relative.rfind('/');
    const std::string_view folder =
        slash == std::string_view::npos ? std::string_view() : relative.substr(0, slash + 1);
    const std::string_view name =
        slash == std::string_view::npos ? relative : relative.substr(slash + 1);
    const auto hash = static_cast<std::uint32_t>(XXH3_64bits(relative.data(), relative.size()));
    return fmt::format("{}.{}.tmp{:06x}", folder, name, hash & 0xffffff);
}

std::string encrypted_sibling(Strategy strategy, std::string_view relative) {
    if (strategy == Strategy::kAtomicReplace) return replacement_temp_path(relative);
    const std::string_view suffix = strategy_info(strategy).suffix;
    return suffix.empty() ? std::string() : std::string(relative) + std::string(suffix);
}

std::span<const StrategyInfo> strategy_table() {
    return kStrategies;
}

const StrategyInfo& strategy_info(Strategy strategy) {
    return kStrategies[static_cast<std::size_t>(strategy)];
}

std::optional<Strategy> parse_strategy(std::string_view name) {
    for (const StrategyInfo& info : kStrategies) {
        if (info.name == name) return info.strategy;
    }
    return std::nullopt;
}

std::string_view clop_note_text() {
    return "This is a placeholder written by `vigie ransim` (strategy clop), a ransomware\n"
           "simulator used to test vigie's file-server guard on a generated test corpus.\n"
           "No real data was touched and nothing is asked of anyone.\n"
           "`vigie ransim decrypt` restores the corpus and removes this file.\n";
}

Selection selected_bytes(Strategy strategy, std::uint64_t size) {
    switch (strategy) {
        case Strategy::kIntermittent16:
            return {0, size, true};
        case Strategy::kIntermittentHead:
            return {0, std::min(size, kHeadBytes), false};
        case Strategy::kIntermittentSkipHeader:
            return {std::min(kKeptHeaderBytes, size / 2), size, false};
        default:
            return {0, size, false};
    }
}

std::vector<std::uint8_t> file_keystream(Strategy strategy, const Key& key, std::string_view path,
                                         std::uint64_t size) {
    std::vector<std::uint8_t> stream(size, 0);
    const Selection selection = selected_bytes(strategy, size);
    const std::span<std::uint8_t> selected =
        std::span(stream).subspan(selection.begin, selection.end - selection.begin);
    if (strategy == Strategy::kClop) {
        // One RC4 key per file, as Clop had: the run's key and the path's nonce.
        std::array<std::uint8_t, 28> rc4_key{};
        std::copy_n(key.begin(), 16, rc4_key.begin());
        const Nonce nonce = file_nonce(path);
        std::copy(nonce.begin(), nonce.end(), rc4_key.begin() + 16);
        Rc4 rc4(rc4_key);
        rc4.apply(selected);
    } else {
        ChaCha20(key, file_nonce(path)).apply(selected, selection.begin);
    }
    if (selection.alternate) {
        for (std::uint64_t i = 16; i < selection.end; i += 32) {
            std::fill_n(stream.begin() + static_cast<long>(i),
                        std::min<std::uint64_t>(16, selection.end - i), 0);
        }
    }
    return stream;
}

std::vector<WritePiece> base64_write_plan(std::uint64_t size) {
    std::vector<WritePiece> plan;
    const std::uint64_t total = base64_size(size);
    if (total > size) plan.push_back({size, total - size});
    std::uint64_t end = size;
    while (end > 0) {
        // The bytes of [begin, end) are encoded from offset 4 * floor(begin / 3) on, at or
        // past `end` when begin >= (3 * end + 8) / 4.
        std::uint64_t begin = ((3 * end + 12) / 4 + kPage - 1) / kPage * kPage;
        if (begin >= end) begin = (end - 1) / kPage * kPage;  // one page: never cut
        plan.push_back({begin, end - begin});
        end = begin;
    }
    return plan;
}

core::Result<void> encrypt_file(const CorpusRoot& root, Strategy strategy, const Key& key,
                                const ManifestEntry& entry) {
    switch (strategy) {
        case Strategy::kCopyDelete:
            return encrypt_to_copy(root, key, entry);
        case Strategy::kRenameOverwrite:
            return encrypt_renamed_first(root, key, entry);
        case Strategy::kBase64:
            return encrypt_as_base64(root, key, entry);
        case Strategy::kMmap:
            return encrypt_mapped(root, key, entry);
        case Strategy::kClop:
            return encrypt_then_rename(root, key, entry);
        case Strategy::kAtomicReplace:
            return encrypt_by_replacing(root, key, entry);
        default:
            return encrypt_in_place(root, strategy, key, entry, entry.path);
    }
}

}  // namespace vigie::ransim
