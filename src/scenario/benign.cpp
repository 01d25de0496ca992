#include "scenario/benign.hpp"

#include <fmt/format.h>

#include <set>

namespace vigie::scenario {
namespace {

constexpr const char* kEdge = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
constexpr const char* kEdgeUpdate =
    "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe";
constexpr const char* kDpi = "C:\\Program Files (x86)\\DPI Sante\\dpi.exe";
constexpr const char* kVeeam =
    "C:\\Program Files\\Veeam\\Backup and Replication\\Backup\\Veeam.Backup.Manager.exe";
constexpr const char* kVeeamAgent =
    "C:\\Program Files\\Veeam\\Backup and Replication\\Backup\\VeeamAgent.exe";
constexpr const char* kVssadmin = "C:\\Windows\\System32\\vssadmin.exe";
constexpr const char* kMpCmdRun = "C:\\Program Files\\Windows Defender\\MpCmdRun.exe";
constexpr const char* kSysvolGpt =
    "chu.local\\Policies\\{31B2F340-016D-11D2-945F-00C04FB984F9}\\gpt.ini";

struct Share {
    const char* name;   ///< as 5140/5145 give it
    const char* local;  ///< ShareLocalPath
    const char* unc;
};
constexpr Share kCommun = {"\\\\*\\Commun", "\\??\\D:\\Partages\\Commun",
                           "\\\\SRV-FICHIERS-01\\Commun"};
constexpr Share kPatients = {"\\\\*\\Dossiers-Patients", "\\??\\D:\\Partages\\Dossiers-Patients",
                             "\\\\SRV-FICHIERS-01\\Dossiers-Patients"};

const std::vector<std::string> kCommunFiles = {
    "Plannings\\Planning-gardes-novembre.xlsx",      "Protocoles\\Protocole-hygiene-mains.docx",
    "Notes-de-service\\Note-direction-2019-11.docx", "Annuaire\\Annuaire-interne.xlsx",
    "Qualite\\Fiche-evenement-indesirable.docx",     "Plannings\\Conges-2019.xlsx"};

/// System processes that come and go on every Windows host; parent 0 services.exe,
/// 1 the Task Scheduler, 2 DCOM.
struct Background {
    const char* image;
    const char* command;
    int parent;
    bool workstation_only;
    bool connects;
};
constexpr Background kBackground[] = {
    {"C:\\Windows\\System32\\svchost.exe",
     "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s BITS", 0, false, true},
    {"C:\\Windows\\System32\\svchost.exe",
     "C:\\Windows\\System32\\svchost.exe -k wsappx -p -s ClipSVC", 0, false, false},
    {"C:\\Windows\\System32\\svchost.exe",
     "C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p -s lmhosts", 0, false,
     false},
    {"C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe Install $(Arg0)", 1, false, false},
    {"C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe SYSTEM", 1, false, false},
    {"C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
     "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", 2, false, false},
    {"C:\\Windows\\System32\\dllhost.exe",
     "C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}", 2,
     false, false},
    {"C:\\Windows\\System32\\SearchProtocolHost.exe",
     "\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe1_ "
     "Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 \"Software\\Microsoft\\Windows Search\" "
     "\"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\" "
     "\"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc\" \"DownLevelDaemon\" ",
     2, true, false},
    {"C:\\Windows\\System32\\CompatTelRunner.exe",
     "C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun", 1,
     false, true},
    {"C:\\Windows\\System32\\sppsvc.exe", "C:\\Windows\\system32\\sppsvc.exe", 0, false, false},
    {"C:\\Windows\\System32\\wermgr.exe", "C:\\Windows\\system32\\wermgr.exe -upload", 1, false,
     true},
    {"C:\\Windows\\System32\\conhost.exe",
     "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", 1, false, false},
};

/// Ticks within the next `span` (millisecond detail).
Ticks jitter(Rng& rng, Ticks t, Ticks span) {
    return t + rng.below(span / 10000) * 10000 + rng.below(10000);
}

class BenignDay {
  public:
    BenignDay(Recorder& r, int day, std::vector<ActiveSession>& sessions)
        : r_(r), net_(r.net()), rng_(r.rng()), day_(day), sessions_(sessions) {
        const int wd = weekday(net_, day);
        weekend_ = wd >= 5;
        monday_ = wd == 0;
        tuesday_ = wd == 1;
    }

