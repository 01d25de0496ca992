#include "guard/decoys.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace vigie::guard {
namespace {

core::Error io_error(const std::string& what, const std::string& path) {
    return core::fail(core::ErrorCode::kIo, fmt::format("{}: {}", what, std::strerror(errno)),
                      core::Location::in_file(path));
}

core::Result<void> write_new(const std::string& path, const std::string& content) {
    // O_EXCL and O_NOFOLLOW: a decoy never replaces a user's file, nor follows a link.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot plant a decoy", path);
    const ssize_t n = ::write(fd, content.data(), content.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(content.size())) return io_error("cannot write a decoy", path);
    return {};
}

}  // namespace

std::string decoy_content(const std::string& folder) {
    // Text a reader would find dull; the folder name makes each decoy different.
    std::string body = "BT /F1 11 Tf 72 720 Td (Inventaire du materiel - " +
                       std::filesystem::path(folder).filename().string() + ") Tj ET\n";
    for (int line = 0; line < 40; ++line)
        body += fmt::format(
            "BT /F1 9 Tf 72 {} Td (Poste {:03} - ecran, clavier, souris - "
            "verifie) Tj ET\n",
            700 - line * 16, line + 1);
    std::string pdf = "%PDF-1.4\n";
    pdf += "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n";
    pdf += "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n";
    pdf +=
        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> "
        "endobj\n";
    pdf += fmt::format("4 0 obj << /Length {} >> stream\n{}endstream endobj\n", body.size(), body);
    pdf += "xref\n0 5\ntrailer << /Size 5 /Root 1 0 R >>\nstartxref\n0\n%%EOF\n";
    return pdf;
}

core::Result<std::vector<std::string>> plant_decoys(const std::vector<std::string>& roots,
                                                    const std::string& list_file,
                                                    int folders_per_root) {
    namespace fs = std::filesystem;
    std::vector<std::string> folders;
    for (const std::string& root : roots) {
        folders.push_back(root);
        std::vector<std::string> subfolders;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root, ec)) {
            if (entry.is_directory(ec) && !entry.is_symlink(ec))
                subfolders.push_back(entry.path().string());
        }
        std::sort(subfolders.begin(), subfolders.end());
        if (subfolders.size() > static_cast<std::size_t>(folders_per_root))
            subfolders.resize(static_cast<std::size_t>(folders_per_root));
        folders.insert(folders.end(), subfolders.begin(), subfolders.end());
    }
    std::vector<std::string> decoys;
    for (const std::string& folder : folders) {
        const std::string path = folder + "/" + kDecoyName;
        const std::string content = decoy_content(folder);
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0) {
            // Already there (a restart): keep it if it is still a decoy's regular file.
            if (!S_ISREG(st.st_mode)) continue;
            std::ifstream in(path, std::ios::binary);
            const std::string now((std::istreambuf_iterator<char>(in)), {});
            if (now != content) continue;  // changed meanwhile: not ours to judge here
        } else if (auto planted = write_new(path, content); !planted) {
            return planted.error();
        }
        decoys.push_back(path);
    }
    std::ofstream list(list_file, std::ios::trunc);
    for (const std::string& d : decoys) list << d << '\n';
    if (!list) return io_error("cannot write the decoy list", list_file);
    return decoys;
}

}  // namespace vigie::guard
