// The per-host picture: stages from ATT&CK tags, urgency (spreading after credential theft,
// inhibited recovery, impact), lateral edges from the detections' fields, and the words.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "core/time.hpp"
#include "hunt/host_picture.hpp"
#include "hunt/host_report.hpp"

#include <random>

namespace {

using namespace vigie::hunt;
using vigie::sigma::Level;
using vigie::sigma::RuleInfo;

constexpr std::uint64_t kHour = 3600ULL * vigie::core::kTicksPerSecond;
constexpr std::uint64_t kT0 = 13'220'000'000ULL * vigie::core::kTicksPerSecond;

RuleInfo rule(std::string title, Level level, std::vector<std::string> tags) {
    RuleInfo r;
    r.title = std::move(title);
    r.level = level;
    r.tags = std::move(tags);
    return r;
}

const RuleInfo kMacro = rule("Office spawns shell", Level::kHigh,
                             {"attack.initial-access", "attack.execution", "attack.t1566.001"});
const RuleInfo kLsass =
    rule("LSASS access", Level::kHigh, {"attack.credential-access", "attack.t1003.001"});
const RuleInfo kPsexec = rule("Remote execution tool", Level::kHigh,
                              {"attack.lateral-movement", "attack.execution", "attack.t1021.002"});
const RuleInfo kAdminShare = rule("Executable on admin share", Level::kHigh,
                                  {"attack.lateral-movement", "attack.t1021.002"});
const RuleInfo kShadow =
    rule("Shadow copies deleted", Level::kCritical, {"attack.impact", "attack.t1490"});
const RuleInfo kNote = rule("Ransom note", Level::kCritical, {"attack.impact", "attack.t1486"});
const RuleInfo kDiscovery =
    rule("AdFind", Level::kMedium, {"attack.discovery", "attack.t1087.002"});
const RuleInfo kBlock =
    rule("Network logon", Level::kInformational, {"attack.lateral-movement", "attack.t1021"});

Detection at(std::uint64_t hours, std::string computer,
             std::vector<std::pair<std::string, std::string>> fields = {}) {
    Detection d;
    d.timestamp = kT0 + hours * kHour;
    d.computer = std::move(computer);
    d.fields = std::move(fields);
    return d;
}

const HostReport& host(const HostPicture& p, const std::string& key) {
    for (const HostReport& h : p.hosts) {
        if (host_key(h.host) == key) return h;
    }
    static HostReport none;
    ADD_FAILURE() << "no host " << key;
    return none;
}

}  // namespace

TEST(HostPicture, StagesComeFromTacticsAndTechniques) {
    EXPECT_EQ(stages_of(kMacro), (std::vector<Stage>{Stage::kInitialAccess, Stage::kExecution}));
    // T1490 under the impact tactic is recovery being inhibited, not the encryption itself.
    EXPECT_EQ(stages_of(kShadow), std::vector<Stage>{Stage::kInhibitRecovery});
    EXPECT_EQ(stages_of(kNote), std::vector<Stage>{Stage::kImpact});
    EXPECT_EQ(stages_of(rule("Defender off", Level::kHigh,
                             {"attack.defense-evasion", "attack.t1562.001"})),
              std::vector<Stage>{Stage::kInhibitRecovery});
    EXPECT_EQ(stages_of(rule("Old style", Level::kHigh, {"attack.credential_access"})),
              std::vector<Stage>{Stage::kCredentialAccess});
    EXPECT_TRUE(stages_of(rule("No ATT&CK", Level::kHigh, {"cve.2021-1675"})).empty());
}

TEST(HostPicture, HostNamesAreGroupedByShortName) {
    EXPECT_EQ(host_key("pc-accueil-07.chu.local"), "PC-ACCUEIL-07");
    EXPECT_EQ(host_key("10.20.4.57"), "10.20.4.57");
    HostPictureBuilder b;
    b.add(at(0, "PC-ACCUEIL-07.chu.local"), kMacro);
    b.add(at(1, "pc-accueil-07"), kDiscovery);
    const HostPicture p = b.finish();
    ASSERT_EQ(p.hosts.size(), 1u);
    EXPECT_EQ(p.hosts[0].host, "PC-ACCUEIL-07.chu.local");
    EXPECT_EQ(p.hosts[0].detections, 2u);
}