    void run() {
        for (const Host& h : net_.hosts) background(h);
        for (const Host& h : net_.hosts) {
            if (h.role != Role::kWorkstation) continue;
            for (const User* u : net_.staff_of(h.name)) staff_day(h, *u);
            if ((static_cast<int>(&h - &net_.hosts[0]) + 1) % 3 == day_ % 3) updates(h);
        }
        if (!weekend_) it_admin_day();
        backups();
    }

  private:
    struct ShareSession {
        Session session;
        bool open = false;
        std::set<std::string> shares;
    };

    Ticks at(int h, int m, int s = 0) { return net_.at(day_, h, m, s); }
    Ticks around(int h, int m, int spread_minutes) {
        return jitter(rng_, at(h, m), static_cast<Ticks>(spread_minutes) * kMinute);
    }

    // ---- every host, day and night --------------------------------------------------------
    void background(const Host& h) {
        const Session sys = r_.system_session(h);
        const Process& services = r_.system_process(h, image::kServices);
        const Process& schedule = r_.system_process(
            h, image::kSvchost, "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule");
        const Process& dcom = r_.system_process(
            h, image::kSvchost, "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p");
        for (int hour = 0; hour < 24; ++hour) {
            const Ticks base = at(hour, 0);
            const bool busy = !weekend_ && hour >= 7 && hour < 19;
            const int n = static_cast<int>(rng_.between(busy ? 10 : 5, busy ? 20 : 10));
            for (int i = 0; i < n; ++i) {
                const Ticks t = jitter(rng_, base, kHour);
                const Background& b = kBackground[rng_.below(std::size(kBackground))];
                if (b.workstation_only && h.server()) continue;
                const Process& parent = b.parent == 0 ? services : b.parent == 1 ? schedule : dcom;
                const Process p = r_.start(h, t, sys, b.image, b.command, parent);
                if (b.connects && !h.server()) {
                    r_.connection(h, t + kSecond, p, sys,
                                  rng_.chance(50) ? net_.dc().address : "13.107.4.50",
                                  rng_.chance(50) ? 443 : 389);
                }
            }
            if (rng_.chance(25)) {
                const Ticks t = jitter(rng_, base, kHour);
                r_.logon(h, t, Recorder::system(), 5);
            }
            if (hour % 2 == 0 && rng_.chance(80)) gpo_refresh(h, jitter(rng_, base, 2 * kHour));
        }
        for (int hour : {3, 11, 19}) {
            const Ticks t = around(hour, 5, 50);
            const Process mp = r_.start(h, t, sys, kMpCmdRun,
                                        "\"C:\\Program Files\\Windows Defender\\MpCmdRun.exe\" "
                                        "SignatureUpdate -ScheduleJob "
                                        "-RestrictPrivileges",
                                        schedule, "C:\\Windows\\system32\\");
            const int build = 305 + day_ * 3 + hour / 8;
            r_.defender(h, t + 40 * kSecond, 2000,
                        {{"Current Signature Version", fmt::format("1.305.{}.0", build)},
                         {"Previous Signature Version", fmt::format("1.305.{}.0", build - 1)},
                         {"Signature Type Index", "1"},
                         {"Signature Type", "%%800"},
                         {"Update Type Index", "2"},
                         {"Update Type", "%%803"},
                         {"User", "NT AUTHORITY\\SYSTEM"},
                         {"Current Engine Version", "1.1.16500.1"},
                         {"Previous Engine Version", "1.1.16500.1"}});
            (void)mp;
        }
        for (int hour : {6, 18}) {
            const Ticks t = around(hour, 0, 30);
            r_.application(h, t, "Microsoft-Windows-Security-SPP",
                           "{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}", 16384, 16384,
                           {{"", core::format_iso8601_micros(t + 7 * kDay).substr(0, 19) + "Z"},
                            {"", "RulesEngine"}});
        }
        const Ticks wu = around(2, 30, 120);
        r_.service_state(h, wu, "Windows Update", "running");
        r_.start(h, wu + 5 * kSecond, sys, "C:\\Windows\\System32\\usoclient.exe",
                 "C:\\Windows\\system32\\usoclient.exe StartScan", schedule);
        r_.service_state(h, wu + 20 * kMinute, "Windows Update", "stopped");
    }

