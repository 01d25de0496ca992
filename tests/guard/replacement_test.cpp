// Atomic replace on the replay twin: a new file written whole, then renamed over an existing
// one. The rename is how editors, office suites, rsync and git save, so it is no evidence
// alone: the content that took the name is judged against the content it replaced, as an
// in-place rewrite would be. Without a journal, what the file held comes from the sample the
// guard kept when the writer opened it to read it.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine_scenario.hpp"
#include "guard/engine.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;

std::string temp_of(const std::string& path, int i) {
    const auto slash = path.rfind('/');
    std::string temp = path.substr(0, slash + 1);
    temp += '.';
    temp += path.substr(slash + 1);
    temp += ".tmp";
    temp += std::to_string(i);
    return temp;
}

std::vector<std::string> paths_of(const std::map<std::string, Bytes>& files) {
    std::vector<std::string> out;
    for (const auto& [path, content] : files) out.push_back(path);
    return out;
}

bool any_reason(const Alert& alert, std::string_view key, std::string_view text) {
    for (const FileEvidence& f : alert.files)
        for (const EvidencePart& p : f.parts)
            if (p.key == key && p.reason.find(text) != std::string::npos) return true;
    return false;
}

// Read each file, write its ciphertext to a temporary name beside it, rename that over it.
// Half the closes reach the guard after their rename (two fanotify queues).
TEST(GuardReplacement, RandomBytesRenamedOverDocumentsAreStoppedWithinThreeFiles) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(4242, 4242));
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.read_only(4242, path);
        run.source.replace(4242, temp_of(path, i), path, random_bytes(content.size(), 50 + i),
                           i % 2 == 1);
        ++i;
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].action, "suspended, killed");
    EXPECT_LE(alerts[0].files.size(), 3u);
    EXPECT_LE(run.landed(paths_of(files), files), 3);
    // Scored on the replaced file's name, as a rewrite of it.
    EXPECT_TRUE(files.contains(alerts[0].files.at(0).path)) << alert_to_json(alerts[0]);
    EXPECT_TRUE(any_reason(alerts[0], "structure_lost", "(rename)")) << alert_to_json(alerts[0]);
}

TEST(GuardReplacement, Base64RenamedOverDocumentsIsStoppedWithinThreeFiles) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(4343, 4343));
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.read_only(4343, path);
        run.source.replace(4343, temp_of(path, i), path,
                           base64_of(random_bytes(content.size(), 80 + i)), i % 2 == 0);
        ++i;
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_LE(run.landed(paths_of(files), files), 3);
    EXPECT_TRUE(any_reason(alerts[0], "became_base64", "(rename)")) << alert_to_json(alerts[0]);
}

// Text files only: random bytes where prose was, and base64 of ciphertext where prose was.
TEST(GuardReplacement, TextReplacedByRandomOrBase64IsEvidence) {
    for (const bool base64 : {false, true}) {
        SCOPED_TRACE(base64 ? "base64" : "random");
        Scenario run;
        std::map<std::string, Bytes> files;
        for (int i = 0; i < 12; ++i) {
            const std::string path = "/srv/share/RH/note" + std::to_string(i) + ".txt";
            files.emplace(path, text_bytes(30000, i));
            run.source.put(path, files.at(path));
        }
        run.source.add_process(process(4444, 4444));
        int i = 0;
        for (const auto& [path, content] : files) {
            const Bytes cipher = random_bytes(content.size(), 200 + i);
            run.source.read_only(4444, path);
            run.source.replace(4444, path + ".~tmp", path, base64 ? base64_of(cipher) : cipher);
            ++i;
        }
        run.go();
        const auto alerts = run.ransomware();
        ASSERT_EQ(alerts.size(), 1u);
        // Random bytes over text: random and structure lost (75 a file); base64 of
        // ciphertext over prose: 25 a file.
        EXPECT_LE(run.landed(paths_of(files), files), base64 ? 4 : 2);
    }
}

// What an office suite, an editor or rsync does: each document read, then a new valid
// version of the same kind renamed over it (docx and PDF re-saved, CSV and text edited);
// also an old file moved over another of another kind, which is no rewrite.
TEST(GuardReplacement, BenignSavesByRenameRaiseNothing) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(1000, 1000, 1000, "/usr/bin/soffice"));
    run.source.add_process(process(1001, 1001, 1000, "/usr/bin/mv"));
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.read_only(1000, path);
        Bytes saved;
        if (path.ends_with(".docx")) {
            saved = zip_document(500 + i, 70000);
        } else if (path.ends_with(".pdf")) {
            saved = pdf_document(500 + i);
        } else {
            // Edited: a line added in the middle.
            saved = content;
            const std::string line = "ajout;2019-11-17;Dr Martin;relu et corrige\n";
            saved.insert(saved.begin() + static_cast<long>(saved.size() / 2), line.begin(),
                         line.end());
        }
        run.source.replace(1000, temp_of(path, i), path, std::move(saved), i % 2 == 0);
        ++i;
    }
    run.source.put("/srv/share/RH/ancien.txt", text_bytes(5000, 77));
    run.source.rename(1001, "/srv/share/RH/ancien.txt", files.begin()->first);
    run.go();
    EXPECT_TRUE(run.ransomware().empty()) << alert_to_json(run.ransomware().at(0));
    for (const auto& [path, allowed] : run.source.answers()) EXPECT_TRUE(allowed) << path;
    EXPECT_EQ(run.engine->stats().replacements_assessed, 30u);
}

// Through an SMB client (libsmbclient) a rename over a file arrives as a delete of the file,
// then the rename onto the freed name: the same replacement.
TEST(GuardReplacement, DeleteThenRenameOntoTheFreedNameIsAReplacement) {
    Scenario run;
    const auto files = mixed_share(run.source, 30);
    run.source.add_process(process(4646, 4646));
    int i = 0;
    for (const auto& [path, content] : files) {
        run.source.read_only(4646, path);
        const std::string temp = temp_of(path, i);
        run.source.write(4646, temp, random_bytes(content.size(), 400 + i));
        run.source.remove(4646, path);
        run.source.rename(4646, temp, path);
        ++i;
    }
    run.go();
    const auto alerts = run.ransomware();
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_LE(run.landed(paths_of(files), files), 3);
    EXPECT_TRUE(any_reason(alerts[0], "structure_lost", "(rename)")) << alert_to_json(alerts[0]);
}

// A decoy replaced by rename is a decoy written.
TEST(GuardReplacement, ADecoyReplacedByRenameIsEvidence) {
    Scenario run;
    const std::string decoy = "/srv/share/Compta/.~budget-2019.xlsx";
    run.source.put(decoy, zip_document(3, 30000));
    run.config.decoys = {decoy};
    run.source.add_process(process(4545, 4545));
    run.source.read_only(4545, decoy);
    run.source.replace(4545, decoy + ".tmp", decoy, zip_document(4, 30000));
    run.go();
    const auto& actors = run.engine->actors();
    ASSERT_TRUE(actors.contains(4545));
    EXPECT_EQ(actors.at(4545).score, run.config.weights.decoy_written);
}

}  // namespace