TEST(HostPicture, SpreadingAfterCredentialTheftIsAnEmergency) {
    HostPictureBuilder b;
    b.add(at(0, "PC-ACCUEIL-07.chu.local"), kMacro);
    b.add(at(48, "PC-ACCUEIL-07.chu.local", {{"GrantedAccess", "0x1010"}}), kLsass);
    // Source side: psexec run on the workstation against the file server.
    b.add(at(70, "PC-ACCUEIL-07.chu.local",
             {{"CommandLine", "psexec.exe \\\\SRV-FICHIERS-01 -u CHU\\adm-it cmd"},
              {"User", "CHU\\m.durand"}}),
          kPsexec);
    // Target side: the admin share write names the workstation and its address.
    b.add(at(70, "SRV-FICHIERS-01.chu.local",
             {{"SubjectUserName", "adm-it"},
              {"WorkstationName", "PC-ACCUEIL-07"},
              {"IpAddress", "10.20.4.57"}}),
          kAdminShare);
    const HostPicture p = b.finish();
    const HostReport& pc = host(p, "PC-ACCUEIL-07");
    EXPECT_EQ(pc.urgency, Urgency::kSpreading);
    EXPECT_EQ(pc.emergency_since, kT0 + 70 * kHour);
    EXPECT_EQ(host(p, "SRV-FICHIERS-01").urgency, Urgency::kCompromised);
    EXPECT_EQ(p.hosts[0].host, "PC-ACCUEIL-07.chu.local");  // most urgent first
    ASSERT_EQ(p.edges.size(), 2u);
    for (const LateralEdge& e : p.edges) {
        EXPECT_EQ(host_key(e.target), "SRV-FICHIERS-01");
        EXPECT_EQ(host_key(e.source.substr(0, e.source.find(' '))), "PC-ACCUEIL-07");
    }
}

TEST(HostPicture, LateralMovementBeforeCredentialTheftIsNotSpreading) {
    HostPictureBuilder b;
    b.add(at(10, "PC-1", {{"CommandLine", "psexec \\\\SRV-2 cmd"}}), kPsexec);
    b.add(at(20, "PC-1"), kLsass);
    EXPECT_EQ(host(b.finish(), "PC-1").urgency, Urgency::kCompromised);
}

TEST(HostPicture, InhibitedRecoveryAndImpactAreTheMostUrgent) {
    HostPictureBuilder b;
    b.add(at(0, "SRV-SAUVEGARDE"), kShadow);
    b.add(at(0, "PC-LABO"), kDiscovery);
    b.add(at(5, "SRV-FICHIERS"), kNote);
    b.add(at(1, "PC-RADIO"), kBlock);  // a building block alone moves nothing
    const HostPicture p = b.finish();
    ASSERT_EQ(p.hosts.size(), 4u);
    EXPECT_EQ(p.hosts[0].host, "SRV-FICHIERS");
    EXPECT_EQ(p.hosts[0].urgency, Urgency::kImpact);
    EXPECT_EQ(p.hosts[1].urgency, Urgency::kInhibitRecovery);
    EXPECT_EQ(p.hosts[2].urgency, Urgency::kSuspicious);
    EXPECT_EQ(p.hosts[3].urgency, Urgency::kNone);
    EXPECT_FALSE(p.hosts[3].furthest().has_value());
    EXPECT_TRUE(p.edges.empty());
}

TEST(HostPicture, ScoreAddsStageWeightsScaledByLevel) {
    HostPictureBuilder b;
    b.add(at(0, "PC"), kDiscovery);  // discovery 10 x medium 1
    b.add(at(1, "PC"), kMacro);      // initial access 10 + execution 10, x high 1.5
    EXPECT_EQ(b.finish().hosts[0].score, 40);
}

TEST(HostReport, EnglishAndFrenchWordsAndValidJsonLines) {
    HostPictureBuilder b;
    b.add(at(0, "SRV-SAUVEGARDE.chu.local", {{"User", "CHU\\adm-it"}}), kShadow);
    b.add(at(1, "SRV-SAUVEGARDE.chu.local",
             {{"WorkstationName", "PC-ACCUEIL-07"}, {"TargetUserName", "adm-it"}}),
          kAdminShare);
    const HostPicture p = b.finish();
    const std::string en = render_hosts_text(p, Language::kEnglish);
    EXPECT_NE(en.find("PRE-RANSOMWARE EMERGENCY"), std::string::npos) << en;
    EXPECT_NE(en.find("[x] inhibit recovery"), std::string::npos) << en;
    EXPECT_NE(en.find("<- from PC-ACCUEIL-07 as adm-it"), std::string::npos) << en;
    const std::string fr = render_hosts_text(p, Language::kFrench);
    EXPECT_NE(fr.find("URGENCE AVANT RANÇONGICIEL"), std::string::npos) << fr;
    EXPECT_NE(fr.find("[x] sabotage de la restauration"), std::string::npos) << fr;
    EXPECT_NE(fr.find("Que faire"), std::string::npos) << fr;
    EXPECT_EQ(parse_language("fr"), Language::kFrench);
    EXPECT_FALSE(parse_language("de"));

    const std::string jsonl = render_hosts_jsonl(p);
    simdjson::dom::parser parser;
    std::size_t hosts = 0, edges = 0;
    std::size_t start = 0;
    while (start < jsonl.size()) {
        const std::size_t end = jsonl.find('\n', start);
        simdjson::dom::element e;
        ASSERT_EQ(parser.parse(jsonl.substr(start, end - start)).get(e), simdjson::SUCCESS)
            << jsonl.substr(start, end - start);
        const std::string_view type = e["type"].get_string().value_unsafe();
        hosts += type == "host";
        edges += type == "lateral_edge";
        if (type == "host") {
            EXPECT_TRUE(e["emergency"].get_bool().value_unsafe());
            EXPECT_EQ(e["stage"].get_string().value_unsafe(), "inhibit recovery");
        }
        start = end + 1;
    }
    EXPECT_EQ(hosts, 1u);
    EXPECT_EQ(edges, 1u);
}