    void gpo_refresh(const Host& h, Ticks t) {
        if (h.role == Role::kDomainController) {
            r_.group_policy(h, t, true, "");
            return;
        }
        const Account m = r_.machine(h);
        const Host& dc = net_.dc();
        r_.service_ticket(t, m, dc.account(), dc.sid, h.address);
        Session s;
        s.account = m;
        s.logon_id = r_.logon(dc, t + 120 * 10000, m, 3, h.address, h.name);
        r_.share_access(dc, t + 200 * 10000, s, h.address, "\\\\*\\SYSVOL",
                        "\\??\\C:\\Windows\\SYSVOL\\sysvol");
        r_.share_file(dc, t + 210 * 10000, s, h.address, "\\\\*\\SYSVOL",
                      "\\??\\C:\\Windows\\SYSVOL\\sysvol", kSysvolGpt, false);
        r_.logoff(dc, t + 3 * kSecond, m, s.logon_id, 3);
        r_.group_policy(h, t + 4 * kSecond, true, "");
    }

    // ---- staff on their PCs ---------------------------------------------------------------
    void staff_day(const Host& pc, const User& u) {
        if (weekend_ && !u.weekend) return;
        Ticks begin = 0, end = 0;
        switch (u.shift) {
            case 0:
                begin = around(6, 25, 25);
                end = around(14, 20, 30);
                break;
            case 1:
                begin = around(13, 20, 30);
                end = around(20, 45, 30);
                break;
            default:
                begin = around(7, 45, 40);
                end = around(16, 15, 60);
                break;
        }
        const Account acc = r_.account(u);
        Session s = r_.new_session(pc, u, 1 + static_cast<int>(rng_.below(2)), false);
        r_.tgt_request(begin - 2 * kSecond, acc, pc.address);
        r_.service_ticket(begin - kSecond, acc, pc.account(), pc.sid, pc.address);
        r_.logon(pc, begin, acc, 2, "127.0.0.1", "-", Auth::kKerberos, s.logon_id);
        r_.group_policy(pc, begin + 9 * kSecond, false, u.sid);
        logon_script(pc, acc, begin + 10 * kSecond);
        const Process& winlogon =
            r_.system_process(pc, "C:\\Windows\\System32\\winlogon.exe", "winlogon.exe");
        const Process userinit =
            r_.start(pc, begin + 3 * kSecond, s, "C:\\Windows\\System32\\userinit.exe",
                     "C:\\Windows\\system32\\userinit.exe", winlogon, "C:\\Windows\\system32\\");
        const Process explorer =
            r_.start(pc, begin + 4 * kSecond, s, image::kExplorer, "C:\\Windows\\Explorer.EXE",
                     userinit, "C:\\Windows\\system32\\");
        r_.start(pc, begin + 6 * kSecond, s, "C:\\Windows\\System32\\ctfmon.exe", "ctfmon.exe",
                 r_.system_process(pc, image::kSvchost,
                                   "C:\\Windows\\system32\\svchost.exe -k "
                                   "LocalSystemNetworkRestricted -p -s TabletInputService"));
        r_.start(pc, begin + 15 * kSecond, s,
                 "C:\\Users\\" + u.name + "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe",
                 "\"C:\\Users\\" + u.name +
                     "\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe\" --system-initiated",
                 explorer);
        const Process outlook = r_.start(pc, begin + 40 * kSecond, s, image::kOutlook,
                                         "\"" + std::string(image::kOutlook) + "\" ", explorer);
        sessions_.push_back({&pc, &u, s, explorer, outlook, begin, end});

        ShareSession share;
        Ticks t = begin + static_cast<Ticks>(rng_.between(3, 10)) * kMinute;
        Ticks next_ticket = begin + kHour;
        while (t < end) {
            activity(pc, u, s, explorer, share, t);
            if (t >= next_ticket) {
                r_.service_ticket(t, acc, rng_.chance(50) ? net_.dc().account() : "svc-dpi",
                                  net_.dc().sid, pc.address);
                next_ticket += kHour;
            }
            t += static_cast<Ticks>(rng_.between(1, 5)) * kMinute + rng_.below(kMinute);
        }
        if (share.open)
            r_.logoff(net_.file_server(), end + kSecond, acc, share.session.logon_id, 3);
        r_.logoff(pc, end, acc, s.logon_id, 2, true);
    }

