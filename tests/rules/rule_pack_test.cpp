// vigie's own rule pack (rules/): it loads whole, every rule follows the pack's conventions, and
// every rule file rules/windows/.../X.yml has fixtures tests/rules/fixtures/X.match.jsonl
// (events it must match) and X.nomatch.jsonl (benign look-alikes it must not match; they must
// also stay below level medium for the whole pack).
//
// Correlation rules (rules/windows/correlations/) are checked end to end: `vigie hunt` with the
// whole pack over X.match.jsonl must show each correlation of the file, and over X.nomatch.jsonl
// (wrong order, other hosts, just outside the window) none of them.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"
#include "core/input_stream.hpp"
#include "json/event_reader.hpp"
#include "sigma/rule_set.hpp"

namespace {

namespace fs = std::filesystem;
using vigie::sigma::Level;
using vigie::sigma::RuleInfo;
using vigie::sigma::RuleSet;

const fs::path kPackDir = fs::path(VIGIE_SOURCE_DIR) / "rules";
const fs::path kFixtureDir = fs::path(VIGIE_SOURCE_DIR) / "tests" / "rules" / "fixtures";

enum class Files { kAll, kDetection, kCorrelation };
constexpr std::string_view kCorrelationDir = "windows/correlations/";

/// Rule files of the pack, relative to rules/, sorted: all, or detection or correlation rules.
std::vector<std::string> rule_files(Files which = Files::kAll) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(kPackDir, ec), end; !ec && it != end;
         it.increment(ec)) {
        const fs::path& p = it->path();
        if (it->is_regular_file() && (p.extension() == ".yml" || p.extension() == ".yaml")) {
            std::string rel = fs::relative(p, kPackDir).generic_string();
            const bool correlation = rel.starts_with(kCorrelationDir);
            if (which == Files::kAll || correlation == (which == Files::kCorrelation)) {
                out.push_back(std::move(rel));
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string stem_of(const std::string& rule_file) {
    return fs::path(rule_file).stem().string();
}

std::string problems(const std::vector<vigie::sigma::RuleProblem>& list) {
    std::string s;
    for (const auto& p : list) {
        s += "  " + p.file + ":" + std::to_string(p.line) + " [" + p.rule + "] " + p.reason + "\n";
    }
    return s;
}

RuleSet load_rules(const fs::path& path) {
    RuleSet rules;
    const auto loaded = rules.load_path(path.string());
    EXPECT_TRUE(loaded.has_value()) << "cannot read " << path;
    rules.finalize();
    return rules;
}

/// The whole pack, loaded once for all tests.
const RuleSet& pack() {
    static const RuleSet rules = load_rules(kPackDir);
    return rules;
}

/// One fixture line read as an event, and what matched it.
struct FixtureResult {
    std::uint64_t line = 0;
    std::vector<const vigie::sigma::CompiledRule*> hits;
};

struct FixtureFile {
    bool present = false;
    std::vector<FixtureResult> events;
    std::uint64_t malformed = 0;
    std::vector<std::string> problems;
    std::uint64_t non_empty_lines = 0;
};

/// Reads a JSON Lines fixture and matches each event against `rules`.
FixtureFile run_fixture(const fs::path& path, const RuleSet& rules) {
    FixtureFile f;
    std::ifstream in(path, std::ios::binary);
    if (!in) return f;
    f.present = true;
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) ++f.non_empty_lines;
    }
    auto stream = vigie::core::memory_input_stream(text);
    vigie::sigma::RuleMatcher matcher(rules);
    const auto stats = vigie::json::read_json_events(
        *stream, {}, [&](const vigie::core::Event& e, const vigie::json::JsonEventInfo& info) {
            FixtureResult r;
            r.line = info.line;
            matcher.match(e, r.hits);
            f.events.push_back(std::move(r));
        });
    if (stats) {
        f.malformed = stats->malformed + stats->oversized;
        f.problems = stats->problems;
    } else {
        f.problems.push_back(stats.error().message);
    }
    return f;
}

std::string where(const fs::path& file, std::uint64_t line) {
    return fs::relative(file, VIGIE_SOURCE_DIR).generic_string() + ":" + std::to_string(line);
}

bool has_tag(const RuleInfo& info, const std::set<std::string>& wanted) {
    return std::any_of(info.tags.begin(), info.tags.end(),
                       [&](const std::string& t) { return wanted.count(t) != 0; });
}

const std::set<std::string> kTactics = {"attack.initial-access",  "attack.execution",
                                        "attack.persistence",     "attack.privilege-escalation",
                                        "attack.defense-evasion", "attack.credential-access",
                                        "attack.discovery",       "attack.lateral-movement",
                                        "attack.collection",      "attack.command-and-control",
                                        "attack.exfiltration",    "attack.impact"};

bool is_technique_tag(const std::string& tag) {
    static const std::regex technique(R"(attack\.t\d{4}(\.\d{3})?)");
    return std::regex_match(tag, technique);
}

// ---------------------------------------------------------------------------------------------
// The pack as a whole.

TEST(RulePack, LoadsWithoutRejectionsOrLostForms) {
    const auto& report = pack().report();
    EXPECT_GT(report.files, 0u);
    EXPECT_EQ(report.files, rule_files().size());
    EXPECT_EQ(report.loaded, report.documents) << "every rule loads";
    EXPECT_TRUE(report.rejected.empty()) << "rejected:\n" << problems(report.rejected);
    // A note says a rule loses something on one of its sources (a process_creation rule whose
    // selection tests only Sysmon-only fields, absent on Security 4688): none in the pack.
    EXPECT_TRUE(report.notes.empty()) << "notes:\n" << problems(report.notes);
}

TEST(RulePack, IdsAreUniqueAndNamedRulesExist) {
    std::map<std::string, std::string> by_id;
    std::map<std::string, std::string> by_name;
    std::map<std::string, const RuleInfo*> named;
    for (const auto& rule : pack().rules()) {
        const RuleInfo& info = *rule->info;
        auto [it, fresh] = by_id.emplace(info.id, info.file);
        EXPECT_TRUE(fresh || it->second == info.file)
            << "id " << info.id << " in " << info.file << " and " << it->second;
        if (!info.name.empty()) {
            auto [nt, nfresh] = by_name.emplace(info.name, info.file);
            EXPECT_TRUE(nfresh || nt->second == info.file)
                << "name " << info.name << " in " << info.file << " and " << nt->second;
            named[info.name] = &info;
        }
    }
    // Names the correlation rules refer to.
    for (const char* name :
         {"vigie_network_logon", "vigie_service_installed", "vigie_lsass_access",
          "vigie_lsass_dump", "vigie_mimikatz_command", "vigie_dcsync", "vigie_kerberoasting",
          "vigie_remote_execution_tool", "vigie_explicit_credentials_remote", "vigie_log_cleared",
          "vigie_shadow_copies_deleted"}) {
        EXPECT_EQ(named.count(name), 1u) << "no rule named " << name;
    }
    if (named.count("vigie_network_logon") != 0) {
        const RuleInfo& logon = *named["vigie_network_logon"];
        EXPECT_EQ(logon.level, Level::kInformational);
        for (const char* field :
             {"TargetUserName", "TargetDomainName", "IpAddress", "WorkstationName", "LogonType"}) {
            EXPECT_NE(std::find(logon.fields.begin(), logon.fields.end(), field),
                      logon.fields.end())
                << "vigie_network_logon fields lack " << field;
        }
    }
    if (named.count("vigie_service_installed") != 0) {
        const RuleInfo& service = *named["vigie_service_installed"];
        EXPECT_EQ(service.level, Level::kInformational);
        for (const char* field : {"ServiceName", "ImagePath", "ServiceFileName"}) {
            EXPECT_NE(std::find(service.fields.begin(), service.fields.end(), field),
                      service.fields.end())
                << "vigie_service_installed fields lack " << field;
        }
    }
    if (named.count("vigie_shadow_copies_deleted") != 0) {
        EXPECT_EQ(named["vigie_shadow_copies_deleted"]->id, "684f4d55-b5e9-51f2-bc1b-7f39f705ba3b");
    }
}

TEST(RulePack, EveryFixtureBelongsToARule) {
    std::set<std::string> stems;
    for (const std::string& f : rule_files()) stems.insert(stem_of(f));
    EXPECT_EQ(stems.size(), rule_files().size()) << "two rule files share a name";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(kFixtureDir, ec)) {
        const std::string name = entry.path().filename().string();
        std::string stem;
        for (const std::string suffix : {".match.jsonl", ".nomatch.jsonl"}) {
            if (name.size() > suffix.size() && name.ends_with(suffix)) {
                stem = name.substr(0, name.size() - suffix.size());
            }
        }
        EXPECT_FALSE(stem.empty()) << "unexpected file in fixtures: " << name;
        if (!stem.empty()) {
            EXPECT_EQ(stems.count(stem), 1u) << name << " names no rule file";
        }
    }
    EXPECT_FALSE(ec) << ec.message();
}

