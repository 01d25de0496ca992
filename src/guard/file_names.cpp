#include "guard/file_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace vigie::guard {
namespace {

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Appended by families seen in hospitals and by the big ransomware-as-a-service programmes.
constexpr std::array<std::string_view, 32> kRansomwareExtensions = {
    "ciop",       "clop",      "cllp",   "c_l_o_p",  "lockbit",   "ryk",      "ryuk",
    "conti",      "hive",      "basta",  "akira",    "royal",     "blackcat", "alphv",
    "sodinokibi", "revil",     "maze",   "egregor",  "netwalker", "phobos",   "dharma",
    "makop",      "stop",      "djvu",   "wannacry", "wncry",     "locky",    "cerber",
    "crypt",      "encrypted", "locked", "rhysida"};

// Known extensions: never "random", whatever their letters.
constexpr std::array<std::string_view, 40> kKnownExtensions = {
    "doc", "docx", "xls", "xlsx", "ppt",  "pptx", "odt", "ods",  "odp", "pdf",
    "txt", "csv",  "rtf", "xml",  "html", "htm",  "jpg", "jpeg", "png", "gif",
    "tif", "tiff", "bmp", "dcm",  "zip",  "7z",   "rar", "gz",   "zst", "tar",
    "tmp", "bak",  "old", "log",  "json", "msg",  "eml", "mp4",  "mov", "db"};

bool alnum_mix(std::string_view ext) {
    bool digit = false, alpha = false;
    for (const char c : ext) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            digit = true;
        } else if (std::isalpha(static_cast<unsigned char>(c))) {
            alpha = true;
        } else {
            return false;
        }
    }
    return digit && alpha;
}

}  // namespace

std::string_view extension_of(std::string_view file_name) noexcept {
    const std::size_t slash = file_name.find_last_of("/\\");
    if (slash != std::string_view::npos) file_name = file_name.substr(slash + 1);
    const std::size_t dot = file_name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return {};
    return file_name.substr(dot + 1);
}

bool is_ransomware_extension(std::string_view extension) noexcept {
    return std::any_of(kRansomwareExtensions.begin(), kRansomwareExtensions.end(),
                       [&](std::string_view e) { return iequal(e, extension); });
}

bool is_ransom_note_name(std::string_view file_name) noexcept {
    const std::size_t slash = file_name.find_last_of("/\\");
    if (slash != std::string_view::npos) file_name = file_name.substr(slash + 1);
    const std::string name = lower(file_name);
    for (const std::string_view known :
         {"clopreadme.txt", "readme_readme.txt", "!!!_read_!!!.rtf", "ryukreadme.txt",
          "restore-my-files.txt", "readme.hta", "how_to_decrypt.txt", "_readme.txt",
          "decrypt-files.html", "readme_for_decrypt.txt"}) {
        if (name == known) return true;
    }
    const std::string_view ext = extension_of(name);
    if (ext != "txt" && ext != "html" && ext != "hta" && ext != "rtf") return false;
    const bool asks = name.find("read") != std::string::npos ||
                      name.find("how_to") != std::string::npos ||
                      name.find("how-to") != std::string::npos;
    const bool about =
        name.find("decrypt") != std::string::npos || name.find("restore") != std::string::npos ||
        name.find("recover") != std::string::npos || name.find("ransom") != std::string::npos ||
        name.find("!!!") != std::string::npos;
    return asks && about;
}

bool is_random_extension_change(std::string_view old_name, std::string_view new_name) noexcept {
    const std::string_view before = extension_of(old_name);
    const std::string_view after = extension_of(new_name);
    if (after.empty() || iequal(before, after)) return false;
    if (after.size() < 4 || after.size() > 12) return false;
    const std::string low = lower(after);
    if (std::find(kKnownExtensions.begin(), kKnownExtensions.end(), low) !=
        kKnownExtensions.end()) {
        return false;
    }
    return alnum_mix(after);
}

}  // namespace vigie::guard