    // The domain's logon script, read from NETLOGON on the DC.
    void logon_script(const Host& pc, const Account& acc, Ticks t) {
        const Host& dc = net_.dc();
        r_.service_ticket(t, acc, dc.account(), dc.sid, pc.address);
        Session s;
        s.account = acc;
        s.logon_id = r_.logon(dc, t + 100 * 10000, acc, 3, pc.address, pc.name);
        r_.share_access(dc, t + 200 * 10000, s, pc.address, "\\\\*\\NETLOGON",
                        "\\??\\C:\\Windows\\SYSVOL\\sysvol\\chu.local\\SCRIPTS");
        r_.share_file(dc, t + 300 * 10000, s, pc.address, "\\\\*\\NETLOGON",
                      "\\??\\C:\\Windows\\SYSVOL\\sysvol\\chu.local\\SCRIPTS", "lecteurs.bat",
                      false);
        r_.logoff(dc, t + 4 * kSecond, acc, s.logon_id, 3);
    }

    std::string document_name(const Host& pc, bool excel) {
        static const std::vector<std::string> kWord = {
            "CR-consultation", "Courrier-medecin", "Compte-rendu", "Transmission", "Lettre-sortie"};
        static const std::vector<std::string> kExcelNames = {"Planning", "Suivi-activite",
                                                             "Commandes", "Stock", "Releve"};
        return fmt::format("{}-{}-{:04}.{}", excel ? rng_.pick(kExcelNames) : rng_.pick(kWord),
                           pc.department.substr(0, 5), rng_.below(9000) + 100,
                           excel ? "xlsx" : "docx");
    }