// ---------------------------------------------------------------------------------------------
// Each rule file.

class RulePackRule : public ::testing::TestWithParam<std::string> {
  protected:
    fs::path rule_path() const { return kPackDir / GetParam(); }
    fs::path fixture(const char* kind) const {
        return kFixtureDir / (stem_of(GetParam()) + "." + kind + ".jsonl");
    }
};

TEST_P(RulePackRule, FollowsTheConventions) {
    const RuleSet alone = load_rules(rule_path());
    ASSERT_TRUE(alone.report().rejected.empty()) << problems(alone.report().rejected);
    ASSERT_FALSE(alone.rules().empty());
    const RuleInfo& info = *alone.rules().front()->info;
    EXPECT_EQ(alone.report().loaded, 1u) << "one rule per file";
    EXPECT_EQ(info.author, "vigie");
    EXPECT_EQ(info.status, "experimental");
    EXPECT_TRUE(info.level_given) << "no level";
    EXPECT_FALSE(info.title.empty());
    EXPECT_FALSE(info.description.empty());
    EXPECT_FALSE(info.falsepositives.empty()) << "no falsepositives";
    EXPECT_TRUE(std::regex_match(info.date, std::regex(R"(\d{4}-\d{2}-\d{2})"))) << info.date;
    EXPECT_TRUE(std::regex_match(
        info.id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")))
        << "id " << info.id;
    EXPECT_EQ(info.logsource.product, "windows");
    EXPECT_TRUE(has_tag(info, kTactics)) << "no ATT&CK tactic tag";
    EXPECT_TRUE(std::any_of(info.tags.begin(), info.tags.end(), is_technique_tag))
        << "no ATT&CK technique tag";
    for (const std::string& tag : info.tags) {
        EXPECT_TRUE(kTactics.count(tag) != 0 || is_technique_tag(tag) ||
                    !tag.starts_with("attack."))
            << "malformed ATT&CK tag " << tag;
    }
    // The file name says the kind of log, as SigmaHQ's do.
    const std::string stem = stem_of(GetParam());
    EXPECT_TRUE(stem.starts_with("proc_") || stem.starts_with("file_") ||
                stem.starts_with("registry_") || stem.starts_with("pipe_") ||
                stem.starts_with("posh_") || stem.starts_with("win_") ||
                stem.starts_with("sysmon_"))
        << stem;
    // Fields the pack reads as text are written the published way.
    const YAML::Node doc = YAML::LoadFile(rule_path().string());
    if (doc["references"]) {
        EXPECT_TRUE(doc["references"].IsSequence());
        for (const auto& r : doc["references"]) {
            EXPECT_TRUE(r.as<std::string>().starts_with("https://")) << r.as<std::string>();
        }
    }
}

TEST_P(RulePackRule, MatchesItsFixturesAndNotItsNearMisses) {
    const RuleSet alone = load_rules(rule_path());
    ASSERT_TRUE(alone.report().rejected.empty()) << problems(alone.report().rejected);
    for (const char* kind : {"match", "nomatch"}) {
        const fs::path path = fixture(kind);
        const FixtureFile f = run_fixture(path, alone);
        ASSERT_TRUE(f.present) << "missing fixture " << where(path, 0);
        EXPECT_EQ(f.malformed, 0u) << path << ": " << ::testing::PrintToString(f.problems);
        EXPECT_EQ(f.events.size(), f.non_empty_lines) << path << ": one event per line";
        EXPECT_GE(f.events.size(), 1u) << path << " holds no event";
        const bool want = std::string(kind) == "match";
        for (const FixtureResult& r : f.events) {
            EXPECT_EQ(!r.hits.empty(), want)
                << where(path, r.line) << (want ? ": not matched" : ": matched, a near miss");
        }
    }
}

TEST_P(RulePackRule, NearMissesAreQuietForTheWholePack) {
    const fs::path path = fixture("nomatch");
    const FixtureFile f = run_fixture(path, pack());
    ASSERT_TRUE(f.present) << "missing fixture " << where(path, 0);
    for (const FixtureResult& r : f.events) {
        for (const auto* hit : r.hits) {
            EXPECT_LT(hit->info->level, Level::kMedium)
                << where(path, r.line) << ": matched by " << hit->info->file << " ("
                << vigie::sigma::level_name(hit->info->level) << ")";
        }
    }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = info.param.substr(0, info.param.rfind('.'));
    if (name.starts_with("windows/")) name = name.substr(8);
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Pack, RulePackRule, ::testing::ValuesIn(rule_files(Files::kDetection)),
                         test_name);

// ---------------------------------------------------------------------------------------------
// Each correlation file: one correlation shown, possibly with hidden building blocks before it.

class RulePackCorrelation : public ::testing::TestWithParam<std::string> {
  protected:
    fs::path rule_path() const { return kPackDir / GetParam(); }
    fs::path fixture(const char* kind) const {
        return kFixtureDir / (stem_of(GetParam()) + "." + kind + ".jsonl");
    }
    /// The correlations of this file, from the whole pack (their references cross files).
    std::vector<const vigie::sigma::CorrelationRule*> correlations() const {
        std::vector<const vigie::sigma::CorrelationRule*> out;
        for (const auto& c : pack().correlations()) {
            if (fs::path(c.spec.info->file) == rule_path()) out.push_back(&c);
        }
        return out;
    }
    /// Rule ids shown by `vigie hunt` with the pack over one fixture.
    std::multiset<std::string> shown_ids(const fs::path& events) const {
        const auto r =
            vigie::test::run(vigie::test::kVigie + " hunt --no-summary --format jsonl -r " +
                             kPackDir.string() + " '" + events.string() + "'");
        EXPECT_LE(r.status, 1) << r.out;
        std::multiset<std::string> ids;
        static const std::regex kId(R"re("rule_id":"([^"]*)")re");
        for (const std::string& l : vigie::test::lines(r.out)) {
            std::smatch m;
            if (std::regex_search(l, m, kId)) ids.insert(m[1]);
        }
        return ids;
    }
};

TEST_P(RulePackCorrelation, FollowsTheConventions) {
    const auto list = correlations();
    ASSERT_FALSE(list.empty()) << "no correlation loaded from " << GetParam();
    std::size_t shown = 0;
    for (const auto* c : list) {
        const RuleInfo& info = *c->spec.info;
        EXPECT_EQ(info.author, "vigie");
        EXPECT_EQ(info.status, "experimental");
        EXPECT_TRUE(info.level_given) << info.title << ": no level";
        EXPECT_FALSE(info.description.empty()) << info.title;
        EXPECT_FALSE(info.name.empty()) << info.title << ": correlations are named";
        EXPECT_TRUE(has_tag(info, kTactics)) << info.title << ": no ATT&CK tactic tag";
        EXPECT_TRUE(std::any_of(info.tags.begin(), info.tags.end(), is_technique_tag))
            << info.title << ": no ATT&CK technique tag";
        if (pack().shown(c->index)) {
            ++shown;
            EXPECT_FALSE(info.falsepositives.empty()) << info.title << ": no falsepositives";
        }
    }
    EXPECT_EQ(shown, 1u) << "one correlation shown per file (building blocks before it)";
    EXPECT_TRUE(stem_of(GetParam()).starts_with("corr_")) << GetParam();
}

TEST_P(RulePackCorrelation, FiresOnItsFixturesAndNotOnItsNearMisses) {
    std::set<std::string> expected;
    for (const auto* c : correlations()) {
        if (pack().shown(c->index)) expected.insert(c->spec.info->id);
    }
    ASSERT_FALSE(expected.empty());
    const fs::path match = fixture("match");
    const fs::path nomatch = fixture("nomatch");
    ASSERT_TRUE(fs::exists(match)) << "missing fixture " << match;
    ASSERT_TRUE(fs::exists(nomatch)) << "missing fixture " << nomatch;
    const auto fired = shown_ids(match);
    for (const std::string& id : expected) {
        EXPECT_EQ(fired.count(id), 1u) << GetParam() << " should fire once on " << match;
    }
    const auto quiet = shown_ids(nomatch);
    for (const std::string& id : expected) {
        EXPECT_EQ(quiet.count(id), 0u) << GetParam() << " fired on " << nomatch;
    }
}

INSTANTIATE_TEST_SUITE_P(Pack, RulePackCorrelation,
                         ::testing::ValuesIn(rule_files(Files::kCorrelation)), test_name);

}  // namespace
