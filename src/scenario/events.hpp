// scenario/events.hpp - Windows events as the hosts of the network would log them.
//
// Recorder builds evtx::WindowsEventSpecs with the providers, channels, GUIDs, versions, tasks,
// keywords and EventData fields (names, order and value formats) of real Windows 10 / Server
// 2019 logs with Sysmon 10, and appends them to one list. It also keeps what makes logs
// consistent: process GUIDs and IDs handed from parent to child, logon IDs from 4624 to 4634,
// file hashes fixed per image.
//
//   Recorder r(net, seed, events);
//   Session s = r.interactive_logon(pc, t, user);          // 4624 type 2 (+ DC Kerberos)
//   Process excel = r.start(pc, t + 5 * kSecond, s, kExcel, "...", r.explorer(pc, s));
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "evtx/windows_event.hpp"
#include "scenario/network.hpp"

namespace vigie::scenario {

/// An account as Security events name it.
struct Account {
    std::string sid;
    std::string name;    ///< "m.durand", "PC-ACCUEIL-07$", "SYSTEM"
    std::string domain;  ///< "CHU", "NT AUTHORITY"
    bool admin = false;  ///< gets 4672 at logon
};

/// A logon session on one host.
struct Session {
    Account account;
    std::string logon_id = "0x3e7";
    std::string logon_guid;
    int terminal_session = 0;
    std::string integrity = "System";  ///< Sysmon IntegrityLevel
    /// "CHU\m.durand" or "NT AUTHORITY\SYSTEM" (Sysmon's User field).
    std::string sysmon_user() const;
};

struct Process {
    std::string guid;  ///< "{XXXXXXXX-XXXX-XXXX-0000-0010XXXXXXXX}"
    std::uint32_t pid = 0;
    std::string image;
    std::string command_line;
};

/// "0x1a2b": the lower-case hexadecimal form Windows gives logon and process IDs.
std::string hex_id(std::uint64_t v);

/// How a network logon arrives.
enum class Auth { kKerberos, kNtlm };

class Recorder {
  public:
    Recorder(const Network& net, std::uint64_t seed, std::vector<evtx::WindowsEventSpec>& out);

    const Network& net() const { return net_; }
    Rng& rng() { return rng_; }
    std::size_t size() const { return out_.size(); }

    // ---- accounts and sessions ------------------------------------------------------------
    Account account(const User& user) const;
    Account machine(const Host& host) const;
    static Account system();
    Session system_session(const Host& host) const;
    /// A new session of `user` on `host` (no event); elevated: High integrity.
    Session new_session(const Host& host, const User& user, int terminal, bool elevated);
    /// A process that runs since boot (services.exe, the session's explorer.exe): no event.
    Process running(const Host& host, const std::string& image, const std::string& command);
    /// The same long-running process of `host` on every call (services.exe, lsass.exe, ...).
    const Process& system_process(const Host& host, const std::string& image,
                                  const std::string& command = "");

    // ---- Sysmon (Microsoft-Windows-Sysmon/Operational) ------------------------------------
    /// Sysmon 1; on servers also Security 4688 (process auditing is on there).
    Process start(const Host& host, Ticks t, const Session& s, const std::string& image,
                  const std::string& command, const Process& parent,
                  const std::string& directory = "");
    void file_created(const Host& host, Ticks t, const Process& p, const std::string& path);
    void registry_set(const Host& host, Ticks t, const Process& p, const std::string& key,
                      const std::string& details);
    void pipe_created(const Host& host, Ticks t, const Process& p, const std::string& pipe);
    void process_access(const Host& host, Ticks t, const Process& source, const Process& target,
                        const std::string& access, const std::string& call_trace);
    void connection(const Host& host, Ticks t, const Process& p, const Session& s,
                    const std::string& destination, int port);