    void activity(const Host& pc, const User& u, const Session& s, const Process& explorer,
                  ShareSession& share, Ticks t) {
        const std::uint64_t roll = rng_.below(100);
        const std::string home = "C:\\Users\\" + u.name;
        if (roll < 35) {  // Office document, on the share or in Documents
            const bool excel = rng_.chance(40);
            const char* office = excel ? image::kExcel : image::kWord;
            const std::string name = document_name(pc, excel);
            const bool on_share = rng_.chance(55);
            const bool patients = rng_.chance(60);
            const Share& sh = patients ? kPatients : kCommun;
            const std::string relative =
                patients ? pc.department + "\\2019\\" + name : rng_.pick(kCommunFiles);
            const std::string path =
                on_share ? std::string(sh.unc) + "\\" + relative : home + "\\Documents\\" + name;
            const Process p = r_.start(
                pc, t, s, office, fmt::format("\"{}\" /n \"{}\" /o \"\"", office, path), explorer);
            if (on_share) {
                share_file(pc, u, share, sh, relative, t + 2 * kSecond, false);
                if (rng_.chance(40)) share_file(pc, u, share, sh, relative, t + 4 * kMinute, true);
                r_.file_created(
                    pc, t + 3 * kSecond, p,
                    home + "\\AppData\\Roaming\\Microsoft\\Office\\Recent\\" + name + ".LNK");
            } else {
                r_.file_created(pc, t + 2 * kMinute, p, path);
            }
        } else if (roll < 55) {  // browser
            const Process edge = r_.start(
                pc, t, s, kEdge, std::string("\"") + kEdge + "\" --profile-directory=Default",
                explorer, "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\78.0.276.19\\");
            r_.start(
                pc, t + kSecond, s, kEdge,
                std::string("\"") + kEdge +
                    "\" --type=renderer --field-trial-handle=1640,11386735514364958106 "
                    "--lang=fr --disable-client-side-phishing-detection --renderer-client-id=" +
                    std::to_string(rng_.between(5, 60)),
                edge, "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\78.0.276.19\\");
            r_.connection(pc, t + 2 * kSecond, edge, s, "10.20.0.5", 8080);
            if (rng_.chance(15)) {
                r_.file_created(pc, t + 30 * kSecond, edge,
                                home + "\\Downloads\\" +
                                    (rng_.chance(50) ? "Bulletin-HAS-" : "Notice-") +
                                    std::to_string(rng_.below(900) + 100) + ".pdf");
            }
        } else if (roll < 70) {  // patient record application
            r_.start(pc, t, s, kDpi, std::string("\"") + kDpi + "\" /site:CHU", explorer,
                     "C:\\Program Files (x86)\\DPI Sante\\");
            r_.service_ticket(t + kSecond, r_.account(u), "svc-dpi", net_.user("svc-dpi")->sid,
                              pc.address);
        } else if (roll < 82) {  // lock and unlock
            if (rng_.chance(12)) r_.failed_logon(pc, t, r_.account(u));
            const Account acc = r_.account(u);
            const std::string id = r_.logon(pc, t + 3 * kSecond, acc, 7);
            r_.logoff(pc, t + 4 * kSecond, acc, id, 7);
        } else if (roll < 92) {  // browsing a share in Explorer
            const bool patients = rng_.chance(50);
            const Share& sh = patients ? kPatients : kCommun;
            const std::string folder = patients ? pc.department + "\\2019" : "Protocoles";
            share_file(pc, u, share, sh, patients ? pc.department : "Plannings", t, false);
            share_file(pc, u, share, sh, folder, t + 2 * kSecond, false);
            share_file(pc, u, share, sh, folder + "\\desktop.ini", t + 2 * kSecond + 300 * 10000,
                       false);
            const int files = static_cast<int>(rng_.between(2, 6));
            for (int i = 0; i < files; ++i) {
                share_file(pc, u, share, sh,
                           patients ? folder + "\\" + document_name(pc, rng_.chance(30))
                                    : rng_.pick(kCommunFiles),
                           t + static_cast<Ticks>(3 + i) * kSecond, false);
            }
        } else {  // background apps of the session
            r_.start(pc, t, s, "C:\\Windows\\System32\\backgroundTaskHost.exe",
                     "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" "
                     "-ServerName:BackgroundTaskHost.WebAccountProvider",
                     r_.system_process(pc, image::kSvchost,
                                       "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p"));
        }
    }

    void share_file(const Host& pc, const User& u, ShareSession& ss, const Share& sh,
                    const std::string& relative, Ticks t, bool write) {
        const Host& fs = net_.file_server();
        const Account acc = r_.account(u);
        if (!ss.open) {
            r_.service_ticket(t - kSecond, acc, fs.account(), fs.sid, pc.address);
            ss.session.account = acc;
            ss.session.logon_id = r_.logon(fs, t - 500 * 10000, acc, 3, pc.address, pc.name);
            ss.open = true;
        }
        if (ss.shares.insert(sh.name).second) {
            r_.share_access(fs, t - 300 * 10000, ss.session, pc.address, sh.name, sh.local);
        }
        r_.share_file(fs, t, ss.session, pc.address, sh.name, sh.local, relative, write);
    }

