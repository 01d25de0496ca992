// The guard's engine on the replay twin: scripted file work by scripted processes, the
// decisions it takes (answers, signals, alerts). Each attack pattern is contained within a
// few files; each benign pattern raises nothing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "engine_scenario.hpp"
#include "guard/decoys.hpp"
#include "guard/engine.hpp"
#include "guard/guard_loop.hpp"
#include "guard/replay_source.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;

TEST(GuardEngine, InPlaceEncryptionIsStoppedWithinThreeFiles) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(4242, 4242));
    std::uint32_t seed = 1;
    for (const auto& [path, content] : files)
        run.source.write(4242, path, random_bytes(content.size(), seed++));
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].actor, "4242-9242");
    EXPECT_EQ(alerts[0].scope, "process tree");
    EXPECT_GE(alerts[0].score, 100);
    EXPECT_LE(alerts[0].files.size(), 3u);
    EXPECT_EQ(alerts[0].action, "suspended, killed");
    // The group is stopped as one, then killed; nothing else of the group writes again.
    ASSERT_GE(run.control.group_signals.size(), 2u);
    EXPECT_EQ(run.control.group_signals[0], std::make_pair(4242, SIGSTOP));
    EXPECT_EQ(run.control.group_signals[1], std::make_pair(4242, SIGKILL));
    std::vector<std::string> paths;
    for (const auto& [p, c] : files) paths.push_back(p);
    EXPECT_LE(run.landed(paths, files), 3);
    // Stopped, the job opened nothing more.
    EXPECT_EQ(run.source.answers().size(), static_cast<std::size_t>(run.landed(paths, files)));
    // The alert explains itself.
    ASSERT_FALSE(alerts[0].files.empty());
    EXPECT_FALSE(alerts[0].files[0].parts.empty());
    EXPECT_NE(alert_to_json(alerts[0]).find("\"structure_lost\""), std::string::npos);
}

TEST(GuardEngine, WorkSplitOverChildProcessesAddsUpInTheirGroup) {
    Scenario run;
    const auto files = mixed_share(run.source, 24);
    // Eight workers forked by one parent: one job. Each encrypts 3 files.
    run.source.add_process(process(500, 500));
    for (int w = 0; w < 8; ++w) {
        run.source.add_process(process(501 + w, 500));
        run.control.tree.emplace_back(501 + w, 500);
    }
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.write(501 + (i % 8), path, random_bytes(content.size(), 100 + i));
        ++i;
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].process_group, 500);
    EXPECT_LE(alerts[0].files.size(), 3u);
    // Every worker that wrote is stopped, and the whole tree through the group.
    EXPECT_EQ(run.control.group_signals.at(0), std::make_pair(500, SIGSTOP));
    for (const std::int32_t pid : alerts[0].processes) EXPECT_TRUE(run.control.stopped(pid));
}

