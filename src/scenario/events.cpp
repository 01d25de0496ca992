#include "scenario/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace vigie::scenario {
namespace {

using evtx::WindowsEventSpec;

constexpr const char* kSecurityGuid = "54849625-5478-4994-A5BA-3E3B0328C30D";
constexpr const char* kSysmonGuid = "5770385F-C22A-43E0-BF4C-06F5698FFBD9";

struct ImageInfo {
    const char* file;  ///< lower-case base name
    const char* version;
    const char* description;
    const char* product;
    const char* company;
    const char* original;
};

constexpr const char* kWinVer = "10.0.17763.1 (WinBuild.160101.0800)";
constexpr const char* kWinProduct = "Microsoft\u00ae Windows\u00ae Operating System";
constexpr const char* kMs = "Microsoft Corporation";
constexpr const char* kOffice = "16.0.12130.20272";

constexpr ImageInfo kImages[] = {
    {"cmd.exe", kWinVer, "Windows Command Processor", kWinProduct, kMs, "Cmd.Exe"},
    {"powershell.exe", kWinVer, "Windows PowerShell", kWinProduct, kMs, "PowerShell.EXE"},
    {"conhost.exe", kWinVer, "Console Window Host", kWinProduct, kMs, "CONHOST.EXE"},
    {"msiexec.exe", "5.0.17763.1 (WinBuild.160101.0800)", "Windows\u00ae installer",
     "Windows Installer - Unicode", kMs, "msiexec.exe"},
    {"excel.exe", kOffice, "Microsoft Excel", "Microsoft Office", kMs, "Excel.exe"},
    {"winword.exe", kOffice, "Microsoft Word", "Microsoft Office", kMs, "WinWord.exe"},
    {"outlook.exe", kOffice, "Microsoft Outlook", "Microsoft Outlook", kMs, "Outlook.exe"},
    {"msedge.exe", "78.0.276.19", "Microsoft Edge", "Microsoft Edge", kMs, "msedge.exe"},
    {"teams.exe", "1.2.00.27855", "Microsoft Teams", "Microsoft Teams", kMs, "Teams.exe"},
    {"explorer.exe", kWinVer, "Windows Explorer", kWinProduct, kMs, "EXPLORER.EXE"},
    {"userinit.exe", kWinVer, "Userinit Logon Application", kWinProduct, kMs, "USERINIT.EXE"},
    {"svchost.exe", kWinVer, "Host Process for Windows Services", kWinProduct, kMs, "svchost.exe"},
    {"taskhostw.exe", kWinVer, "Host Process for Windows Tasks", kWinProduct, kMs, "taskhostw.exe"},
    {"backgroundtaskhost.exe", kWinVer, "Background Task Host", kWinProduct, kMs,
     "backgroundTaskHost.exe"},
    {"searchprotocolhost.exe", "7.0.17763.1 (WinBuild.160101.0800)",
     "Microsoft Windows Search Protocol Host", "Windows\u00ae Search", kMs,
     "SearchProtocolHost.exe"},
    {"net.exe", kWinVer, "Net Command", kWinProduct, kMs, "net.exe"},
    {"net1.exe", kWinVer, "Net Command", kWinProduct, kMs, "net1.exe"},
    {"nltest.exe", kWinVer, "Microsoft\u00ae Logon Server Test Utility", kWinProduct, kMs,
     "nltestrk.exe"},
    {"dsquery.exe", kWinVer, "Microsoft AD DS/LDS query command line utility", kWinProduct, kMs,
     "dsquery.exe"},
    {"vssadmin.exe", kWinVer,
     "Command Line Interface for Microsoft\u00ae Volume Shadow Copy Service ", kWinProduct, kMs,
     "VSSADMIN.EXE"},
    {"wmic.exe", kWinVer, "WMI Commandline Utility", kWinProduct, kMs, "wmic.exe"},
    {"bcdedit.exe", kWinVer, "Boot Configuration Data Editor", kWinProduct, kMs, "bcdedit.exe"},
    {"wbadmin.exe", kWinVer, "Command Line Interface for Microsoft\u00ae BLB Backup", kWinProduct,
     kMs, "WBADMIN.EXE"},
    {"wevtutil.exe", kWinVer, "Eventing Command Line Utility", kWinProduct, kMs, "wevtutil.exe"},
    {"schtasks.exe", kWinVer, "Task Scheduler Configuration Tool", kWinProduct, kMs,
     "schtasks.exe"},
    {"mstsc.exe", kWinVer, "Remote Desktop Connection", kWinProduct, kMs, "mstsc.exe"},
    {"mmc.exe", kWinVer, "Microsoft Management Console", kWinProduct, kMs, "MMC.EXE"},
    {"gpupdate.exe", kWinVer, "Microsoft\u00ae Group Policy Update Utility", kWinProduct, kMs,
     "gpupdate.exe"},
    {"rundll32.exe", kWinVer, "Windows host process (Rundll32)", kWinProduct, kMs, "RUNDLL32.EXE"},
    {"whoami.exe", kWinVer, "whoami - displays logged on user information", kWinProduct, kMs,
     "whoami.exe"},
    {"ipconfig.exe", kWinVer, "IP Configuration Utility", kWinProduct, kMs, "ipconfig.exe"},
    {"mpcmdrun.exe", "4.18.1910.4 (WinBuild.160101.0800)",
     "Microsoft Malware Protection Command Line Utility", kWinProduct, kMs, "MpCmdRun.exe"},
    {"psexec.exe", "2.2", "Execute processes remotely", "Sysinternals PsExec",
     "Sysinternals - www.sysinternals.com", "psexec.c"},
    {"psexesvc.exe", "2.2", "PsExec Service", "Sysinternals PsExec",
     "Sysinternals - www.sysinternals.com", "psexesvc.exe"},
    {"adfind.exe", "1.52.0.0", "Joeware ADFind", "AdFind", "Joeware", "AdFind.exe"},
    {"mk.exe", "2.2.0.0", "mimikatz for Windows", "mimikatz", "gentilkiwi (Benjamin DELPY)",
     "mimikatz.exe"},
    {"rubeus.exe", "1.0.0.0", "Rubeus", "Rubeus", "-", "Rubeus.exe"},
    {"dpi.exe", "5.4.2.118", "Dossier Patient Informatise", "DPI Sante", "Editeur DPI", "dpi.exe"},
    {"veeam.backup.manager.exe", "9.5.4.2866", "Veeam Backup Manager", "Veeam Backup & Replication",
     "Veeam Software Group GmbH", "Veeam.Backup.Manager.exe"},
    {"veeamagent.exe", "9.5.4.2866", "Veeam Agent", "Veeam Backup & Replication",
     "Veeam Software Group GmbH", "VeeamAgent.exe"},
    {"microsoftedgeupdate.exe", "1.3.121.21", "Microsoft Edge Update", "Microsoft Edge Update", kMs,
     "MicrosoftEdgeUpdate.exe"},
    {"usoclient.exe", kWinVer, "UsoClient", kWinProduct, kMs, "UsoClient"},
    {"rdpclip.exe", kWinVer, "RDP Clipboard Monitor", kWinProduct, kMs, "rdpclip.exe"},
    {"compattelrunner.exe", kWinVer, "Microsoft Compatibility Telemetry", kWinProduct, kMs,
     "CompatTelRunner.exe"},
    {"winlogon.exe", kWinVer, "Windows Logon Application", kWinProduct, kMs, "WINLOGON.EXE"},
    {"searchindexer.exe", "7.0.17763.1 (WinBuild.160101.0800)", "Microsoft Windows Search Indexer",
     "Windows\u00ae Search", kMs, "SearchIndexer.exe"},
    {"ctfmon.exe", kWinVer, "CTF Loader", kWinProduct, kMs, "CTFMON.EXE"},
    {"sc.exe", kWinVer, "Service Control Manager Configuration Tool", kWinProduct, kMs, "sc.exe"},
    {"trustedinstaller.exe", kWinVer, "Windows Modules Installer", kWinProduct, kMs,
     "TrustedInstaller.exe"},
    {"tiworker.exe", kWinVer, "Windows Modules Installer Worker", kWinProduct, kMs, "TiWorker.exe"},
};

std::string lower_base(const std::string& path) {
    std::string base = path.substr(path.find_last_of('\\') + 1);
    for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return base;
}

ImageInfo describe(const std::string& image) {
    const std::string base = lower_base(image);
    for (const ImageInfo& i : kImages) {
        if (base == i.file) return i;
    }
    return {"", "?", "?", "?", "?", "?"};
}

std::string hashes(const std::string& image) {
    std::uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a of the lower-case path
    for (char c : image) {
        h ^= static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)));
        h *= 0x100000001B3ULL;
    }
    Rng r(h);
    const std::string sha1 = r.hex(40), md5 = r.hex(32), sha256 = r.hex(64), imp = r.hex(32);
    return fmt::format("SHA1={},MD5={},SHA256={},IMPHASH={}", sha1, md5, sha256, imp);
}

