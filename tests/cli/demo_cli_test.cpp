// The hospital scenario hunted with the built-in pack: the attacked hosts stand out before the
// encryption day, and a normal week without the attack leaves every host quiet.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>

#include "cli_support.hpp"
#include "core/time.hpp"
#include "hunt/host_picture.hpp"
#include "scenario/scenario.hpp"

namespace {

using namespace vigie::test;
namespace scenario = vigie::scenario;

struct HostLine {
    int urgency_rank = 0;
    bool emergency = false;
    std::string stage;
};

// vigie hunt --hosts --format jsonl over `dir` (optionally up to `to`): host key -> its line.
std::map<std::string, HostLine> host_picture(const std::string& dir, const std::string& to = "") {
    const CommandResult r = run(kVigie + " hunt --hosts --format jsonl --no-summary" +
                                (to.empty() ? "" : " --to " + to) + " " + dir);
    EXPECT_LE(r.status, 1) << r.out;
    std::map<std::string, HostLine> hosts;
    simdjson::dom::parser parser;
    for (const std::string& l : lines(r.out)) {
        simdjson::dom::element e;
        if (parser.parse(l).get(e) != simdjson::SUCCESS) {
            ADD_FAILURE() << "not JSON: " << l;
            continue;
        }
        if (e["type"].get_string().value_unsafe() != "host") continue;
        HostLine h;
        h.urgency_rank = static_cast<int>(e["urgency_rank"].get_int64().value_unsafe());
        h.emergency = e["emergency"].get_bool().value_unsafe();
        h.stage = std::string(e["stage"].get_string().value_unsafe());
        hosts[vigie::hunt::host_key(e["host"].get_string().value_unsafe())] = h;
    }
    return hosts;
}

class DemoScenario : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("vigie-demo-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

constexpr int kCompromised = static_cast<int>(vigie::hunt::Urgency::kCompromised);

}  // namespace

TEST_F(DemoScenario, AttackedHostsStandOutBeforeTheEncryptionDay) {
    scenario::ScenarioOptions options;
    const auto manifest = scenario::write_hospital_scenario(options, dir_.string());
    ASSERT_TRUE(manifest) << manifest.error().to_string();
    ASSERT_NE(manifest->encryption_start, 0u);
    const std::string eve = vigie::core::format_iso8601_micros(manifest->encryption_start - 1);
    const auto hosts = host_picture(dir_.string(), eve);
    std::size_t emergencies = 0;
    for (const scenario::HostInfo& h : manifest->hosts) {
        const auto found = hosts.find(vigie::hunt::host_key(h.name));
        const int rank = found == hosts.end() ? 0 : found->second.urgency_rank;
        if (h.attacked) {
            EXPECT_GE(rank, kCompromised) << h.name << " was attacked but is not flagged";
        } else {
            EXPECT_LT(rank, kCompromised) << h.name << " was not attacked but is flagged";
        }
        if (found != hosts.end() && found->second.emergency) ++emergencies;
    }
    // Patient zero spread after stealing credentials; the servers lost their shadow copies,
    // backups and logs: emergencies while nothing is encrypted yet.
    EXPECT_GE(emergencies, 3u);
    for (const char* host : {"PC-ACCUEIL-07", "SRV-FICHIERS-01", "SRV-SAUVEGARDE"}) {
        EXPECT_TRUE(hosts.count(host) != 0 && hosts.at(host).emergency) << host;
    }
    // Days earlier, at the end of day 4 (credentials stolen, a first share mounted with them),
    // the workstation is already an emergency: that is the time to act.
    const auto day4 = host_picture(dir_.string(), "2019-11-14T23:59:59Z");
    ASSERT_TRUE(day4.count("PC-ACCUEIL-07") != 0);
    EXPECT_EQ(day4.at("PC-ACCUEIL-07").urgency_rank,
              static_cast<int>(vigie::hunt::Urgency::kSpreading));
    for (const auto& [key, h] : hosts) {
        EXPECT_NE(h.stage, "impact (encryption)") << key << ": impact before the encryption day";
    }
    // The whole week: encryption is seen where it ran.
    std::size_t impact = 0;
    for (const auto& [key, h] : host_picture(dir_.string()))
        impact += h.stage == "impact (encryption)";
    EXPECT_GE(impact, 1u);
}

TEST_F(DemoScenario, BenignWeekFlagsNoHost) {
    scenario::ScenarioOptions options;
    options.attack = false;
    const auto manifest = scenario::write_hospital_scenario(options, dir_.string());
    ASSERT_TRUE(manifest) << manifest.error().to_string();
    for (const auto& [key, h] : host_picture(dir_.string())) {
        EXPECT_LT(h.urgency_rank, kCompromised) << key << " flagged in a normal week";
    }
    // Nothing above low at all: the pack's building blocks stay informational.
    const CommandResult r =
        run(kVigie + " hunt --no-summary --min-level medium --format csv " + dir_.string());
    EXPECT_EQ(r.status, 1) << r.out;
}

TEST_F(DemoScenario, DemoCommandTellsTheStory) {
    const CommandResult r = run(kVigie + " demo --lang fr --output " + dir_.string() + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("la veille du chiffrement"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("URGENCE AVANT RANÇONGICIEL"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("PC-ACCUEIL-07"), std::string::npos) << r.out;
}