    // ---- software updates on a PC ---------------------------------------------------------
    void updates(const Host& pc) {
        const Session sys = r_.system_session(pc);
        const Process& schedule = r_.system_process(
            pc, image::kSvchost, "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule");
        const Ticks t = around(11, 30, 90);
        const Process upd =
            r_.start(pc, t, sys, kEdgeUpdate,
                     std::string("\"") + kEdgeUpdate + "\" /ua /installsource scheduler", schedule,
                     "C:\\Windows\\system32\\");
        const std::string msi = "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\Install\\{" +
                                r_.random_guid() + "}\\MicrosoftEdgeEnterpriseX64.msi";
        const Process installer = r_.start(pc, t + 20 * kSecond, sys, image::kMsiexec,
                                           "C:\\Windows\\system32\\msiexec.exe /V",
                                           r_.system_process(pc, image::kServices));
        r_.msi(pc, t + 25 * kSecond, "S-1-5-18", 1040, msi, upd.pid);
        r_.msi_product(pc, t + 70 * kSecond, "S-1-5-18", "Microsoft Edge");
        r_.msi(pc, t + 72 * kSecond, "S-1-5-18", 1042, msi, upd.pid);
        (void)installer;
        r_.service_installed(pc, t + 80 * kSecond, "S-1-5-18",
                             "Microsoft Edge Update Service (edgeupdate)",
                             std::string("\"") + kEdgeUpdate + "\" /svc", "auto start");
        r_.service_installed(pc, t + 81 * kSecond, "S-1-5-18",
                             "Microsoft Edge Update Service (edgeupdatem)",
                             std::string("\"") + kEdgeUpdate + "\" /medsvc", "demand start");
        r_.task_created(pc, t + 82 * kSecond, sys, "\\MicrosoftEdgeUpdateTaskMachineCore",
                        kEdgeUpdate, "/c", "Microsoft Corporation");
        r_.task_created(pc, t + 83 * kSecond, sys, "\\MicrosoftEdgeUpdateTaskMachineUA",
                        kEdgeUpdate, "/ua /installsource scheduler", "Microsoft Corporation");
    }

    // ---- the IT admin ---------------------------------------------------------------------
    void it_admin_day() {
        const User& adm = net_.it_admin();
        const Account acc = r_.account(adm);
        const Host& pc = net_.it_workstation();
        const Ticks begin = around(7, 30, 20), end = around(16, 40, 40);
        Session s = r_.new_session(pc, adm, 3, true);
        r_.tgt_request(begin - 2 * kSecond, acc, pc.address);
        r_.logon(pc, begin, acc, 2, "127.0.0.1", "-", Auth::kKerberos, s.logon_id);
        const Process explorer =
            r_.start(pc, begin + 4 * kSecond, s, image::kExplorer, "C:\\Windows\\Explorer.EXE",
                     r_.system_process(pc, "C:\\Windows\\System32\\userinit.exe"));
        sessions_.push_back({&pc, &adm, s, explorer, {}, begin, end});
        if (monday_) {
            const Ticks t = around(10, 12, 5);
            const Process cmd =
                r_.start(pc, t, s, image::kCmd, "\"C:\\Windows\\system32\\cmd.exe\" ", explorer);
            r_.start(pc, t + 20 * kSecond, s, "C:\\Windows\\System32\\nltest.exe",
                     "nltest  /dsgetdc:chu.local", cmd);
            r_.start(pc, t + 50 * kSecond, s, "C:\\Windows\\System32\\ipconfig.exe",
                     "ipconfig  /all", cmd);
        }
        if (tuesday_) admin_share_maintenance(pc, s, around(10, 40, 10));
        const Host* targets[] = {&net_.dc(), &net_.file_server(), &net_.backup_server()};
        rdp(pc, s, explorer, *targets[rng_.below(3)], around(9, 5, 120));
        rdp(pc, s, explorer, *targets[rng_.below(3)], around(14, 0, 90));
        r_.logoff(pc, end, acc, s.logon_id, 2, true);
    }

