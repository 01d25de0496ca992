// The engine on the replay twin, for files reached by another path than their place in a
// protected tree: through another name of the same inode, or after their folder was moved out
// of the tree. The fanotify source reports such opens (its marks are on the inodes); the
// engine judges them like any other change, and counts what leaves the tree.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine_scenario.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;

bool has_reason(const Alert& alert, const std::string& key) {
    for (const FileEvidence& f : alert.files)
        for (const EvidencePart& p : f.parts)
            if (p.key == key) return true;
    return false;
}

TEST(GuardPaths, WritesThroughAnotherNameAreJudgedAsTheFile) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(5100, 5100));
    std::uint32_t seed = 1;
    int n = 0;
    for (const auto& [path, content] : files)
        run.source.write_via(5100, "/tmp/elsewhere/name-" + std::to_string(++n), path,
                             random_bytes(content.size(), seed++));
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    std::vector<std::string> paths;
    for (const auto& [p, c] : files) paths.push_back(p);
    EXPECT_LE(run.landed(paths, files), 3);
    EXPECT_GE(run.landed(paths, files), 1);
}

TEST(GuardPaths, AFolderMovedOutAndChangedThereIsStopped) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(5200, 5200));
    run.source.move_directory(5200, "/srv/share/Compta", "/srv/away/Compta");
    std::map<std::string, Bytes> moved;
    for (const auto& [path, content] : files) {
        if (!path.starts_with("/srv/share/Compta/")) continue;
        moved.emplace("/srv/away/Compta/" + path.substr(18), content);
    }
    ASSERT_GE(moved.size(), 5u);
    std::uint32_t seed = 1;
    for (const auto& [path, content] : moved)
        run.source.write(5200, path, random_bytes(content.size(), seed++));
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    // Leaving the tree counted too, once for the folder.
    EXPECT_TRUE(has_reason(alerts[0], "moved_out"));
    std::vector<std::string> paths;
    for (const auto& [p, c] : moved) paths.push_back(p);
    EXPECT_LE(run.landed(paths, moved), 3);
}

TEST(GuardPaths, ManyFilesMovedOutAddUpOneFolderDoesNot) {
    {
        // One folder of ten documents moved elsewhere: a user tidying up.
        Scenario run;
        mixed_share(run.source, 30);
        run.source.add_process(process(5300, 5300));
        run.source.move_directory(5300, "/srv/share/RH", "/srv/away/RH");
        run.go();
        EXPECT_TRUE(run.ransomware().empty());
        ASSERT_EQ(run.engine->actors().size(), 1u);
        EXPECT_EQ(run.engine->actors().begin()->second.score, 40);
    }
    {
        // Thirty files taken out of the tree one by one.
        Scenario run;
        const auto files = mixed_share(run.source, 30);
        run.source.add_process(process(5400, 5400));
        int n = 0;
        for (const auto& [path, content] : files)
            run.source.rename(5400, path, "/srv/away/file-" + std::to_string(++n));
        run.go();
        const auto alerts = run.ransomware();
        ASSERT_EQ(alerts.size(), 1u);
        EXPECT_TRUE(has_reason(alerts[0], "moved_out"));
        EXPECT_LT(alerts[0].files_touched, 30u);
    }
}

}  // namespace
