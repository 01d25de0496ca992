// The intrusion's last three days: lateral movement, recovery inhibited, encryption.
#include <fmt/format.h>

#include "scenario/intrusion.hpp"

namespace vigie::scenario {
namespace {

constexpr const char* kPsExec = "C:\\Users\\Public\\PsExec.exe";
constexpr const char* kPsExeSvc = "C:\\Windows\\PSEXESVC.exe";
constexpr const char* kRundll32 = "C:\\Windows\\System32\\rundll32.exe";
constexpr const char* kClop = "C:\\Windows\\Temp\\wsvc.exe";
constexpr const char* kClopDrv = "C:\\ProgramData\\WinCheckDRVs\\wcd.exe";
constexpr const char* kAdmin = "\\\\*\\ADMIN$";
constexpr const char* kIpc = "\\\\*\\IPC$";
constexpr const char* kPatients = "\\\\*\\Dossiers-Patients";
constexpr const char* kPatientsLocal = "\\??\\D:\\Partages\\Dossiers-Patients";

/// Hosts PsExec reaches on day 5, in order; those missing from a small network are skipped.
constexpr const char* kTargets[] = {"SRV-FICHIERS-01", "DC01",           "PC-RADIO-01",
                                    "PC-URGENCES-02",  "SRV-SAUVEGARDE", "PC-PHARMA-03"};

}  // namespace

void Intrusion::psexec(const Host& target, Ticks t, bool first) {
    touched(target);
    const Session sys = r_.system_session(pc_);
    const Account adm = r_.account(net_.it_admin());
    const Process cmd = rat_shell(t - 15 * kSecond);
    const Process px =
        r_.start(pc_, t, sys, kPsExec, "psexec.exe  \\\\" + target.name + " -u CHU\\adm-it cmd",
                 cmd, "C:\\Users\\Public\\");
    if (first) {
        r_.registry_set(pc_, t + 100 * 10000, px,
                        "HKU\\S-1-5-18\\Software\\Sysinternals\\PsExec\\EulaAccepted",
                        "DWORD (0x00000001)");
    }
    r_.explicit_credentials(pc_, t + kSecond, sys, adm, target.name, px);
    r_.ntlm_validation(t + kSecond, adm, pc_.name);
    Session remote;
    remote.account = adm;
    remote.logon_id =
        r_.logon(target, t + kSecond + 300 * 10000, adm, 3, pc_.address, pc_.name, Auth::kNtlm);
    r_.share_access(target, t + 2 * kSecond, remote, pc_.address, kIpc, "");
    r_.share_access(target, t + 2 * kSecond + 100 * 10000, remote, pc_.address, kAdmin,
                    "\\??\\C:\\Windows");
    r_.share_file(target, t + 2 * kSecond + 200 * 10000, remote, pc_.address, kAdmin,
                  "\\??\\C:\\Windows", "PSEXESVC.exe", true);
    r_.share_file(target, t + 3 * kSecond, remote, pc_.address, kIpc, "", "svcctl", true);
    r_.service_installed(target, t + 3 * kSecond + 300 * 10000, adm.sid, "PSEXESVC",
                         "%SystemRoot%\\PSEXESVC.exe", "demand start");
    r_.service_state(target, t + 3 * kSecond + 500 * 10000, "PSEXESVC", "running");
    const Session tsys = r_.system_session(target);
    const Process svc = r_.start(target, t + 4 * kSecond, tsys, kPsExeSvc, kPsExeSvc,
                                 r_.system_process(target, image::kServices));
    r_.pipe_created(target, t + 4 * kSecond + 200 * 10000, svc, "\\PSEXESVC");
    for (const char* stream : {"stdin", "stdout", "stderr"}) {
        const std::string pipe = fmt::format("PSEXESVC-{}-{}-{}", pc_.name, px.pid, stream);
        r_.pipe_created(target, t + 4 * kSecond + 300 * 10000, svc, "\\" + pipe);
        r_.share_file(target, t + 4 * kSecond + 400 * 10000, remote, pc_.address, kIpc, "", pipe,
                      true);
    }
    Session as_admin = r_.new_session(target, net_.it_admin(), 0, true);
    as_admin.logon_id = remote.logon_id;
    const Process shell = r_.start(target, t + 5 * kSecond, as_admin, image::kCmd, "\"cmd\" ", svc,
                                   "C:\\Windows\\system32\\");
    Ticks w = t + 20 * kSecond;
    for (const char* command : {"whoami", "hostname", "net  share"}) {
        const std::string image = std::string(command) == "net  share"
                                      ? image::kNet
                                      : std::string("C:\\Windows\\System32\\") + command + ".exe";
        r_.start(target, w, as_admin, image, command, shell, "C:\\Windows\\system32\\");
        w += static_cast<Ticks>(rng_.between(5, 25)) * kSecond;
    }
    r_.service_state(target, w + 10 * kSecond, "PSEXESVC", "stopped");
    r_.logoff(target, w + 11 * kSecond, adm, remote.logon_id, 3);
}

// Day 5, Friday night: adm-it everywhere within the hour.
void Intrusion::lateral_movement(int day) {
    const Session sys = r_.system_session(pc_);
    Ticks t = net_.at(day, 1, 58, 12);
    beacon_ = r_.start(pc_, t, sys, kRundll32,
                       "rundll32.exe C:\\Users\\Public\\WinHelp\\msvcp140u.dll,DllRegisterServer",
                       rat_, "C:\\ProgramData\\AMMYY\\");
    r_.pipe_created(pc_, t + kSecond, beacon_, "\\MSSE-1234-server");
    r_.file_created(pc_, t + 3 * kMinute, beacon_, kPsExec);
    t = net_.at(day, 2, 5, 40);
    bool first = true;
    for (const char* name : kTargets) {
        const Host* target = net_.host(name);
        if (target == nullptr) continue;
        psexec(*target, t, first);
        first = false;
        t += static_cast<Ticks>(rng_.between(240, 420)) * kSecond;
    }

    // A scheduled task on the domain controller, created from the PC.
    const Host& dc = net_.dc();
    const Account adm = r_.account(net_.it_admin());
    t += kMinute;
    const Process shell = rat_shell(t - 5 * kSecond);
    const Process sch = r_.start(
        pc_, t, sys, "C:\\Windows\\System32\\schtasks.exe",
        "schtasks  /create /s DC01 /u CHU\\adm-it /p Hopital2019! /tn WinCheck /tr \"cmd.exe /c "
        "C:\\Windows\\Temp\\srv.bat\" /sc once /st 03:30 /ru SYSTEM",
        shell, "C:\\ProgramData\\AMMYY\\");
    r_.explicit_credentials(pc_, t + kSecond, sys, adm, "DC01", sch);
    Session remote;
    remote.account = adm;
    remote.logon_id = r_.logon(dc, t + 2 * kSecond, adm, 3, pc_.address, pc_.name, Auth::kNtlm);
    r_.share_access(dc, t + 2 * kSecond, remote, pc_.address, kIpc, "");
    r_.share_file(dc, t + 3 * kSecond, remote, pc_.address, kIpc, "", "atsvc", true);
    r_.task_created(dc, t + 3 * kSecond + 400 * 10000, remote, "\\WinCheck", "cmd.exe",
                    "/c C:\\Windows\\Temp\\srv.bat", "CHU\\adm-it");
    r_.logoff(dc, t + 10 * kSecond, adm, remote.logon_id, 3);

    // DCSync: the beacon's fork-and-run job asks DC01 for the domain's secrets.
    t += 3 * kMinute;
    const Process job = r_.start(pc_, t, sys, kRundll32, "C:\\Windows\\system32\\rundll32.exe",
                                 beacon_, "C:\\Windows\\system32\\");
    r_.pipe_created(pc_, t + 200 * 10000, job, "\\postex_1a2b");
    r_.service_ticket(t + kSecond, adm, dc.account(), dc.sid, pc_.address);
    Session sync;
    sync.account = adm;
    sync.logon_id = r_.logon(dc, t + kSecond + 300 * 10000, adm, 3, pc_.address, pc_.name);
    const std::string domain_object =
        "%{" + std::string("3f1c8a90-52d4-4e6b-a0c7-9b1e2d4f6a85") + "}";
    r_.directory_access(t + 2 * kSecond, sync, "0x100",
                        "%%7688\r\n\t\t{1131f6aa-9c07-11d1-f79f-00c04fc2dcd2}\r\n\t{19195a5b-6da0-"
                        "11d0-afd3-00c04fd930c9}");
    r_.directory_access(t + 2 * kSecond + 50 * 10000, sync, "0x100",
                        "%%7688\r\n\t\t{1131f6ad-9c07-11d1-f79f-00c04fc2dcd2}\r\n\t{19195a5b-6da0-"
                        "11d0-afd3-00c04fd930c9}");
    (void)domain_object;
    r_.logoff(dc, t + 20 * kSecond, adm, sync.logon_id, 3);
}

void Intrusion::rdp_in(const Host& server, Ticks t, Session& session, Process& explorer) {
    const Account adm = r_.account(net_.it_admin());
    r_.service_ticket(t, adm, server.account(), server.sid, pc_.address);
    const std::string nla = r_.logon(server, t + kSecond, adm, 3, pc_.address, pc_.name);
    r_.logoff(server, t + 2 * kSecond, adm, nla, 3);
    session = r_.new_session(server, net_.it_admin(), 3, true);
    r_.logon(server, t + 4 * kSecond, adm, 10, pc_.address, pc_.name, Auth::kKerberos,
             session.logon_id);
    const Process userinit =
        r_.start(server, t + 6 * kSecond, session, "C:\\Windows\\System32\\userinit.exe",
                 "C:\\Windows\\system32\\userinit.exe",
                 r_.system_process(server, "C:\\Windows\\System32\\winlogon.exe", "winlogon.exe"));
    explorer = r_.start(server, t + 7 * kSecond, session, image::kExplorer,
                        "C:\\Windows\\Explorer.EXE", userinit);
}

// Day 6, Saturday evening: no way back for the file and backup servers.
void Intrusion::inhibit_recovery(int day) {
    const Host* servers[] = {&net_.file_server(), &net_.backup_server()};
    Ticks t = net_.at(day, 20, 10, 3);
    for (const Host* server : servers) {
        const Host& h = *server;
        touched(h);
        Session s;
        Process explorer;
        rdp_in(h, t, s, explorer);
        const Process cmd = r_.start(h, t + kMinute, s, image::kCmd,
                                     "\"C:\\Windows\\system32\\cmd.exe\" ", explorer);
        Ticks w = t + 2 * kMinute;
        auto run = [&](const std::string& image, const std::string& command) {
            const Process p = r_.start(h, w, s, image, command, cmd, "C:\\Windows\\system32\\");
            w += static_cast<Ticks>(rng_.between(4, 15)) * kSecond;
            return p;
        };
        const std::string disable = "Set-MpPreference -DisableRealtimeMonitoring $true";
        run(image::kPowerShell, "powershell.exe  -nop -c \"" + disable + "\"");
        r_.script_block(h, w - 2 * kSecond, net_.it_admin().sid, disable);
        r_.defender(h, w - kSecond, 5007,
                    {{"Old Value",
                      "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time "
                      "Protection\\DisableRealtimeMonitoring = 0x0"},
                     {"New Value",
                      "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time "
                      "Protection\\DisableRealtimeMonitoring = 0x1"}});
        r_.defender(h, w - kSecond + 100 * 10000, 5001, {});
        const char* stops[][2] = {{"VeeamBackupSvc", "Veeam Backup Service"},
                                  {"VeeamDeploySvc", "Veeam Installer Service"},
                                  {"VeeamCatalogSvc", "Veeam Guest Catalog Service"},
                                  {"SQLWriter", "SQL Server VSS Writer"},
                                  {"MSSQL$VEEAMSQL2016", "SQL Server (VEEAMSQL2016)"},
                                  {"SQLBrowser", "SQL Server Browser"},
                                  {"wbengine", "Block Level Backup Engine Service"}};
        for (const auto& stop : stops) {
            const Process net = run(image::kNet, fmt::format("net  stop \"{}\" /y", stop[0]));
            r_.start(h, w - 3 * kSecond, s, image::kNet1,
                     fmt::format("C:\\Windows\\system32\\net1  stop \"{}\" /y", stop[0]), net);
            if (h.role == Role::kBackupServer || std::string(stop[0]) == "SQLWriter") {
                r_.service_state(h, w - 2 * kSecond, stop[1], "stopped");
            }
        }
        run("C:\\Windows\\System32\\vssadmin.exe", "vssadmin  delete shadows /all /quiet");
        run("C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic  shadowcopy delete");
        run("C:\\Windows\\System32\\bcdedit.exe", "bcdedit  /set {default} recoveryenabled no");
        run("C:\\Windows\\System32\\bcdedit.exe",
            "bcdedit  /set {default} bootstatuspolicy ignoreallfailures");
        run("C:\\Windows\\System32\\wbadmin.exe", "wbadmin  delete catalog -quiet");

        // The Clop service, its binary copied from the PC.
        const bool fs = h.role == Role::kFileServer;
        const std::string name = fs ? "SecurityCenterIBM" : "WinCheckDRVs";
        const std::string binary = fs ? kClop : kClopDrv;
        r_.file_created(h, w, r_.system_process(h, "System", "System"), binary);
        w += 10 * kSecond;
        run("C:\\Windows\\System32\\sc.exe",
            fmt::format("sc  create {} binPath= \"{}\" start= auto", name, binary));
        r_.service_installed(h, w, net_.it_admin().sid, name, binary, "auto start");

        // Traces erased.
        w += kMinute;
        run("C:\\Windows\\System32\\wevtutil.exe", "wevtutil  cl Security");
        r_.security_log_cleared(h, w - 3 * kSecond, s);
        run("C:\\Windows\\System32\\wevtutil.exe", "wevtutil  cl System");
        r_.system_log_cleared(h, w - 3 * kSecond, s);
        r_.logoff(h, w + 2 * kMinute, r_.account(net_.it_admin()), s.logon_id, 10, true);
        t = w + 25 * kMinute;
    }
}

// Day 7, Sunday night: encryption.
void Intrusion::encryption(int day) {
    const Host& fs = net_.file_server();
    touched(fs);
    Ticks t = net_.at(day, 1, 12, 44);
    result_.encryption_start = t;
    const Session fsys = r_.system_session(fs);
    const Process clop = r_.start(fs, t, fsys, kClop, std::string(kClop) + " runrun",
                                  r_.system_process(fs, image::kServices));
    r_.service_state(fs, t, "SecurityCenterIBM", "running");
    Ticks w = t + 5 * kSecond;
    std::vector<std::string> departments;
    for (const Host& h : net_.hosts) {
        if (h.role == Role::kWorkstation) departments.push_back(h.department);
    }
    for (const std::string& dept : departments) {
        const std::string folder = "D:\\Partages\\Dossiers-Patients\\" + dept + "\\2019\\";
        r_.file_created(fs, w, clop, folder + "ClopReadMe.txt");
        for (int i = 0; i < 12; ++i) {
            w += static_cast<Ticks>(rng_.between(50, 400)) * 10000;
            r_.file_created(fs, w, clop,
                            fmt::format("{}CR-consultation-{}-{:04}.docx.CIop", folder,
                                        dept.substr(0, 5), rng_.below(9000) + 100));
        }
        w += kSecond;
    }
    for (const char* sub : {"Plannings", "Protocoles", "Notes-de-service", "Qualite"}) {
        const std::string folder = std::string("D:\\Partages\\Commun\\") + sub + "\\";
        r_.file_created(fs, w, clop, folder + "ClopReadMe.txt");
        for (int i = 0; i < 6; ++i) {
            w += static_cast<Ticks>(rng_.between(50, 400)) * 10000;
            r_.file_created(
                fs, w, clop,
                fmt::format("{}{}-{:03}.xlsx.CIop", folder, sub, rng_.below(900) + 100));
        }
    }

    // PC-ACCUEIL-07 encrypts what it reaches over SMB, as adm-it.
    const Account adm = r_.account(net_.it_admin());
    const Session psys = r_.system_session(pc_);
    Ticks p = t + 2 * kMinute;
    const Process local =
        r_.start(pc_, p, psys, kClop, std::string(kClop) + " runrun", rat_, "C:\\Windows\\Temp\\");
    Session remote;
    remote.account = adm;
    remote.logon_id = r_.logon(fs, p + kSecond, adm, 3, pc_.address, pc_.name, Auth::kNtlm);
    r_.share_access(fs, p + 2 * kSecond, remote, pc_.address, kPatients, kPatientsLocal);
    for (int i = 0; i < 40; ++i) {
        p += static_cast<Ticks>(rng_.between(100, 900)) * 10000;
        const std::string& dept = departments[static_cast<std::size_t>(i) % departments.size()];
        const std::string rel = i % 10 == 0
                                    ? dept + "\\Archives\\ClopReadMe.txt"
                                    : fmt::format("{}\\Archives\\CR-{}-{:04}.docx.CIop", dept,
                                                  dept.substr(0, 5), rng_.below(9000) + 100);
        r_.share_file(fs, p, remote, pc_.address, kPatients, kPatientsLocal, rel, true);
    }
    r_.logoff(fs, p + kMinute, adm, remote.logon_id, 3);
    (void)local;

    // The PCs reached on day 5 encrypt their users' documents.
    const char* pcs[] = {"PC-ACCUEIL-07", "PC-RADIO-01", "PC-URGENCES-02", "PC-PHARMA-03"};
    Ticks q = t + 4 * kMinute;
    for (const char* name : pcs) {
        const Host* h = net_.host(name);
        if (h == nullptr) continue;
        touched(*h);
        const Session hs = r_.system_session(*h);
        const Process proc =
            name == pc_.name ? local
                             : r_.start(*h, q, hs, kClop, std::string(kClop) + " runrun",
                                        r_.system_process(*h, kPsExeSvc), "C:\\Windows\\Temp\\");
        Ticks f = q + 2 * kSecond;
        for (const User* u : net_.staff_of(name)) {
            for (const char* dir : {"Documents", "Desktop"}) {
                const std::string folder = "C:\\Users\\" + u->name + "\\" + dir + "\\";
                r_.file_created(*h, f, proc, folder + "ClopReadMe.txt");
                for (int i = 0; i < 8; ++i) {
                    f += static_cast<Ticks>(rng_.between(30, 300)) * 10000;
                    r_.file_created(
                        *h, f, proc,
                        fmt::format("{}{}-{:04}.{}.CIop", folder,
                                    i % 3 == 0 ? "Planning" : "Courrier", rng_.below(9000) + 100,
                                    i % 3 == 0 ? "xlsx" : "docx"));
                }
            }
        }
        q += static_cast<Ticks>(rng_.between(60, 180)) * kSecond;
    }
}

}  // namespace vigie::scenario