    void rdp(const Host& pc, const Session& s, const Process& explorer, const Host& server,
             Ticks t) {
        const User& adm = net_.it_admin();
        const Account acc = r_.account(adm);
        r_.start(pc, t, s, "C:\\Windows\\System32\\mstsc.exe",
                 "\"C:\\Windows\\system32\\mstsc.exe\" /v:" + server.name, explorer);
        r_.service_ticket(t + kSecond, acc, server.account(), server.sid, pc.address);
        const std::string nla = r_.logon(server, t + 2 * kSecond, acc, 3, pc.address, pc.name);
        r_.logoff(server, t + 3 * kSecond, acc, nla, 3);
        Session rs = r_.new_session(server, adm, 2, true);
        r_.logon(server, t + 5 * kSecond, acc, 10, pc.address, pc.name, Auth::kKerberos,
                 rs.logon_id);
        const Process& winlogon =
            r_.system_process(server, "C:\\Windows\\System32\\winlogon.exe", "winlogon.exe");
        const Process userinit =
            r_.start(server, t + 7 * kSecond, rs, "C:\\Windows\\System32\\userinit.exe",
                     "C:\\Windows\\system32\\userinit.exe", winlogon);
        const Process ex = r_.start(server, t + 8 * kSecond, rs, image::kExplorer,
                                    "C:\\Windows\\Explorer.EXE", userinit);
        r_.start(server, t + 9 * kSecond, rs, "C:\\Windows\\System32\\rdpclip.exe", "rdpclip",
                 r_.system_process(server, image::kSvchost,
                                   "C:\\Windows\\System32\\svchost.exe -k termsvcs"));
        Ticks w = t + static_cast<Ticks>(rng_.between(2, 5)) * kMinute;
        r_.start(server, w, rs, "C:\\Windows\\System32\\mmc.exe",
                 "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\services.msc\" ", ex);
        w += static_cast<Ticks>(rng_.between(3, 10)) * kMinute;
        const Process ps =
            r_.start(server, w, rs, image::kPowerShell,
                     "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ", ex);
        (void)ps;
        std::vector<std::string> scripts = {
            "Get-Service | Where-Object {$_.Status -eq 'Stopped' -and $_.StartType -eq "
            "'Automatic'}",
            "Get-EventLog -LogName System -Newest 50 -EntryType Error",
            "Get-PSDrive -PSProvider FileSystem"};
        if (server.role == Role::kDomainController) {
            const User& who =
                *net_.staff_of(net_.hosts[3 + rng_.below(net_.hosts.size() - 3)].name)[0];
            scripts = {"Get-ADUser -Identity " + who.name + " -Properties LockedOut,LastLogonDate",
                       "Unlock-ADAccount -Identity " + who.name,
                       "Get-ADComputer -Filter 'Name -like \"PC-*\"' | Measure-Object"};
            Session read = rs;
            for (int i = 0; i < 3; ++i) {
                r_.directory_access(w + static_cast<Ticks>(10 + i) * kSecond, read, "0x10",
                                    "%%7684\r\n\t\t{bf967aba-0de6-11d0-a285-00aa003049e2}");
            }
        }
        for (const std::string& text : scripts) {
            w += static_cast<Ticks>(rng_.between(20, 120)) * kSecond;
            r_.script_block(server, w, adm.sid, text);
        }
        const Ticks end = w + static_cast<Ticks>(rng_.between(5, 30)) * kMinute;
        r_.logoff(server, end, acc, rs.logon_id, 10, true);
    }

    void admin_share_maintenance(const Host& pc, const Session& s, Ticks t) {
        const Host& fs = net_.file_server();
        const Account acc = r_.account(net_.it_admin());
        r_.service_ticket(t - kSecond, acc, fs.account(), fs.sid, pc.address);
        Session remote;
        remote.account = acc;
        remote.logon_id = r_.logon(fs, t, acc, 3, pc.address, pc.name);
        r_.share_access(fs, t + kSecond, remote, pc.address, "\\\\*\\C$", "\\??\\C:\\");
        r_.share_file(fs, t + 2 * kSecond, remote, pc.address, "\\\\*\\C$", "\\??\\C:\\",
                      "Windows\\Logs\\CBS\\CBS.log", false);
        r_.share_file(
            fs, t + 40 * kSecond, remote, pc.address, "\\\\*\\C$", "\\??\\C:\\",
            "Windows\\Temp\\maintenance-" + core::format_iso8601_micros(t).substr(0, 10) + ".log",
            true);
        r_.logoff(fs, t + 5 * kMinute, acc, remote.logon_id, 3);
        (void)s;
    }