std::string le_hex32(std::uint32_t v) {
    return fmt::format("{:02X}{:02X}{:02X}{:02X}", v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF,
                       v >> 24);
}

std::uint32_t unix_seconds(Ticks t) {
    return static_cast<std::uint32_t>(t / kSecond - core::kFileTimeUnixEpochSeconds);
}

std::string integrity_label(const std::string& integrity) {
    if (integrity == "System") return "S-1-16-16384";
    if (integrity == "High") return "S-1-16-12288";
    return "S-1-16-8192";
}

}  // namespace

std::string hex_id(std::uint64_t v) {
    return fmt::format("0x{:x}", v);
}

std::string Session::sysmon_user() const {
    if (account.sid == "S-1-5-18") return "NT AUTHORITY\\SYSTEM";
    return account.domain + "\\" + account.name;
}

Recorder::Recorder(const Network& net, std::uint64_t seed, std::vector<WindowsEventSpec>& out)
    : net_(net), rng_(seed), out_(out) {}

Account Recorder::account(const User& user) const {
    return {user.sid, user.name, Network::kDomain, user.admin() || user.name == "svc-backup"};
}

Account Recorder::machine(const Host& host) const {
    return {host.sid, host.account(), Network::kDomain, false};
}

Account Recorder::system() {
    return {"S-1-5-18", "SYSTEM", "NT AUTHORITY", true};
}

