#include "scenario/events.hpp"

#include <fmt/format.h>

namespace vigie::scenario {
namespace {

using evtx::WindowsEventSpec;

constexpr const char* kScmGuid = "{555908d1-a6d7-4695-8e1e-26931d2012f4}";
constexpr const char* kEventlogGuid = "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}";
constexpr const char* kPowerShellGuid = "A0C1853B-5C40-4B15-8766-3CF1C58F985A";
constexpr const char* kDefenderGuid = "11CD958A-C507-4EF3-B3F2-5FD9DFBD2C78";
constexpr const char* kGroupPolicyGuid = "{aea1b4fa-97d1-45f2-a64c-4d69fffd92c9}";
constexpr const char* kEventlogNamespace =
    "http://manifests.microsoft.com/win/2004/08/windows/eventlog";

}  // namespace

void Recorder::service_installed(const Host& host, Ticks t, const std::string& installer_sid,
                                 const std::string& name, const std::string& image,
                                 const std::string& start_type, const std::string& account) {
    WindowsEventSpec& e = push(host, t, 7045);
    e.provider = "Service Control Manager";
    e.provider_guid = kScmGuid;
    e.qualifiers = 16384;
    e.level = 4;
    e.keywords = 0x8080000000000000ULL;
    e.channel = "System";
    e.user_sid = installer_sid;
    e.process_id = host.services_pid;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.data = {{"ServiceName", name},
              {"ImagePath", image},
              {"ServiceType", "user mode service"},
              {"StartType", start_type},
              {"AccountName", account}};
}

void Recorder::service_state(const Host& host, Ticks t, const std::string& display_name,
                             const std::string& state) {
    WindowsEventSpec& e = push(host, t, 7036);
    e.provider = "Service Control Manager";
    e.provider_guid = kScmGuid;
    e.qualifiers = 16384;
    e.level = 4;
    e.keywords = 0x8080000000000000ULL;
    e.channel = "System";
    e.process_id = host.services_pid;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.data = {{"param1", display_name}, {"param2", state}};
}

void Recorder::system_log_cleared(const Host& host, Ticks t, const Session& s) {
    WindowsEventSpec& e = push(host, t, 104);
    e.provider = "Microsoft-Windows-Eventlog";
    e.provider_guid = kEventlogGuid;
    e.level = 4;
    e.task = 104;
    e.keywords = 0x8000000000000000ULL;
    e.channel = "System";
    e.user_sid = s.account.sid;
    e.process_id = host.lsass_pid + 176;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.user_data = "LogFileCleared";
    e.user_data_namespace = kEventlogNamespace;
    e.data = {{"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"Channel", "System"},
              {"BackupPath", ""}};
}

void Recorder::group_policy(const Host& host, Ticks t, bool computer, const std::string& user_sid) {
    WindowsEventSpec& e = push(host, t, computer ? 1502 : 1503);
    e.provider = "Microsoft-Windows-GroupPolicy";
    e.provider_guid = kGroupPolicyGuid;
    e.level = 4;
    e.keywords = 0x8000000000000000ULL;
    e.channel = "System";
    e.user_sid = computer ? "S-1-5-18" : user_sid;
    e.process_id = host.services_pid + 236;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.data = {{"SupportInfo1", "1"},
              {"SupportInfo2", std::to_string(rng_.between(3000, 5000))},
              {"ProcessingMode", "0"},
              {"ProcessingTimeInMilliseconds", std::to_string(rng_.between(300, 2500))},
              {"DCName", std::string("\\\\") + net_.dc().fqdn},
              {"NumberOfGroupPolicyObjects", computer ? "4" : "2"}};
}

void Recorder::msi(const Host& host, Ticks t, const std::string& user_sid, int event_id,
                   const std::string& package, std::uint32_t pid) {
    WindowsEventSpec& e = push(host, t, static_cast<std::uint16_t>(event_id));
    e.provider = "MsiInstaller";
    e.qualifiers = 0;
    e.level = 4;
    e.keywords = 0x80000000000000ULL;
    e.channel = "Application";
    e.user_sid = user_sid;
    e.process_id = 0;
    e.thread_id = 0;
    e.data = {{"", package},  {"", std::to_string(pid)},
              {"", "(NULL)"}, {"", "(NULL)"},
              {"", "(NULL)"}, {"", "(NULL)"},
              {"", ""}};
}

void Recorder::msi_product(const Host& host, Ticks t, const std::string& user_sid,
                           const std::string& product) {
    WindowsEventSpec& e = push(host, t, 11707);
    e.provider = "MsiInstaller";
    e.qualifiers = 0;
    e.level = 4;
    e.keywords = 0x80000000000000ULL;
    e.channel = "Application";
    e.user_sid = user_sid;
    e.process_id = 0;
    e.thread_id = 0;
    e.data = {{"", "Product: " + product + " -- Installation completed successfully."},
              {"", "(NULL)"},
              {"", "(NULL)"},
              {"", "(NULL)"},
              {"", "(NULL)"},
              {"", "(NULL)"},
              {"", ""}};
}

void Recorder::application(const Host& host, Ticks t, const std::string& provider,
                           const std::string& guid, std::uint16_t id, int qualifiers,
                           std::vector<std::pair<std::string, std::string>> data) {
    WindowsEventSpec& e = push(host, t, id);
    e.provider = provider;
    e.provider_guid = guid;
    e.qualifiers = qualifiers;
    e.level = 4;
    e.keywords = 0x80000000000000ULL;
    e.channel = "Application";
    e.process_id = 0;
    e.thread_id = 0;
    e.data = std::move(data);
}

void Recorder::script_block(const Host& host, Ticks t, const std::string& user_sid,
                            const std::string& text, bool suspicious) {
    WindowsEventSpec& e = push(host, t, 4104);
    e.provider = "Microsoft-Windows-PowerShell";
    e.provider_guid = kPowerShellGuid;
    e.version = 1;
    e.level = suspicious ? 3 : 5;
    e.task = 2;
    e.opcode = 15;
    e.keywords = 0;
    e.channel = "Microsoft-Windows-PowerShell/Operational";
    e.user_sid = user_sid;
    e.process_id = host.powershell_pid;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.data = {{"MessageNumber", "1"},
              {"MessageTotal", "1"},
              {"ScriptBlockText", text},
              {"ScriptBlockId", random_guid()},
              {"Path", ""}};
    for (char& c : e.data[3].second)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

void Recorder::defender(const Host& host, Ticks t, std::uint16_t id,
                        std::vector<std::pair<std::string, std::string>> data) {
    WindowsEventSpec& e = push(host, t, id);
    e.provider = "Microsoft-Windows-Windows Defender";
    e.provider_guid = kDefenderGuid;
    e.level = id == 5001 ? 3 : 4;
    e.keywords = 0x8000000000000000ULL;
    e.channel = "Microsoft-Windows-Windows Defender/Operational";
    e.user_sid = "S-1-5-18";
    e.process_id = host.defender_pid;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.data = {{"Product Name", "%%827"}, {"Product Version", "4.18.1910.4"}};
    for (auto& d : data) e.data.push_back(std::move(d));
}

}  // namespace vigie::scenario