TEST(HostPicture, LowLevelLateralMovementAloneIsNotACompromise) {
    // An administrator reading C$ is logged by a low rule tagged lateral movement: context.
    const RuleInfo c_share = rule("Administrative share accessed", Level::kLow,
                                  {"attack.lateral-movement", "attack.t1021.002"});
    HostPictureBuilder b;
    b.add(at(0, "SRV-FICHIERS-01", {{"SubjectUserName", "adm-it"}, {"IpAddress", "10.20.4.61"}}),
          c_share);
    const HostPicture p = b.finish();
    EXPECT_EQ(p.hosts[0].urgency, Urgency::kNone);
    EXPECT_TRUE(p.hosts[0].stages[static_cast<std::size_t>(Stage::kLateralMovement)].reached);
}

TEST(HostPicture, AddressesAreNamedFromAnyDetectionThatPairsThem) {
    HostPictureBuilder b;
    // A building block not shown (a network logon) still tells whose address it is.
    b.learn_address(
        at(0, "DC01", {{"WorkstationName", "PC-ACCUEIL-07"}, {"IpAddress", "10.20.4.57"}}));
    b.add(at(1, "SRV-FICHIERS-01", {{"SubjectUserName", "adm-it"}, {"IpAddress", "10.20.4.57"}}),
          kAdminShare);
    const HostPicture p = b.finish();
    ASSERT_EQ(p.edges.size(), 1u);
    EXPECT_EQ(p.edges[0].source, "PC-ACCUEIL-07 (10.20.4.57)");
}

TEST(HostPicture, AddressesWithTwoNamesOrNamingTheTargetStayUnnamed) {
    HostPictureBuilder b;
    // Remote desktop with NLA logs the server's own name as the workstation.
    b.learn_address(at(0, "SRV-FICHIERS-01",
                       {{"WorkstationName", "SRV-FICHIERS-01"}, {"IpAddress", "10.20.4.21"}}));
    b.learn_address(at(0, "DC01", {{"WorkstationName", "PC-A"}, {"IpAddress", "10.20.4.99"}}));
    b.learn_address(at(1, "DC01", {{"WorkstationName", "PC-B"}, {"IpAddress", "10.20.4.99"}}));
    b.add(at(2, "SRV-FICHIERS-01", {{"IpAddress", "10.20.4.21"}}), kAdminShare);
    b.add(at(3, "SRV-FICHIERS-01", {{"IpAddress", "10.20.4.99"}}), kAdminShare);
    const HostPicture p = b.finish();
    ASSERT_EQ(p.edges.size(), 2u);
    EXPECT_EQ(p.edges[0].source, "10.20.4.21");
    EXPECT_EQ(p.edges[1].source, "10.20.4.99");
}

namespace {

// A live daemon gets detections shuffled: the picture must be the same for every order.
TEST(HostPicture, TheSameForEveryOrderOfArrival) {
    std::vector<std::pair<Detection, const RuleInfo*>> stream;
    for (int i = 0; i < 12; ++i) {
        const std::string account = "user" + std::to_string(i);
        stream.push_back(
            {at(i, i % 2 == 0 ? "PC-01" : "pc-01.chu.local", {{"TargetUserName", account}}),
             &kDiscovery});
        stream.push_back(
            {at(20 + i, "PC-01", {{"SubjectUserName", account}}), i % 3 == 0 ? &kLsass : &kMacro});
        stream.push_back({at(30 + i, "PC-01",
                             {{"CommandLine", "psexec \\\\SRV-0" + std::to_string(i % 3) + " cmd"},
                              {"User", "adm" + std::to_string(i % 4)}}),
                          &kPsexec});
    }
    stream.push_back({at(50, "SRV-01"), &kShadow});
    std::string reference;
    std::mt19937 random(7);
    for (int round = 0; round < 20; ++round) {
        HostPictureBuilder builder;
        for (const auto& [d, rule] : stream) builder.add(d, *rule);
        const std::string text = render_hosts_jsonl(builder.finish());
        if (round == 0) {
            reference = text;
            EXPECT_NE(text.find("\"host\":\"PC-01\""), std::string::npos) << text;
            EXPECT_NE(text.find("\"accounts\":[\"user0\",\"user1\""), std::string::npos) << text;
        } else {
            EXPECT_EQ(text, reference) << "round " << round;
        }
        std::shuffle(stream.begin(), stream.end(), random);
    }
}

}  // namespace