Session Recorder::system_session(const Host& host) const {
    Session s;
    s.account = {"S-1-5-18", host.account(), Network::kDomain, true};
    s.logon_guid = fmt::format("{{{}-0000-0000-0000-0000E7030000}}", host.guid_prefix);
    return s;
}

Session Recorder::new_session(const Host& host, const User& user, int terminal, bool elevated) {
    Session s;
    s.account = account(user);
    const auto id = static_cast<std::uint32_t>(rng_.between(0x100000, 0x3FFFFFF));
    s.logon_id = hex_id(id);
    s.logon_guid = fmt::format("{{{}-{}-0000-0020{}}}", host.guid_prefix,
                               rng_.hex(4) + "-" + rng_.hex(4), le_hex32(id));
    s.terminal_session = terminal;
    s.integrity = elevated ? "High" : "Medium";
    return s;
}

Process Recorder::running(const Host& host, const std::string& image, const std::string& command) {
    Process p;
    p.guid = fmt::format("{{{}-{}-{}-0000-0010{}}}", host.guid_prefix, rng_.hex(4), rng_.hex(4),
                         rng_.hex(8));
    p.pid = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    p.image = image;
    p.command_line = command;
    return p;
}

const Process& Recorder::system_process(const Host& host, const std::string& image,
                                        const std::string& command) {
    const std::string key = host.name + "|" + image + "|" + command;
    auto it = system_processes_.find(key);
    if (it != system_processes_.end()) return it->second;
    Process p = running(host, image, command.empty() ? image : command);
    if (image == image::kServices) p.pid = host.services_pid;
    if (image == image::kLsass) p.pid = host.lsass_pid;
    if (image == "System") p.pid = 4;
    return system_processes_.emplace(key, std::move(p)).first->second;
}

