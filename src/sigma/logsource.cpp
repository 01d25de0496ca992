#include "sigma/logsource.hpp"

#include <algorithm>
#include <array>

namespace vigie::sigma {
namespace {

constexpr const char* kSysmon = "Microsoft-Windows-Sysmon/Operational";

struct Entry {
    const char* kind;  // "category" or "service"
    const char* name;
    std::vector<const char*> channels;
    std::vector<std::uint32_t> event_ids;
    const char* provider;
};

// From the taxonomy appendix, "Windows Folder" tables (sigma-appendix-taxonomy.md, v2.1.0).
const std::vector<Entry>& windows_table() {
    static const std::vector<Entry> table = {
        {"category", "process_creation", {kSysmon}, {1}, ""},
        {"category", "file_change", {kSysmon}, {2}, ""},
        {"category", "network_connection", {kSysmon}, {3}, ""},
        {"category", "sysmon_status", {kSysmon}, {4, 16}, ""},
        {"category", "process_termination", {kSysmon}, {5}, ""},
        {"category", "driver_load", {kSysmon}, {6}, ""},
        {"category", "image_load", {kSysmon}, {7}, ""},
        {"category", "create_remote_thread", {kSysmon}, {8}, ""},
        {"category", "raw_access_thread", {kSysmon}, {9}, ""},
        {"category", "process_access", {kSysmon}, {10}, ""},
        {"category", "file_event", {kSysmon}, {11}, ""},
        {"category", "registry_event", {kSysmon}, {12, 13, 14}, ""},
        {"category", "registry_add", {kSysmon}, {12}, ""},
        {"category", "registry_delete", {kSysmon}, {12}, ""},
        {"category", "registry_set", {kSysmon}, {13}, ""},
        {"category", "registry_rename", {kSysmon}, {14}, ""},
        {"category", "create_stream_hash", {kSysmon}, {15}, ""},
        {"category", "pipe_created", {kSysmon}, {17, 18}, ""},
        {"category", "wmi_event", {kSysmon}, {19, 20, 21}, ""},
        {"category", "dns_query", {kSysmon}, {22}, ""},
        {"category", "file_delete", {kSysmon}, {23}, ""},
        {"category", "clipboard_capture", {kSysmon}, {24}, ""},
        {"category", "process_tampering", {kSysmon}, {25}, ""},
        {"category", "file_delete_detected", {kSysmon}, {26}, ""},
        {"category", "file_block_executable", {kSysmon}, {27}, ""},
        {"category", "file_block_shredding", {kSysmon}, {28}, ""},
        {"category", "file_executable_detected", {kSysmon}, {29}, ""},
        {"category", "sysmon_error", {kSysmon}, {255}, ""},
        {"category", "file_access", {}, {}, "Microsoft-Windows-Kernel-File"},
        {"category", "file_rename", {}, {}, "Microsoft-Windows-Kernel-File"},
        {"category", "ps_classic_start", {"Windows PowerShell"}, {400}, ""},
        {"category", "ps_classic_provider_start", {"Windows PowerShell"}, {600}, ""},
        {"category", "ps_classic_script", {"Windows PowerShell"}, {800}, ""},
        {"category",
         "ps_module",
         {"Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"},
         {4103},
         ""},
        {"category",
         "ps_script",
         {"Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"},
         {4104},
         ""},
        {"service", "application", {"Application"}, {}, ""},
        {"service",
         "application-experience",
         {"Microsoft-Windows-Application-Experience/Program-Telemetry",
          "Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant"},
         {},
         ""},
        {"service",
         "applocker",
         {"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL",
          "Microsoft-Windows-AppLocker/Packaged app-Deployment",
          "Microsoft-Windows-AppLocker/Packaged app-Execution"},
         {},
         ""},
        {"service", "appmodel-runtime", {"Microsoft-Windows-AppModel-Runtime/Admin"}, {}, ""},
        {"service",
         "appxdeployment-server",
         {"Microsoft-Windows-AppXDeploymentServer/Operational"},
         {},
         ""},
        {"service", "appxpackaging-om", {"Microsoft-Windows-AppxPackaging/Operational"}, {}, ""},
        {"service", "bitlocker", {"Microsoft-Windows-BitLocker/BitLocker Management"}, {}, ""},
        {"service", "bits-client", {"Microsoft-Windows-Bits-Client/Operational"}, {}, ""},
        {"service", "capi2", {"Microsoft-Windows-CAPI2/Operational"}, {}, ""},
        {"service",
         "certificateservicesclient-lifecycle-system",
         {"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"},
         {},
         ""},
        {"service",
         "codeintegrity-operational",
         {"Microsoft-Windows-CodeIntegrity/Operational"},
         {},
         ""},
        {"service", "dhcp", {"Microsoft-Windows-DHCP-Server/Operational"}, {}, ""},
        {"service",
         "diagnosis-scripted",
         {"Microsoft-Windows-Diagnosis-Scripted/Operational"},
         {},
         ""},
        {"service", "dns-client", {"Microsoft-Windows-DNS Client Events/Operational"}, {}, ""},
        {"service", "dns-server", {"DNS Server"}, {}, ""},
        {"service", "dns-server-analytic", {"Microsoft-Windows-DNS-Server/Analytical"}, {}, ""},
        {"service", "dns-server-audit", {"Microsoft-Windows-DNS-Server/Audit"}, {}, ""},
        {"service",
         "driver-framework",
         {"Microsoft-Windows-DriverFrameworks-UserMode/Operational"},
         {},
         ""},
        {"service",
         "firewall-as",
         {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"},
         {},
         ""},
        {"service", "hyper-v-worker", {"Microsoft-Windows-Hyper-V-Worker"}, {}, ""},
        {"service", "iis-configuration", {"Microsoft-IIS-Configuration/Operational"}, {}, ""},
        {"service", "kernel-event-tracing", {"Microsoft-Windows-Kernel-EventTracing"}, {}, ""},
        {"service",
         "kernel-shimengine",
         {"Microsoft-Windows-Kernel-ShimEngine/Operational",
          "Microsoft-Windows-Kernel-ShimEngine/Diagnostic"},
         {},
         ""},
        {"service", "ldap", {"Microsoft-Windows-LDAP-Client/Debug"}, {}, ""},
        {"service", "lsa-server", {"Microsoft-Windows-LSA/Operational"}, {}, ""},
        {"service", "msexchange-management", {"MSExchange Management"}, {}, ""},
        {"service", "ntfs", {"Microsoft-Windows-Ntfs/Operational"}, {}, ""},
        {"service", "ntlm", {"Microsoft-Windows-NTLM/Operational"}, {}, ""},
        {"service", "openssh", {"OpenSSH/Operational"}, {}, ""},
        {"service", "powershell", {"Microsoft-Windows-PowerShell/Operational"}, {}, ""},
        {"service", "powershell-classic", {"Windows PowerShell"}, {}, ""},
        {"service", "printservice-admin", {"Microsoft-Windows-PrintService/Admin"}, {}, ""},
        {"service",
         "printservice-operational",
         {"Microsoft-Windows-PrintService/Operational"},
         {},
         ""},
        {"service", "security", {"Security"}, {}, ""},
        {"service",
         "security-mitigations",
         {"Microsoft-Windows-Security-Mitigations/Kernel Mode",
          "Microsoft-Windows-Security-Mitigations/User Mode"},
         {},
         ""},
        {"service", "sense", {"Microsoft-Windows-SENSE/Operational"}, {}, ""},
        {"service",
         "servicebus-client",
         {"Microsoft-ServiceBus-Client/Operational", "Microsoft-ServiceBus-Client/Admin"},
         {},
         ""},
        {"service", "shell-core", {"Microsoft-Windows-Shell-Core/Operational"}, {}, ""},
        {"service", "smbclient-security", {"Microsoft-Windows-SmbClient/Security"}, {}, ""},
        {"service", "sysmon", {kSysmon}, {}, ""},
        {"service", "system", {"System"}, {}, ""},
        {"service", "taskscheduler", {"Microsoft-Windows-TaskScheduler/Operational"}, {}, ""},
        {"service",
         "terminalservices-localsessionmanager",
         {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"},
         {},
         ""},
        {"service", "vhdmp", {"Microsoft-Windows-VHDMP/Operational"}, {}, ""},
        {"service", "windefend", {"Microsoft-Windows-Windows Defender/Operational"}, {}, ""},
        {"service", "wmi", {"Microsoft-Windows-WMI-Activity/Operational"}, {}, ""},
        // Services the published rules use beyond the appendix: pySigma's Windows mapping
        // (sigma/pipelines/common.py) and the channels Windows names them after.
        {"service",
         "microsoft-servicebus-client",
         {"Microsoft-ServiceBus-Client", "Microsoft-ServiceBus-Client/Operational",
          "Microsoft-ServiceBus-Client/Admin"},
         {},
         ""},
        {"service", "ldap_debug", {"Microsoft-Windows-LDAP-Client/Debug"}, {}, ""},
        {"service", "smbclient-connectivity", {"Microsoft-Windows-SmbClient/Connectivity"}, {}, ""},
        {"service", "smbserver-connectivity", {"Microsoft-Windows-SMBServer/Connectivity"}, {}, ""},
    };
    return table;
}

const Entry* find_entry(std::string_view kind, std::string_view name) {
    for (const Entry& e : windows_table()) {
        if (kind == e.kind && name == e.name) return &e;
    }
    return nullptr;
}

LogSourceTarget target_of(const Entry& e, std::string name) {
    LogSourceTarget t;
    t.name = std::move(name);
    for (const char* c : e.channels) t.filter.channels.emplace_back(c);
    t.filter.event_ids = e.event_ids;
    if (e.provider[0] != '\0') t.filter.providers.emplace_back(e.provider);
    return t;
}

}  // namespace

core::Result<std::vector<LogSourceTarget>> map_log_source(const LogSource& source) {
    if (source.product != "windows") {
        if (!source.product.empty()) {
            return core::fail(
                core::ErrorCode::kUnsupported,
                "log source 'product: " + source.product + "' is not a Windows event log");
        }
        return core::fail(core::ErrorCode::kUnsupported,
                          "log source '" + source.to_string() +
                              "' names no Windows product (network or application logs)");
    }
    std::vector<LogSourceTarget> targets;
    if (!source.category.empty()) {
        const Entry* e = find_entry("category", source.category);
        if (e == nullptr) {
            return core::fail(core::ErrorCode::kUnsupported,
                              "log source 'category: " + source.category +
                                  "' has no Windows mapping in the taxonomy");
        }
        targets.push_back(
            target_of(*e, source.category == "process_creation" ? "sysmon-1" : source.category));
        if (source.category == "process_creation") {
            LogSourceTarget security;
            security.name = "security-4688";
            security.filter.channels = {"Security"};
            security.filter.event_ids = {4688};
            security.mapping = FieldMappingKind::kSecurity4688;
            targets.push_back(std::move(security));
        }
        // A service next to a category narrows the channel (rare in the corpus).
        if (!source.service.empty()) {
            const Entry* s = find_entry("service", source.service);
            if (s != nullptr) {
                for (auto& t : targets) {
                    if (t.filter.channels.empty()) {
                        for (const char* c : s->channels) t.filter.channels.emplace_back(c);
                    }
                }
            }
        }
        return targets;
    }
    if (!source.service.empty()) {
        const Entry* e = find_entry("service", source.service);
        if (e == nullptr) {
            return core::fail(core::ErrorCode::kUnsupported,
                              "log source 'service: " + source.service +
                                  "' has no Windows mapping in the taxonomy");
        }
        targets.push_back(target_of(*e, source.service));
        return targets;
    }
    // product: windows alone: any Windows event (the detection says which).
    targets.push_back(LogSourceTarget{"windows", {}, FieldMappingKind::kNone});
    return targets;
}

}  // namespace vigie::sigma