TEST(GuardEngine, UnrelatedProcessesOfOneUserAddUpInTheUser) {
    Scenario run;
    const auto files = mixed_share(run.source, 24);
    // Each worker in its own session and group (setsid): only the user ties them together.
    int i = 0;
    for (const auto& [path, content] : files) {
        const std::int32_t pid = 700 + i;
        run.source.add_process(process(pid, pid, 1001));
        run.source.write(pid, path, random_bytes(content.size(), 300 + i));
        ++i;
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_FALSE(alerts.empty());
    EXPECT_EQ(alerts[0].scope, "user");
    std::vector<std::string> paths;
    for (const auto& [p, c] : files) paths.push_back(p);
    EXPECT_LE(run.landed(paths, files), 5);
    // The user's later jobs are refused their files.
    int denied = 0;
    for (const auto& [path, allowed] : run.source.answers()) denied += !allowed;
    EXPECT_EQ(denied, 24 - run.landed(paths, files));
}

TEST(GuardEngine, EncryptedCopyThenDeleteOfTheOriginal) {
    Scenario run;
    const auto files = mixed_share(run.source, 12);
    run.source.add_process(process(900, 900));
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.write(900, path + ".enc", random_bytes(content.size(), 500 + i++));
        run.source.remove(900, path);
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_LE(alerts[0].files.size(), 2u);
    bool replaced = false;
    for (const auto& f : alerts[0].files)
        for (const auto& p : f.parts) replaced |= p.key == "replaced_by_copy";
    EXPECT_TRUE(replaced);
}

TEST(GuardEngine, RenameThenOverwriteAndClopNotes) {
    Scenario run;
    const auto files = mixed_share(run.source, 12);
    run.source.add_process(process(901, 901));
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.write(901, path, random_bytes(content.size(), 600 + i++));
        run.source.rename(901, path, path + ".CIop");
        const std::string dir = std::filesystem::path(path).parent_path().string();
        run.source.write(901, dir + "/ClopReadMe.txt", bytes_of("Placeholder note.\n"));
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    // The first file: its structure, its extension, and the note beside it.
    EXPECT_LE(alerts[0].files.size(), 2u);
    std::vector<std::string> paths;
    for (const auto& [p, c] : files) paths.push_back(p);
    EXPECT_EQ(run.landed(paths, files), 1);
    EXPECT_NE(alert_to_json(alerts[0]).find("ransomware_extension"), std::string::npos);
}

TEST(GuardEngine, IntermittentAndHeaderKeepingEncryption) {
    for (const bool keep_header_intact : {false, true}) {
        Scenario run;
        const auto files = mixed_share(run.source, 18);
        run.source.add_process(process(902, 902));
        int i = 0;
        for (const auto& [path, content] : files) {
            run.source.write(902, path,
                             keep_header_intact ? keep_header(content, 4096, 700 + i)
                                                : intermittent(content, 700 + i));
            ++i;
        }
        run.go();
        const auto alerts = run.ransomware();
        ASSERT_EQ(alerts.size(), 1u) << keep_header_intact;
        EXPECT_LE(alerts[0].files.size(), 3u) << keep_header_intact;
    }
}

TEST(GuardEngine, Base64OutputIsSeenDespiteItsLowEntropy) {
    Scenario run;
    const auto files = mixed_share(run.source, 18);
    run.source.add_process(process(903, 903));
    int i = 0;
    for (const auto& [path, content] : files)
        run.source.write(903, path, base64_of(random_bytes(content.size(), 800 + i++)));
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_LE(alerts[0].files.size(), 3u);
}

TEST(GuardEngine, BenignWorkRaisesNothing) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(1000, 1000, 1000, "/usr/bin/soffice"));
    run.source.add_process(process(1001, 1001, 1000, "/usr/bin/zstd"));
    run.source.add_process(process(1002, 1002, 1000, "/usr/bin/gpg"));
    run.source.add_process(process(1003, 1003, 1000, "/usr/bin/mv"));
    int i = 0;
    for (const auto& [path, content] : files) {
        if (path.ends_with(".docx")) {
            // Office save: a new version written to a temporary file, renamed over the file.
            const std::string temp = path + ".tmp" + std::to_string(i);
            run.source.write(1000, temp, zip_document(1000 + i, 60000));
            run.source.rename(1000, temp, path);
        } else if (path.ends_with(".csv")) {
            // Edited in place, still text.
            run.source.write(1000, path, text_bytes(25000, 2000 + i));
        }
        ++i;
    }
    // An archive of everything (high-entropy, but a known kind), one file encrypted by gpg
    // with its original deleted, and a user adding a date to every name.
    Bytes archive = random_bytes(900000, 9);
    const std::uint8_t zstd_magic[] = {0x28, 0xB5, 0x2F, 0xFD};
    std::copy(std::begin(zstd_magic), std::end(zstd_magic), archive.begin());
    run.source.write(1001, "/srv/share/Archives/sauvegarde.tar.zst", archive);
    const std::string one = files.begin()->first;
    run.source.write(1002, one + ".gpg", random_bytes(70000, 10));
    run.source.remove(1002, one);
    for (const auto& [path, content] : files) {
        if (path == one) continue;
        const std::filesystem::path p(path);
        run.source.rename(1003, path,
                          (p.parent_path() / ("2019-11-17 " + p.filename().string())).string());
    }
    run.go();
    EXPECT_TRUE(run.ransomware().empty()) << alert_to_json(run.ransomware().at(0));
    for (const auto& [path, allowed] : run.source.answers()) EXPECT_TRUE(allowed) << path;
}

TEST(GuardEngine, WritingADecoyIsEvidenceReadingOneIsNot) {
    Scenario run;
    const auto files = mixed_share(run.source, 6);
    const std::string decoy = "/srv/share/Compta/.Inventaire-materiel-2019.pdf";
    run.config.decoys = {decoy};
    run.source.put(decoy, pdf_document(1));
    run.source.add_process(process(990, 990, 1000, "/usr/bin/rsync"));
    run.source.add_process(process(991, 991));
    run.source.read_only(990, decoy);               // a backup reads everything
    run.source.write(991, decoy, pdf_document(2));  // still a PDF: only the decoy speaks
    run.go();
    ASSERT_EQ(run.engine->actors().size(), 2u);
    EXPECT_EQ(run.engine->actors().at(990).score, 0);
    EXPECT_EQ(run.engine->actors().at(991).score, EvidenceWeights{}.decoy_written);
}

TEST(GuardEngine, DryRunAlertsButNeitherSignalsNorDenies) {
    Scenario run;
    run.config.dry_run = true;
    const auto files = mixed_share(run.source, 12);
    run.source.add_process(process(950, 950));
    int i = 0;
    for (const auto& [path, content] : files)
        run.source.write(950, path, random_bytes(content.size(), 900 + i++));
    run.go();
    ASSERT_EQ(run.ransomware().size(), 1u);
    EXPECT_EQ(run.ransomware()[0].action, "none (dry run)");
    EXPECT_TRUE(run.control.signals.empty());
    EXPECT_TRUE(run.control.group_signals.empty());
    for (const auto& [path, allowed] : run.source.answers()) EXPECT_TRUE(allowed);
}