std::string Recorder::process_guid(const Host& host, Ticks t) {
    const std::uint32_t secs = unix_seconds(t);
    return fmt::format("{{{}-{:04X}-{:04X}-0000-0010{}}}", host.guid_prefix, secs & 0xFFFF,
                       secs >> 16, rng_.hex(8));
}

std::string Recorder::random_guid() {
    return fmt::format("{}-{}-{}-{}-{}", rng_.hex(8), rng_.hex(4), rng_.hex(4), rng_.hex(4),
                       rng_.hex(12));
}

std::string Recorder::ip_port() {
    return std::to_string(rng_.between(49152, 65000));
}

std::string Recorder::utc_time(Ticks t) {
    const std::string iso = core::format_iso8601_micros(t);  // 2019-11-12T08:41:07.125000Z
    return iso.substr(0, 10) + " " + iso.substr(11, 12);
}

WindowsEventSpec& Recorder::push(const Host& host, Ticks t, std::uint16_t id) {
    WindowsEventSpec& e = out_.emplace_back();
    e.event_id = id;
    e.time = t;
    e.computer = host.fqdn;
    return e;
}

WindowsEventSpec& Recorder::security(const Host& host, Ticks t, std::uint16_t id,
                                     std::uint16_t task, std::uint8_t version) {
    WindowsEventSpec& e = push(host, t, id);
    e.provider_guid = kSecurityGuid;
    e.version = version;
    e.task = task;
    e.process_id = host.lsass_pid;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    return e;
}

WindowsEventSpec& Recorder::sysmon(const Host& host, Ticks t, std::uint16_t id,
                                   std::uint8_t version) {
    WindowsEventSpec& e = push(host, t, id);
    e.provider = "Microsoft-Windows-Sysmon";
    e.provider_guid = kSysmonGuid;
    e.version = version;
    e.level = 4;
    e.task = id;
    e.keywords = 0x8000000000000000ULL;
    e.channel = "Microsoft-Windows-Sysmon/Operational";
    e.user_sid = "S-1-5-18";
    e.process_id = host.sysmon_pid;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    return e;
}

Process Recorder::start(const Host& host, Ticks t, const Session& s, const std::string& image,
                        const std::string& command, const Process& parent,
                        const std::string& directory) {
    Process p;
    p.guid = process_guid(host, t);
    p.pid = static_cast<std::uint32_t>(rng_.between(200, 4000) * 4);
    p.image = image;
    p.command_line = command;
    const ImageInfo info = describe(image);
    std::string cwd = directory;
    if (cwd.empty()) {
        cwd = s.account.sid == "S-1-5-18" ? "C:\\Windows\\system32\\"
                                          : "C:\\Users\\" + s.account.name + "\\";
    }
    WindowsEventSpec& e = sysmon(host, t, 1, 5);
    e.data = {{"RuleName", "-"},
              {"UtcTime", utc_time(t)},
              {"ProcessGuid", p.guid},
              {"ProcessId", std::to_string(p.pid)},
              {"Image", image},
              {"FileVersion", info.version},
              {"Description", info.description},
              {"Product", info.product},
              {"Company", info.company},
              {"OriginalFileName", info.original},
              {"CommandLine", command},
              {"CurrentDirectory", cwd},
              {"User", s.sysmon_user()},
              {"LogonGuid", s.logon_guid},
              {"LogonId", s.logon_id},
              {"TerminalSessionId", std::to_string(s.terminal_session)},
              {"IntegrityLevel", s.integrity},
              {"Hashes", hashes(image)},
              {"ParentProcessGuid", parent.guid},
              {"ParentProcessId", std::to_string(parent.pid)},
              {"ParentImage", parent.image},
              {"ParentCommandLine", parent.command_line}};
    if (host.server()) {
        const bool sys = s.account.sid == "S-1-5-18";
        const Account subject = sys ? machine(host) : s.account;
        WindowsEventSpec& a = security(host, t, 4688, 13312, 2);
        a.data = {{"SubjectUserSid", sys ? "S-1-5-18" : subject.sid},
                  {"SubjectUserName", subject.name},
                  {"SubjectDomainName", subject.domain},
                  {"SubjectLogonId", s.logon_id},
                  {"NewProcessId", hex_id(p.pid)},
                  {"NewProcessName", image},
                  {"TokenElevationType", s.integrity == "High" ? "%%1937" : "%%1936"},
                  {"ProcessId", hex_id(parent.pid)},
                  {"CommandLine", command},
                  {"TargetUserSid", "S-1-0-0"},
                  {"TargetUserName", "-"},
                  {"TargetDomainName", "-"},
                  {"TargetLogonId", "0x0"},
                  {"ParentProcessName", parent.image},
                  {"MandatoryLabel", integrity_label(s.integrity)}};
    }
    return p;
}

