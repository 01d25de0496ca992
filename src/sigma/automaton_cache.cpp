#include "sigma/automaton_cache.hpp"

#include <hs/hs.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace vigie::sigma {

std::string AutomatonCache::key(const std::vector<std::string_view>& literals,
                                const std::vector<unsigned>& ids, unsigned flags) {
    XXH3_state_t* state = XXH3_createState();
    XXH3_128bits_reset(state);
    const std::string version = hs_version();
    XXH3_128bits_update(state, version.data(), version.size());
    hs_platform_info_t platform{};
    if (hs_populate_platform(&platform) == HS_SUCCESS) {
        XXH3_128bits_update(state, &platform.tune, sizeof(platform.tune));
        XXH3_128bits_update(state, &platform.cpu_features, sizeof(platform.cpu_features));
    }
    XXH3_128bits_update(state, &flags, sizeof(flags));
    for (std::size_t i = 0; i < literals.size(); ++i) {
        const std::uint64_t size = literals[i].size();
        XXH3_128bits_update(state, &ids[i], sizeof(ids[i]));
        XXH3_128bits_update(state, &size, sizeof(size));
        XXH3_128bits_update(state, literals[i].data(), literals[i].size());
    }
    const XXH128_hash_t h = XXH3_128bits_digest(state);
    XXH3_freeState(state);
    char hex[40];
    std::snprintf(hex, sizeof(hex), "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return hex;
}

hs_database* AutomatonCache::load(const std::string& key) const {
    if (!enabled()) return nullptr;
    std::ifstream in(dir_ + "/" + key + ".hsdb", std::ios::binary);
    if (!in) return nullptr;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    hs_database_t* db = nullptr;
    if (bytes.empty() || hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) {
        return nullptr;
    }
    return db;
}

void AutomatonCache::store(const std::string& key, const hs_database* db) const {
    if (!enabled() || db == nullptr) return;
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    char* bytes = nullptr;
    std::size_t size = 0;
    if (hs_serialize_database(db, &bytes, &size) != HS_SUCCESS) return;
    const std::string final_path = dir_ + "/" + key + ".hsdb";
    const std::string temp_path = final_path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
        out.write(bytes, static_cast<std::streamsize>(size));
        out.flush();
        if (!out) {
            std::free(bytes);
            std::filesystem::remove(temp_path, ec);
            return;
        }
    }
    std::free(bytes);
    std::filesystem::rename(temp_path, final_path, ec);
    if (ec) std::filesystem::remove(temp_path, ec);
    prune();
}

void AutomatonCache::prune() const {
    // Rule sets change; keep the cache from growing without end: past kMaxEntries, the
    // least recently written entries go.
    std::error_code ec;
    std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> entries;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
        if (e.path().extension() == ".hsdb") entries.emplace_back(e.last_write_time(ec), e.path());
    }
    if (entries.size() <= kMaxEntries) return;
    std::sort(entries.begin(), entries.end());
    for (std::size_t i = 0; i + kMaxEntries < entries.size(); ++i) {
        std::filesystem::remove(entries[i].second, ec);
    }
}

std::string default_automaton_cache_dir() {
    if (const char* v = std::getenv("VIGIE_CACHE_DIR"); v != nullptr && *v != '\0') {
        return std::string(v) == "off" ? std::string() : std::string(v);
    }
    if (const char* v = std::getenv("XDG_CACHE_HOME"); v != nullptr && *v != '\0') {
        return std::string(v) + "/vigie";
    }
    if (const char* v = std::getenv("HOME"); v != nullptr && *v != '\0') {
        return std::string(v) + "/.cache/vigie";
    }
    return {};
}

}  // namespace vigie::sigma
