#include "guard/actor.hpp"

#include <algorithm>

namespace vigie::guard {

int Actor::add_evidence(const std::string& path, const std::vector<EvidencePart>& parts) {
    if (parts.empty()) return 0;
    FileRecord& record = files[path];
    int added = 0;
    for (const EvidencePart& part : parts) {
        if (!record.parts.emplace(part.key, part).second) continue;
        record.score += part.points;
        added += part.points;
    }
    score += added;
    return added;
}

void Actor::rename_file(const std::string& from, const std::string& to) {
    auto it = files.find(from);
    if (it != files.end()) {
        FileRecord record = std::move(it->second);
        files.erase(it);
        FileRecord& target = files[to];
        for (auto& [key, part] : record.parts) {
            if (target.parts.emplace(key, part).second)
                target.score += part.points;
            else
                score -= part.points;  // the same reason on the file under both names
        }
    }
    if (touched.erase(from) > 0) touched.insert(to);
}

std::vector<FileEvidence> Actor::evidence() const {
    std::vector<FileEvidence> out;
    for (const auto& [path, record] : files) {
        FileEvidence f{path, record.score, {}};
        for (const auto& [key, part] : record.parts) f.parts.push_back(part);
        out.push_back(std::move(f));
    }
    std::stable_sort(out.begin(), out.end(), [](const FileEvidence& a, const FileEvidence& b) {
        return a.score > b.score;
    });
    return out;
}

}  // namespace vigie::guard