    // ---- Security -------------------------------------------------------------------------
    /// 4624 of `who` on `target` (4672 after it for admins); returns the new logon ID.
    /// type 2/7/10 are interactive (Subject = the machine), 3 network, 5 service.
    std::string logon(const Host& target, Ticks t, const Account& who, int type,
                      const std::string& source_ip = "-", const std::string& source_host = "-",
                      Auth auth = Auth::kKerberos, const std::string& logon_id = "");
    void logoff(const Host& host, Ticks t, const Account& who, const std::string& logon_id,
                int type, bool user_initiated = false);
    void failed_logon(const Host& host, Ticks t, const Account& who);
    void explicit_credentials(const Host& host, Ticks t, const Session& s, const Account& target,
                              const std::string& server, const Process& p);
    void tgt_request(Ticks t, const Account& who, const std::string& ip);
    void service_ticket(Ticks t, const Account& who, const std::string& service,
                        const std::string& service_sid, const std::string& ip,
                        const std::string& encryption = "0x12",
                        const std::string& options = "0x40810000");
    void ntlm_validation(Ticks t, const Account& who, const std::string& workstation,
                         const std::string& status = "0x0");
    void share_access(const Host& host, Ticks t, const Session& s, const std::string& ip,
                      const std::string& share, const std::string& local_path);
    void share_file(const Host& host, Ticks t, const Session& s, const std::string& ip,
                    const std::string& share, const std::string& local_path,
                    const std::string& relative, bool write);
    void task_created(const Host& host, Ticks t, const Session& s, const std::string& name,
                      const std::string& command, const std::string& arguments,
                      const std::string& author);
    void directory_access(Ticks t, const Session& s, const std::string& access_mask,
                          const std::string& properties);
    void security_log_cleared(const Host& host, Ticks t, const Session& s);

    // ---- System ---------------------------------------------------------------------------
    void service_installed(const Host& host, Ticks t, const std::string& installer_sid,
                           const std::string& name, const std::string& image,
                           const std::string& start_type,
                           const std::string& account = "LocalSystem");
    void service_state(const Host& host, Ticks t, const std::string& display_name,
                       const std::string& state);
    void system_log_cleared(const Host& host, Ticks t, const Session& s);
    void group_policy(const Host& host, Ticks t, bool computer, const std::string& user_sid);

    // ---- Application, PowerShell, Defender ------------------------------------------------
    void msi(const Host& host, Ticks t, const std::string& user_sid, int event_id,
             const std::string& package, std::uint32_t pid);
    void msi_product(const Host& host, Ticks t, const std::string& user_sid,
                     const std::string& product);
    void application(const Host& host, Ticks t, const std::string& provider,
                     const std::string& guid, std::uint16_t id, int qualifiers,
                     std::vector<std::pair<std::string, std::string>> data);
    void script_block(const Host& host, Ticks t, const std::string& user_sid,
                      const std::string& text, bool suspicious = false);
    void defender(const Host& host, Ticks t, std::uint16_t id,
                  std::vector<std::pair<std::string, std::string>> data);

    /// "2019-11-12 08:41:07.125" (Sysmon's UtcTime).
    static std::string utc_time(Ticks t);
    std::string random_guid();

  private:
    evtx::WindowsEventSpec& security(const Host& host, Ticks t, std::uint16_t id,
                                     std::uint16_t task, std::uint8_t version = 0);
    evtx::WindowsEventSpec& sysmon(const Host& host, Ticks t, std::uint16_t id,
                                   std::uint8_t version);
    evtx::WindowsEventSpec& push(const Host& host, Ticks t, std::uint16_t id);
    std::string process_guid(const Host& host, Ticks t);
    std::string ip_port();

    const Network& net_;
    Rng rng_;
    std::map<std::string, Process> system_processes_;
    std::vector<evtx::WindowsEventSpec>& out_;
};

/// Frequently used images.
namespace image {
inline constexpr const char* kCmd = "C:\\Windows\\System32\\cmd.exe";
inline constexpr const char* kPowerShell =
    "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
inline constexpr const char* kConhost = "C:\\Windows\\System32\\conhost.exe";
inline constexpr const char* kExplorer = "C:\\Windows\\explorer.exe";
inline constexpr const char* kServices = "C:\\Windows\\System32\\services.exe";
inline constexpr const char* kSvchost = "C:\\Windows\\System32\\svchost.exe";
inline constexpr const char* kMsiexec = "C:\\Windows\\System32\\msiexec.exe";
inline constexpr const char* kNet = "C:\\Windows\\System32\\net.exe";
inline constexpr const char* kNet1 = "C:\\Windows\\System32\\net1.exe";
inline constexpr const char* kLsass = "C:\\Windows\\system32\\lsass.exe";
inline constexpr const char* kExcel =
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE";
inline constexpr const char* kWord =
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE";
inline constexpr const char* kOutlook =
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE";
}  // namespace image

}  // namespace vigie::scenario
