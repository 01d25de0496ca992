// report/host_roles.hpp - which hosts look like the ones an attacker wants most.
//
// A domain controller, a file server or a backup server in an intrusion changes what to do
// first. The report has only the detections, not every event, so a role is said with what it
// was seen from, and only when the logs show it:
//   - domain controller: Kerberos tickets issued or checked (Security 4768, 4769, 4771) or
//     directory objects accessed (4662) on the host: those are logged by domain controllers;
//   - file server: a share other than the administrative ones (C$, ADMIN$, IPC$) accessed on
//     the host (5140, 5145), named;
//   - backup server: its name says so (backup, sauvegarde, veeam, bkp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hunt/detection.hpp"
#include "hunt/host_picture.hpp"

namespace vigie::report {

enum class HostRole : unsigned char { kDomainController, kFileServer, kBackupServer };

struct RoleSeen {
    HostRole role;
    std::string evidence;  ///< from the logs (a share name) or empty; shown escaped
};

/// Roles by host key (hunt::host_key), in the order above.
std::map<std::string, std::vector<RoleSeen>> infer_host_roles(
    const std::vector<hunt::Detection>& detections, const hunt::HostPicture& picture);

}  // namespace vigie::report
