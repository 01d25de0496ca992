#include "report/host_roles.hpp"

#include <algorithm>
#include <cctype>

namespace vigie::report {
namespace {

bool administrative_share(std::string_view share) {
    // "\\*\ADMIN$", "C$", "IPC$": hidden administrative shares end with '$'.
    return share.empty() || share.ends_with('$');
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void add(std::vector<RoleSeen>& roles, HostRole role, std::string evidence) {
    for (RoleSeen& r : roles) {
        if (r.role == role) return;
    }
    roles.push_back({role, std::move(evidence)});
}

}  // namespace

std::map<std::string, std::vector<RoleSeen>> infer_host_roles(
    const std::vector<hunt::Detection>& detections, const hunt::HostPicture& picture) {
    std::map<std::string, std::vector<RoleSeen>> roles;
    for (const hunt::Detection& d : detections) {
        if (d.computer.empty() || d.channel != "Security") continue;
        const std::int64_t id = d.event_id;
        if (id == 4768 || id == 4769 || id == 4771 || id == 4662) {
            add(roles[hunt::host_key(d.computer)], HostRole::kDomainController, {});
        } else if (id == 5140 || id == 5145) {
            std::string_view share = hunt::key_field(d, "ShareName");
            if (administrative_share(share)) continue;
            if (const std::size_t slash = share.rfind('\\'); slash != std::string_view::npos) {
                share.remove_prefix(slash + 1);
            }
            add(roles[hunt::host_key(d.computer)], HostRole::kFileServer, std::string(share));
        }
    }
    for (const hunt::HostReport& h : picture.hosts) {
        const std::string name = lower(h.host.substr(0, h.host.find('.')));
        for (const char* word : {"backup", "sauvegarde", "veeam", "bkp"}) {
            if (name.find(word) != std::string::npos) {
                add(roles[hunt::host_key(h.host)], HostRole::kBackupServer, {});
                break;
            }
        }
    }
    for (auto& [key, list] : roles) {
        std::sort(list.begin(), list.end(),
                  [](const RoleSeen& a, const RoleSeen& b) { return a.role < b.role; });
    }
    return roles;
}

}  // namespace vigie::report
