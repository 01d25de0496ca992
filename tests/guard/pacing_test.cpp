// Pacing on the replay twin: parallel workers each with a file in flight. A job (and a user's
// jobs together) may have two existing files open for writing before any of its changes was
// judged; further opens wait for those to be judged. Ransomware that splits the work over
// eight workers, in one job or in separate sessions, then loses the files in flight only; a
// program that writes one file at a time never waits, and harmless parallel work earns a
// larger share as its changes are judged.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine_scenario.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;

constexpr int kWorkers = 8;

// Each worker opens its next file, then all close theirs: eight files in flight at once.
void parallel_rounds(ReplaySource& source, const std::vector<std::int32_t>& workers,
                     const std::vector<std::string>& paths,
                     const std::map<std::string, Bytes>& contents, bool harmless) {
    std::uint32_t seed = 1;
    for (std::size_t first = 0; first < paths.size(); first += workers.size()) {
        std::vector<std::pair<std::int32_t, std::string>> round;
        for (std::size_t w = 0; w < workers.size() && first + w < paths.size(); ++w) {
            const std::string& path = paths[first + w];
            const Bytes& before = contents.at(path);
            Bytes after = harmless ? text_bytes(before.size(), static_cast<int>(seed++) + 50)
                                   : random_bytes(before.size(), seed++);
            source.begin_write(workers[w], path, std::move(after));
            round.emplace_back(workers[w], path);
        }
        for (const auto& [pid, path] : round) source.end_write(pid, path);
    }
}

std::vector<std::string> keys_of(const std::map<std::string, Bytes>& files) {
    std::vector<std::string> out;
    for (const auto& [path, content] : files) out.push_back(path);
    return out;
}

TEST(GuardPacing, ParallelWorkersOfOneJobLoseOnlyTheFilesInFlight) {
    Scenario run;
    const auto files = mixed_share(run.source, 40);
    std::vector<std::int32_t> workers;
    run.source.add_process(process(6000, 6000));
    for (int w = 1; w <= kWorkers; ++w) {
        run.source.add_process(process(6000 + w, 6000));
        workers.push_back(6000 + w);
    }
    const auto paths = keys_of(files);
    parallel_rounds(run.source, workers, paths, files, false);
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].scope, "process tree");
    EXPECT_LE(run.landed(paths, files), 3);
    EXPECT_GE(run.engine->stats().held, 1u);
}

TEST(GuardPacing, WorkersInSeparateSessionsOfOneUserAreSummedAndPaced) {
    Scenario run;
    const auto files = mixed_share(run.source, 40);
    std::vector<std::int32_t> workers;
    for (int w = 1; w <= kWorkers; ++w) {
        // setsid: each worker its own session and process group, one user.
        run.source.add_process(process(6100 + w, 6100 + w, 1001));
        workers.push_back(6100 + w);
    }
    const auto paths = keys_of(files);
    parallel_rounds(run.source, workers, paths, files, false);
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_GE(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].scope, "user");
    // One change in flight at a time once the user is suspect: the loss is what the user's
    // threshold needs (150 points; a zip document rewritten as random bytes gives 35: its
    // content was high-entropy already, only its structure is lost), not eight in flight.
    EXPECT_LE(run.landed(paths, files), 5);
    // The workers that had not written yet are refused their files (the user is shut out).
    EXPECT_GE(run.engine->stats().denied, 1u);
    EXPECT_GE(run.engine->stats().held, 1u);
}

TEST(GuardPacing, AProgramThatWritesOneFileAtATimeNeverWaits) {
    Scenario run;
    std::map<std::string, Bytes> files;
    for (int i = 0; i < 20; ++i) {
        const std::string path = "/srv/share/RH/liste" + std::to_string(i) + ".csv";
        files[path] = text_bytes(20000, i);
        run.source.put(path, files[path]);
    }
    run.source.add_process(process(6200, 6200));
    int variant = 100;
    for (const auto& [path, content] : files)
        run.source.write(6200, path, text_bytes(content.size(), variant++));
    run.go();
    EXPECT_TRUE(run.ransomware().empty());
    EXPECT_EQ(run.engine->stats().held, 0u);
}

TEST(GuardPacing, HarmlessParallelWorkEarnsALargerShare) {
    Scenario run;
    std::map<std::string, Bytes> files;
    for (int i = 0; i < 64; ++i) {
        const std::string path = "/srv/share/RH/liste" + std::to_string(i) + ".csv";
        files[path] = text_bytes(20000, i);
        run.source.put(path, files[path]);
    }
    std::vector<std::int32_t> workers;
    run.source.add_process(process(6300, 6300));
    for (int w = 1; w <= kWorkers; ++w) {
        run.source.add_process(process(6300 + w, 6300));
        workers.push_back(6300 + w);
    }
    const auto paths = keys_of(files);
    parallel_rounds(run.source, workers, paths, files, true);
    run.go();
    EXPECT_TRUE(run.ransomware().empty());
    // Every edit landed; only the first rounds waited (the share doubles per harmless change).
    EXPECT_EQ(run.landed(paths, files), 64);
    EXPECT_GE(run.engine->stats().held, 1u);
    EXPECT_LE(run.engine->stats().held, 12u);
    ASSERT_EQ(run.engine->actors().size(), 1u);
    EXPECT_GE(run.engine->actors().begin()->second.harmless_changes, 60);
}

}  // namespace

namespace {

bool judged_while_open(const Alert& alert) {
    for (const FileEvidence& f : alert.files)
        for (const EvidencePart& p : f.parts)
            if (p.reason.starts_with("still open: ")) return true;
    return false;
}

}  // namespace

TEST(GuardPacing, ASuspectsFilesStillOpenAreJudgedBeforeTheyClose) {
    // Pacing off: eight files in flight at once. The first close makes the job a suspect; the
    // seven files its other workers still have open are judged as they are now, and the job is
    // stopped there, before any of them closes.
    Scenario run;
    run.config.writes_in_flight = 0;
    const auto files = mixed_share(run.source, 16);
    std::vector<std::int32_t> workers;
    run.source.add_process(process(6400, 6400));
    for (int w = 1; w <= kWorkers; ++w) {
        run.source.add_process(process(6400 + w, 6400));
        workers.push_back(6400 + w);
    }
    const auto paths = keys_of(files);
    parallel_rounds(run.source, workers, paths, files, false);
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_TRUE(judged_while_open(alerts[0]));
    EXPECT_GE(run.engine->stats().open_files_judged, 1u);
    // Stopped at the first close: the other closes never came.
    EXPECT_EQ(run.engine->stats().closes_assessed, 1u);
}