    // ---- backups ---------------------------------------------------------------------------
    void backups() {
        const Host& fs = net_.file_server();
        const Host& bk = net_.backup_server();
        const Session fs_sys = r_.system_session(fs);
        const Process& fs_schedule = r_.system_process(
            fs, image::kSvchost, "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule");
        for (int hour : {6, 11}) {  // Previous Versions on the shares' volume
            const Ticks t = around(hour, 0, 1);
            r_.service_state(fs, t, "Volume Shadow Copy", "running");
            r_.start(fs, t + kSecond, fs_sys, kVssadmin,
                     "C:\\Windows\\system32\\vssadmin.exe Create Shadow /AutoRetry=15 "
                     "/For=\\\\?\\Volume{4c1f8a2e-0000-0000-0000-100000000000}\\",
                     fs_schedule);
        }
        const User& svc = *net_.user("svc-backup");
        const Account acc = r_.account(svc);
        Session job;
        job.account = acc;
        job.logon_id = "0x3b1c2";
        job.logon_guid = "{" + bk.guid_prefix + "-0000-0000-0000-0020C2B10300}";
        job.integrity = "High";
        const Process& manager = r_.system_process(bk, kVeeam, std::string("\"") + kVeeam + "\"");
        const Ticks t = around(20, 30, 10);
        const Process cmd = r_.start(
            bk, t, job, image::kCmd, "C:\\Windows\\system32\\cmd.exe /c \"vssadmin list shadows\"",
            manager, "C:\\Program Files\\Veeam\\Backup and Replication\\Backup\\");
        r_.start(bk, t + kSecond, job, kVssadmin, "vssadmin  list shadows", cmd);
        r_.script_block(bk, t + 5 * kSecond, svc.sid,
                        "Get-Service -Name Veeam* | Where-Object {$_.Status -ne 'Running'} | "
                        "Select-Object Name,Status");
        r_.tgt_request(t + 10 * kSecond, acc, bk.address);
        r_.service_ticket(t + 11 * kSecond, acc, fs.account(), fs.sid, bk.address);
        Session remote;
        remote.account = acc;
        remote.logon_id = r_.logon(fs, t + 12 * kSecond, acc, 3, bk.address, bk.name);
        const Process agent = r_.start(bk, t + 12 * kSecond, job, kVeeamAgent,
                                       std::string("\"") + kVeeamAgent + "\" -l backup", manager);
        (void)agent;
        Ticks w = t + 15 * kSecond;
        for (const Share* sh : {&kPatients, &kCommun}) {
            r_.share_access(fs, w, remote, bk.address, sh->name, sh->local);
            for (int i = 0; i < 25; ++i) {
                const Host& pc = net_.hosts[3 + rng_.below(net_.hosts.size() - 3)];
                const std::string rel = sh == &kPatients ? pc.department + "\\2019\\" +
                                                               document_name(pc, rng_.chance(30))
                                                         : rng_.pick(kCommunFiles);
                w += static_cast<Ticks>(rng_.between(5, 90)) * kSecond;
                r_.share_file(fs, w, remote, bk.address, sh->name, sh->local, rel, false);
            }
        }
        r_.logoff(fs, w + 30 * kSecond, acc, remote.logon_id, 3);
        const Ticks snap = w + kMinute;
        r_.service_state(bk, snap, "Volume Shadow Copy", "running");
        r_.start(bk, snap + kSecond, job, kVssadmin, "vssadmin create shadow /for=E: /autoretry=15",
                 manager);
        r_.application(bk, snap + 5 * kMinute, "VSS", "", 8224, 0, {{"", ""}});
        r_.service_state(bk, snap + 5 * kMinute, "Volume Shadow Copy", "stopped");
    }

    Recorder& r_;
    const Network& net_;
    Rng& rng_;
    int day_;
    bool weekend_ = false, monday_ = false, tuesday_ = false;
    std::vector<ActiveSession>& sessions_;
};

}  // namespace

void add_benign_day(Recorder& r, int day, std::vector<ActiveSession>& sessions) {
    BenignDay(r, day, sessions).run();
}

}  // namespace vigie::scenario