TEST(GuardEngine, TrustedProgramsAreNotScored) {
    Scenario run;
    const auto files = mixed_share(run.source, 12);
    run.source.add_process(process(960, 960, 0, "/opt/backup/bin/agent"));
    int i = 0;
    for (const auto& [path, content] : files)
        run.source.write(960, path, random_bytes(content.size(), 950 + i++));
    AllowList allow;
    allow.add({"/opt/backup/bin/agent", ""});
    run.go(std::move(allow));
    EXPECT_TRUE(run.ransomware().empty());
}

TEST(GuardEngine, OverflowIsReportedAndTheTreesWatchedAgain) {
    Scenario run;
    mixed_share(run.source, 3);
    run.source.overflow();
    run.go();
    ASSERT_EQ(run.alerts.alerts.size(), 1u);
    EXPECT_EQ(run.alerts.alerts[0].type, "overflow");
    EXPECT_EQ(run.alerts.alerts[0].files_touched, 3u);
    EXPECT_EQ(run.engine->stats().overflows, 1u);
    ASSERT_EQ(run.source.watched().size(), 1u);
    EXPECT_EQ(run.source.watched()[0], "/srv/share");
}

TEST(GuardEngine, NewDirectoriesAreWatched) {
    Scenario run;
    run.source.add_process(process(970, 970));
    run.source.make_directory(970, "/srv/share/Nouveau");
    run.go();
    ASSERT_EQ(run.source.watched().size(), 1u);
    EXPECT_EQ(run.source.watched()[0], "/srv/share/Nouveau");
}

TEST(GuardReplay, ARecordedStreamGivesTheSameDecisions) {
    const std::string file = (std::filesystem::temp_directory_path() /
                              ("vigie-replay-" + std::to_string(::getpid()) + ".jsonl"))
                                 .string();
    std::size_t first_alert_files = 0;
    {
        Scenario run;
        const auto files = mixed_share(run.source, 12);
        run.source.add_process(process(980, 980));
        int i = 0;
        for (const auto& [path, content] : files)
            run.source.write(980, path, random_bytes(content.size(), 990 + i++));
        ASSERT_TRUE(run.source.save(file));
        run.go();
        ASSERT_EQ(run.ransomware().size(), 1u);
        first_alert_files = run.ransomware()[0].files.size();
    }
    auto loaded = ReplaySource::load(file);
    std::filesystem::remove(file);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    RecordingControl control(**loaded);
    MemoryAlertSink alerts;
    GuardConfig config;
    config.protected_roots = {"/srv/share"};
    Engine engine(config, **loaded, control, alerts);
    run_replay(engine, **loaded);
    ASSERT_EQ(alerts.alerts.size(), 1u);
    EXPECT_EQ(alerts.alerts[0].actor, "980-5980");
    EXPECT_EQ(alerts.alerts[0].files.size(), first_alert_files) << alert_to_json(alerts.alerts[0]);
}

TEST(GuardReplay, ABadLineIsAnErrorWithItsLine) {
    const std::string file = (std::filesystem::temp_directory_path() /
                              ("vigie-bad-replay-" + std::to_string(::getpid()) + ".jsonl"))
                                 .string();
    {
        std::ofstream out(file);
        out << "{\"kind\":\"open\",\"pid\":1,\"path\":\"/a\"}\n{\"kind\":\"explode\"}\n";
    }
    auto loaded = ReplaySource::load(file);
    std::filesystem::remove(file);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().location.line, 2u);
    EXPECT_NE(loaded.error().message.find("explode"), std::string::npos);
}

}  // namespace

namespace {

TEST(GuardDecoys, PlantedOnceKeptOnRestartNeverOverAFile) {
    namespace fs = std::filesystem;
    const fs::path root =
        fs::temp_directory_path() / ("vigie-decoys-" + std::to_string(::getpid()));
    fs::remove_all(root);
    for (const char* d : {"A", "B", "C"}) fs::create_directories(root / d);
    // A user's own file where a decoy would go is left alone.
    { std::ofstream(root / "C" / kDecoyName) << "mine"; }
    const std::string list = (root.string() + ".list");
    auto first = plant_decoys({root.string()}, list, 8);
    ASSERT_TRUE(first) << first.error().to_string();
    EXPECT_EQ(first->size(), 3u);  // the root, A and B
    for (const std::string& d : *first) {
        std::ifstream in(d, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        EXPECT_TRUE(bytes.starts_with("%PDF-")) << d;
        EXPECT_NE(bytes.find("%%EOF"), std::string::npos) << d;
    }
    auto again = plant_decoys({root.string()}, list, 8);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *first);
    std::ifstream mine(root / "C" / kDecoyName);
    std::string text;
    mine >> text;
    EXPECT_EQ(text, "mine");
    fs::remove_all(root);
    fs::remove(list);
}

}  // namespace
