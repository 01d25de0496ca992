#include "hunt/key_fields.hpp"

#include "hunt/detection.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace vigie::hunt {
namespace {

struct KnownEvent {
    std::string_view channel;  // empty: any
    std::int64_t event_id;
    std::array<std::string_view, 6> fields;
};

// Fields an analyst reads first for the event types that matter most in an intrusion.
constexpr KnownEvent kKnown[] = {
    {"Microsoft-Windows-Sysmon/Operational",
     1,
     {"Image", "CommandLine", "ParentImage", "User", "ParentCommandLine", "Hashes"}},
    {"Security",
     4688,
     {"NewProcessName", "CommandLine", "ParentProcessName", "SubjectUserName", "TargetUserName",
      ""}},
    {"Security",
     4624,
     {"TargetUserName", "TargetDomainName", "LogonType", "IpAddress", "WorkstationName",
      "AuthenticationPackageName"}},
    {"Security",
     4625,
     {"TargetUserName", "TargetDomainName", "LogonType", "IpAddress", "WorkstationName", "Status"}},
    {"Security",
     4648,
     {"SubjectUserName", "TargetUserName", "TargetServerName", "IpAddress", "ProcessName", ""}},
    {"Security",
     4697,
     {"ServiceName", "ServiceFileName", "SubjectUserName", "ServiceAccount", "", ""}},
    {"Security", 4698, {"TaskName", "SubjectUserName", "TaskContent", "", "", ""}},
    {"Security", 5140, {"ShareName", "SubjectUserName", "IpAddress", "", "", ""}},
    {"Security", 5145, {"ShareName", "RelativeTargetName", "SubjectUserName", "IpAddress", "", ""}},
    {"System", 7045, {"ServiceName", "ImagePath", "AccountName", "StartType", "", ""}},
    {"Microsoft-Windows-PowerShell/Operational", 4104, {"ScriptBlockText", "Path", "", "", "", ""}},
    {"Microsoft-Windows-Sysmon/Operational",
     3,
     {"Image", "DestinationIp", "DestinationPort", "DestinationHostname", "User", ""}},
    {"Microsoft-Windows-Sysmon/Operational",
     10,
     {"SourceImage", "TargetImage", "GrantedAccess", "CallTrace", "", ""}},
    {"Microsoft-Windows-Sysmon/Operational", 11, {"Image", "TargetFilename", "User", "", "", ""}},
    {"Microsoft-Windows-Sysmon/Operational", 13, {"Image", "TargetObject", "Details", "", "", ""}},
};

void add_unique(std::vector<std::string>& out, std::string_view name) {
    if (name.empty() || out.size() >= kMaxKeyFields) return;
    for (const std::string& n : out) {
        if (same_name(n, name)) return;
    }
    out.emplace_back(name);
}

}  // namespace

std::vector<std::string> key_field_names(const sigma::CompiledRule& rule,
                                         const sigma::FieldNames& names) {
    std::vector<std::string> out;
    for (const std::string& f : rule.info->fields) add_unique(out, f);
    for (const KnownEvent& k : kKnown) {
        const bool channel_ok = std::find(rule.filter.channels.begin(), rule.filter.channels.end(),
                                          k.channel) != rule.filter.channels.end();
        const bool id_ok = std::find(rule.event_ids.begin(), rule.event_ids.end(), k.event_id) !=
                           rule.event_ids.end();
        if (channel_ok && id_ok) {
            for (std::string_view f : k.fields) add_unique(out, f);
        }
    }
    for (const sigma::Selection& sel : rule.selections) {
        for (const auto& items : sel.alternatives) {
            for (const sigma::DetectionItem& item : items) {
                if (!item.keyword && item.field != sigma::FieldNames::kUnknown) {
                    const std::string& n = names.name(item.field);
                    if (n != "EventID" && n != "Channel" && n != "Provider_Name")
                        add_unique(out, n);
                }
            }
        }
    }
    return out;
}

void extract_key_fields(const core::Event& event, const std::vector<std::string>& names,
                        std::vector<std::pair<std::string, std::string>>& out) {
    out.clear();
    for (const std::string& name : names) {
        for (const core::Field& f : event.fields()) {
            if (!same_name(f.name, name)) continue;
            std::string text = f.value.text();
            if (text.empty()) break;
            if (text.size() > kMaxValueBytes) {
                std::size_t cut = kMaxValueBytes;
                while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
                text.resize(cut);
                text += "...";
            }
            out.emplace_back(f.name, std::move(text));
            break;
        }
    }
}

}  // namespace vigie::hunt