void Recorder::file_created(const Host& host, Ticks t, const Process& p, const std::string& path) {
    WindowsEventSpec& e = sysmon(host, t, 11, 2);
    e.data = {{"RuleName", "-"},
              {"UtcTime", utc_time(t)},
              {"ProcessGuid", p.guid},
              {"ProcessId", std::to_string(p.pid)},
              {"Image", p.image},
              {"TargetFilename", path},
              {"CreationUtcTime", utc_time(t)}};
}

void Recorder::registry_set(const Host& host, Ticks t, const Process& p, const std::string& key,
                            const std::string& details) {
    WindowsEventSpec& e = sysmon(host, t, 13, 2);
    e.data = {{"RuleName", "-"},
              {"EventType", "SetValue"},
              {"UtcTime", utc_time(t)},
              {"ProcessGuid", p.guid},
              {"ProcessId", std::to_string(p.pid)},
              {"Image", p.image},
              {"TargetObject", key},
              {"Details", details}};
}

void Recorder::pipe_created(const Host& host, Ticks t, const Process& p, const std::string& pipe) {
    WindowsEventSpec& e = sysmon(host, t, 17, 1);
    e.data = {
        {"RuleName", "-"},       {"EventType", "CreatePipe"},          {"UtcTime", utc_time(t)},
        {"ProcessGuid", p.guid}, {"ProcessId", std::to_string(p.pid)}, {"PipeName", pipe},
        {"Image", p.image}};
}

void Recorder::process_access(const Host& host, Ticks t, const Process& source,
                              const Process& target, const std::string& access,
                              const std::string& call_trace) {
    WindowsEventSpec& e = sysmon(host, t, 10, 3);
    e.data = {{"RuleName", "-"},
              {"UtcTime", utc_time(t)},
              {"SourceProcessGUID", source.guid},
              {"SourceProcessId", std::to_string(source.pid)},
              {"SourceThreadId", std::to_string(rng_.between(100, 3000) * 4)},
              {"SourceImage", source.image},
              {"TargetProcessGUID", target.guid},
              {"TargetProcessId", std::to_string(target.pid)},
              {"TargetImage", target.image},
              {"GrantedAccess", access},
              {"CallTrace", call_trace}};
}

void Recorder::connection(const Host& host, Ticks t, const Process& p, const Session& s,
                          const std::string& destination, int port) {
    WindowsEventSpec& e = sysmon(host, t, 3, 5);
    e.data = {{"RuleName", "-"},
              {"UtcTime", utc_time(t)},
              {"ProcessGuid", p.guid},
              {"ProcessId", std::to_string(p.pid)},
              {"Image", p.image},
              {"User", s.sysmon_user()},
              {"Protocol", "tcp"},
              {"Initiated", "true"},
              {"SourceIsIpv6", "false"},
              {"SourceIp", host.address},
              {"SourceHostname", host.fqdn},
              {"SourcePort", ip_port()},
              {"SourcePortName", "-"},
              {"DestinationIsIpv6", "false"},
              {"DestinationIp", destination},
              {"DestinationHostname", "-"},
              {"DestinationPort", std::to_string(port)},
              {"DestinationPortName", port == 443  ? "https"
                                      : port == 80 ? "http"
                                                   : "-"}};
}

}  // namespace vigie::scenario
