#include "scenario/events.hpp"

#include <fmt/format.h>

namespace vigie::scenario {
namespace {

using evtx::WindowsEventSpec;

constexpr const char* kEventlogGuid = "{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}";
constexpr const char* kEventlogNamespace =
    "http://manifests.microsoft.com/win/2004/08/windows/eventlog";

const char* kAccessRead =
    "%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t%%4419\r\n\t\t\t\t%%4423\r\n\t\t\t\t";
const char* kAccessWrite =
    "%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t%%4417\r\n\t\t\t\t%%4418\r\n\t\t\t\t%%"
    "4419\r\n\t\t\t\t%%4420\r\n\t\t\t\t%%4423\r\n\t\t\t\t%%4424\r\n\t\t\t\t";

}  // namespace

std::string Recorder::logon(const Host& target, Ticks t, const Account& who, int type,
                            const std::string& source_ip, const std::string& source_host, Auth auth,
                            const std::string& logon_id) {
    const std::string id =
        logon_id.empty() ? hex_id(static_cast<std::uint64_t>(rng_.between(0x100000, 0x3FFFFFF)))
                         : logon_id;
    const bool interactive = type == 2 || type == 7 || type == 10 || type == 11;
    const bool service = type == 5;
    const bool ntlm = type == 3 && auth == Auth::kNtlm;
    const Account subject = interactive || service ? machine(target) : Account{"S-1-0-0", "-", "-"};
    WindowsEventSpec& e = security(target, t, 4624, 12544, 2);
    e.data = {{"SubjectUserSid", service ? "S-1-5-18" : subject.sid},
              {"SubjectUserName", subject.name},
              {"SubjectDomainName", subject.domain},
              {"SubjectLogonId", interactive || service ? "0x3e7" : "0x0"},
              {"TargetUserSid", who.sid},
              {"TargetUserName", who.name},
              {"TargetDomainName", who.domain},
              {"TargetLogonId", id},
              {"LogonType", std::to_string(type)},
              {"LogonProcessName", interactive ? "User32 "
                                   : service   ? "Advapi  "
                                   : ntlm      ? "NtLmSsp "
                                               : "Kerberos"},
              {"AuthenticationPackageName", interactive || service ? "Negotiate"
                                            : ntlm                 ? "NTLM"
                                                                   : "Kerberos"},
              {"WorkstationName", interactive ? target.name
                                  : ntlm      ? source_host
                                              : "-"},
              {"LogonGuid", ntlm || service ? "{00000000-0000-0000-0000-000000000000}"
                                            : fmt::format("{{{}}}", random_guid())},
              {"TransmittedServices", "-"},
              {"LmPackageName", ntlm ? "NTLM V2" : "-"},
              {"KeyLength", ntlm ? "128" : "0"},
              {"ProcessId", interactive ? hex_id(target.lsass_pid + 388)
                            : service   ? hex_id(target.services_pid)
                                        : "0x0"},
              {"ProcessName", interactive ? "C:\\Windows\\System32\\svchost.exe"
                              : service   ? "C:\\Windows\\System32\\services.exe"
                                          : "-"},
              {"IpAddress", type == 2 || type == 7 ? "127.0.0.1" : source_ip},
              {"IpPort", type == 2 || type == 7 ? "0"
                         : source_ip == "-"     ? "-"
                                                : ip_port()},
              {"ImpersonationLevel", "%%1833"},
              {"RestrictedAdminMode", type == 10 ? "%%1843" : "-"},
              {"TargetOutboundUserName", "-"},
              {"TargetOutboundDomainName", "-"},
              {"VirtualAccount", "%%1843"},
              {"TargetLinkedLogonId", "0x0"},
              {"ElevatedToken", who.admin ? "%%1842" : "%%1843"}};
    if (who.admin) {
        WindowsEventSpec& p = security(target, t, 4672, 12548);
        p.data = {
            {"SubjectUserSid", who.sid},
            {"SubjectUserName", who.name},
            {"SubjectDomainName", who.domain},
            {"SubjectLogonId", service ? "0x3e7" : id},
            {"PrivilegeList",
             "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\t"
             "SeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\t"
             "SeSystemEnvironmentPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\t"
             "SeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege"}};
    }
    return id;
}

void Recorder::logoff(const Host& host, Ticks t, const Account& who, const std::string& logon_id,
                      int type, bool user_initiated) {
    if (user_initiated) {
        WindowsEventSpec& e = security(host, t, 4647, 12545);
        e.data = {{"TargetUserSid", who.sid},
                  {"TargetUserName", who.name},
                  {"TargetDomainName", who.domain},
                  {"TargetLogonId", logon_id}};
        t += 2 * kSecond;
    }
    WindowsEventSpec& e = security(host, t, 4634, 12545);
    e.data = {{"TargetUserSid", who.sid},
              {"TargetUserName", who.name},
              {"TargetDomainName", who.domain},
              {"TargetLogonId", logon_id},
              {"LogonType", std::to_string(type)}};
}

void Recorder::failed_logon(const Host& host, Ticks t, const Account& who) {
    WindowsEventSpec& e = security(host, t, 4625, 12544);
    e.keywords = 0x8010000000000000ULL;
    const Account m = machine(host);
    e.data = {{"SubjectUserSid", "S-1-5-18"},
              {"SubjectUserName", m.name},
              {"SubjectDomainName", m.domain},
              {"SubjectLogonId", "0x3e7"},
              {"TargetUserSid", "S-1-0-0"},
              {"TargetUserName", who.name},
              {"TargetDomainName", who.domain},
              {"Status", "0xc000006d"},
              {"FailureReason", "%%2313"},
              {"SubStatus", "0xc000006a"},
              {"LogonType", "2"},
              {"LogonProcessName", "User32 "},
              {"AuthenticationPackageName", "Negotiate"},
              {"WorkstationName", host.name},
              {"TransmittedServices", "-"},
              {"LmPackageName", "-"},
              {"KeyLength", "0"},
              {"ProcessId", hex_id(host.lsass_pid + 388)},
              {"ProcessName", "C:\\Windows\\System32\\svchost.exe"},
              {"IpAddress", "127.0.0.1"},
              {"IpPort", "0"}};
    ntlm_validation(t, who, host.name, "0xc000006a");
}

void Recorder::explicit_credentials(const Host& host, Ticks t, const Session& s,
                                    const Account& target, const std::string& server,
                                    const Process& p) {
    WindowsEventSpec& e = security(host, t, 4648, 12544);
    e.data = {{"SubjectUserSid", s.account.sid},
              {"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"SubjectLogonId", s.logon_id},
              {"LogonGuid", "{00000000-0000-0000-0000-000000000000}"},
              {"TargetUserName", target.name},
              {"TargetDomainName", target.domain},
              {"TargetLogonGuid", fmt::format("{{{}}}", random_guid())},
              {"TargetServerName", server},
              {"TargetInfo", server},
              {"ProcessId", hex_id(p.pid)},
              {"ProcessName", p.image},
              {"IpAddress", "-"},
              {"IpPort", "-"}};
}

void Recorder::tgt_request(Ticks t, const Account& who, const std::string& ip) {
    WindowsEventSpec& e = security(net_.dc(), t, 4768, 14339);
    e.data = {{"TargetUserName", who.name},
              {"TargetDomainName", Network::kDomain},
              {"TargetSid", who.sid},
              {"ServiceName", "krbtgt"},
              {"ServiceSid", net_.domain_sid + "-502"},
              {"TicketOptions", "0x40810010"},
              {"Status", "0x0"},
              {"TicketEncryptionType", "0x12"},
              {"PreAuthType", "2"},
              {"IpAddress", fmt::format("::ffff:{}", ip)},
              {"IpPort", ip_port()},
              {"CertIssuerName", ""},
              {"CertSerialNumber", ""},
              {"CertThumbprint", ""}};
}

void Recorder::service_ticket(Ticks t, const Account& who, const std::string& service,
                              const std::string& service_sid, const std::string& ip,
                              const std::string& encryption, const std::string& options) {
    WindowsEventSpec& e = security(net_.dc(), t, 4769, 14337);
    e.data = {{"TargetUserName", who.name + "@" + Network::kRealm},
              {"TargetDomainName", Network::kRealm},
              {"ServiceName", service},
              {"ServiceSid", service_sid},
              {"TicketOptions", options},
              {"TicketEncryptionType", encryption},
              {"IpAddress", fmt::format("::ffff:{}", ip)},
              {"IpPort", ip_port()},
              {"Status", "0x0"},
              {"LogonGuid", fmt::format("{{{}}}", random_guid())},
              {"TransmittedServices", "-"}};
}

void Recorder::ntlm_validation(Ticks t, const Account& who, const std::string& workstation,
                               const std::string& status) {
    WindowsEventSpec& e = security(net_.dc(), t, 4776, 14336);
    if (status != "0x0") e.keywords = 0x8010000000000000ULL;
    e.data = {{"PackageName", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"},
              {"TargetUserName", who.name},
              {"Workstation", workstation},
              {"Status", status}};
}

void Recorder::share_access(const Host& host, Ticks t, const Session& s, const std::string& ip,
                            const std::string& share, const std::string& local_path) {
    WindowsEventSpec& e = security(host, t, 5140, 12808, 1);
    e.process_id = 4;
    e.data = {{"SubjectUserSid", s.account.sid},
              {"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"SubjectLogonId", s.logon_id},
              {"ObjectType", "File"},
              {"IpAddress", ip},
              {"IpPort", ip_port()},
              {"ShareName", share},
              {"ShareLocalPath", local_path},
              {"AccessMask", "0x1"},
              {"AccessList", "%%4416\r\n\t\t\t\t"}};
}

void Recorder::share_file(const Host& host, Ticks t, const Session& s, const std::string& ip,
                          const std::string& share, const std::string& local_path,
                          const std::string& relative, bool write) {
    WindowsEventSpec& e = security(host, t, 5145, 12811);
    e.process_id = 4;
    e.data = {{"SubjectUserSid", s.account.sid},
              {"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"SubjectLogonId", s.logon_id},
              {"ObjectType", "File"},
              {"IpAddress", ip},
              {"IpPort", ip_port()},
              {"ShareName", share},
              {"ShareLocalPath", local_path},
              {"RelativeTargetName", relative},
              {"AccessMask", write ? "0x12019f" : "0x120089"},
              {"AccessList", write ? kAccessWrite : kAccessRead},
              {"AccessReason", "-"}};
}

void Recorder::task_created(const Host& host, Ticks t, const Session& s, const std::string& name,
                            const std::string& command, const std::string& arguments,
                            const std::string& author) {
    const std::string content = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Task version=\"1.2\" "
        "xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\r\n  "
        "<RegistrationInfo>\r\n    <Author>{}</Author>\r\n    <URI>{}</URI>\r\n  "
        "</RegistrationInfo>\r\n  <Triggers>\r\n    <CalendarTrigger>\r\n      "
        "<StartBoundary>{}</StartBoundary>\r\n      <Enabled>true</Enabled>\r\n      "
        "<ScheduleByDay>\r\n        <DaysInterval>1</DaysInterval>\r\n      </ScheduleByDay>\r\n "
        "   </CalendarTrigger>\r\n  </Triggers>\r\n  <Principals>\r\n    <Principal "
        "id=\"Author\">\r\n      <UserId>S-1-5-18</UserId>\r\n      "
        "<RunLevel>HighestAvailable</RunLevel>\r\n    </Principal>\r\n  </Principals>\r\n  "
        "<Settings>\r\n    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\r\n    "
        "<StartWhenAvailable>true</StartWhenAvailable>\r\n    <Enabled>true</Enabled>\r\n    "
        "<ExecutionTimeLimit>PT72H</ExecutionTimeLimit>\r\n  </Settings>\r\n  <Actions "
        "Context=\"Author\">\r\n    <Exec>\r\n      <Command>{}</Command>\r\n      "
        "<Arguments>{}</Arguments>\r\n    </Exec>\r\n  </Actions>\r\n</Task>",
        author, name, core::format_iso8601_micros(t).substr(0, 19), command, arguments);
    WindowsEventSpec& e = security(host, t, 4698, 12804);
    e.data = {{"SubjectUserSid", s.account.sid},
              {"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"SubjectLogonId", s.logon_id},
              {"TaskName", name},
              {"TaskContent", content}};
}

void Recorder::directory_access(Ticks t, const Session& s, const std::string& access_mask,
                                const std::string& properties) {
    WindowsEventSpec& e = security(net_.dc(), t, 4662, 14080);
    e.data = {{"SubjectUserSid", s.account.sid},
              {"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"SubjectLogonId", s.logon_id},
              {"ObjectServer", "DS"},
              {"ObjectType", "%{19195a5b-6da0-11d0-afd3-00c04fd930c9}"},
              {"ObjectName", "%{6f3a5b2e-8d41-4c7a-9e0b-5d2c1a7f3e90}"},
              {"OperationType", "Object Access"},
              {"HandleId", "0x0"},
              {"AccessList", access_mask == "0x100" ? "%%7688\r\n\t\t\t\t" : "%%7684\r\n\t\t\t\t"},
              {"AccessMask", access_mask},
              {"Properties", properties},
              {"AdditionalInfo", "-"},
              {"AdditionalInfo2", ""}};
}

void Recorder::security_log_cleared(const Host& host, Ticks t, const Session& s) {
    WindowsEventSpec& e = push(host, t, 1102);
    e.provider = "Microsoft-Windows-Eventlog";
    e.provider_guid = kEventlogGuid;
    e.level = 4;
    e.task = 104;
    e.keywords = 0x4020000000000000ULL;
    e.process_id = host.lsass_pid + 176;
    e.thread_id = static_cast<std::uint32_t>(rng_.between(100, 2000) * 4);
    e.user_data = "LogFileCleared";
    e.user_data_namespace = kEventlogNamespace;
    e.data = {{"SubjectUserSid", s.account.sid},
              {"SubjectUserName", s.account.name},
              {"SubjectDomainName", s.account.domain},
              {"SubjectLogonId", s.logon_id}};
}

}  // namespace vigie::scenario
