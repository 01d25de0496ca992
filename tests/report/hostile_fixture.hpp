// A small intrusion whose every log string is hostile: markup, attribute breakers, DOT syntax,
// bidirectional overrides and 10 kB names, in host, account and command-line fields.
#pragma once

#include <string>
#include <vector>

#include "hunt/detection.hpp"
#include "hunt/host_picture.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::test {

inline const std::string kScriptHost = "<script>alert('host')</script>";
inline const std::string kAttrHost = "WS\"onerror=alert(1) x=\"";
inline const std::string kDotHost = "SRV\" -> EVIL [label=<<b>x</b>>] \\N";
inline const std::string kRtlAccount = "adm_\u202Efdp.exe";
inline const std::string kLongHost = std::string(10240, 'H');
inline const std::string kLongAccount = std::string(10240, 'a');
inline const std::string kCommand =
    "cmd.exe /c \"</script><img src=x onerror=alert(2)>\" \u2028 & whoami";

// Rules tagged along the path; detections reference them by index.
inline const char* kRules = R"(title: Office spawns a shell
id: 00000000-0000-0000-0000-000000000001
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4688}, condition: selection}
level: high
tags: [attack.initial-access, attack.execution]
---
title: Credential dumping
id: 00000000-0000-0000-0000-000000000002
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4656}, condition: selection}
level: high
tags: [attack.credential-access, attack.t1003.001]
---
title: Remote service with a stolen account
id: 00000000-0000-0000-0000-000000000003
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4697}, condition: selection}
level: high
tags: [attack.lateral-movement, attack.t1021.002]
---
title: Shadow copies deleted
id: 00000000-0000-0000-0000-000000000004
logsource: {product: windows, service: security}
detection: {selection: {EventID: 4699}, condition: selection}
level: critical
tags: [attack.impact, attack.t1490]
)";

struct HostileCase {
    sigma::RuleSet rules;
    std::vector<hunt::Detection> detections;
    hunt::HostPicture picture;
};

inline hunt::Detection hostile_detection(std::uint64_t hour, std::string computer,
                                         std::uint32_t rule,
                                         std::vector<std::pair<std::string, std::string>> fields) {
    hunt::Detection d;
    d.timestamp =
        13'220'000'000ULL * core::kTicksPerSecond + hour * 3600ULL * core::kTicksPerSecond;
    d.computer = std::move(computer);
    d.channel = "Security";
    d.event_id = 4688;
    d.rule = rule;
    d.order = hour;
    d.fields = std::move(fields);
    return d;
}

inline void build_hostile_case(HostileCase& c) {
    c.rules.load_yaml(kRules, "hostile.yml");
    c.rules.finalize();
    c.detections = {
        hostile_detection(1, kScriptHost, 0,
                          {{"CommandLine", kCommand}, {"SubjectUserName", kRtlAccount}}),
        hostile_detection(2, kScriptHost, 1, {{"SubjectUserName", kLongAccount}}),
        hostile_detection(30, kAttrHost, 2,
                          {{"WorkstationName", kScriptHost},
                           {"TargetUserName", kRtlAccount},
                           {"ServiceName", "<svg onload=alert(3)>"}}),
        hostile_detection(31, kDotHost, 2,
                          {{"WorkstationName", kAttrHost}, {"TargetUserName", kLongAccount}}),
        hostile_detection(40, kDotHost, 3, {{"CommandLine", "vssadmin delete shadows /all"}}),
        hostile_detection(41, kLongHost, 2,
                          {{"WorkstationName", kDotHost}, {"TargetUserName", "x\"onmouseover=\""}}),
        hostile_detection(42, kLongHost, 3, {{"CommandLine", kCommand}}),
    };
    hunt::HostPictureBuilder hosts;
    for (const hunt::Detection& d : c.detections) hosts.learn_address(d);
    for (const hunt::Detection& d : c.detections) hosts.add(d, c.rules.rule_info(d.rule));
    c.picture = hosts.finish();
}

}  // namespace vigie::test
