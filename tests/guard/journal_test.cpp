// The guard's journal and `restore` on a real file system (no fanotify needed): what an actor
// did is undone newest first, files come back byte for byte, a second run changes nothing,
// and a damaged journal or an interrupted write is never trusted.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "guard/journal.hpp"
#include "guard/restore.hpp"
#include "guard_test_data.hpp"

namespace {

using namespace vigie::guard;
using namespace vigie::guard::testing;
namespace fs = std::filesystem;

class JournalTest : public ::testing::Test {
  protected:
    void SetUp() override {
        base_ = fs::temp_directory_path() /
                ("vigie-journal-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base_);
        tree_ = base_ / "partage";
        fs::create_directories(tree_ / "Compta");
        for (int i = 0; i < 6; ++i) {
            const fs::path p = tree_ / "Compta" / ("facture" + std::to_string(i) + ".docx");
            write_bytes(p, zip_document(i, 40000));
            original_[p.string()] = read_text(p);
        }
        JournalOptions options;
        options.directory = (base_ / "journal").string();
        auto journal = Journal::open(options);
        ASSERT_TRUE(journal) << journal.error().to_string();
        journal_ = std::move(*journal);
        journal_->link_trees({tree_.string()});
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(base_, ec);
    }

    // What the guard does when `actor` opens `path` for writing: keep it first.
    void before_write(const std::string& actor, const fs::path& path) {
        struct stat st {};
        ASSERT_EQ(::stat(path.c_str(), &st), 0);
        FsEvent open;
        open.kind = FsEventKind::kOpen;
        open.path = path.string();
        open.file = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
        open.size = static_cast<std::uint64_t>(st.st_size);
        open.mode = st.st_mode & 07777;
        open.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
        const int fd = ::open(path.c_str(), O_RDONLY);
        auto kept = journal_->keep_content(
            actor, open, [&](std::uint64_t offset, std::span<std::uint8_t> out) {
                const ssize_t n = ::pread(fd, out.data(), out.size(), static_cast<off_t>(offset));
                return vigie::core::Result<std::size_t>(static_cast<std::size_t>(n < 0 ? 0 : n));
            });
        ::close(fd);
        ASSERT_TRUE(kept) << kept.error().to_string();
    }
    RestoreReport restore_actor(const std::string& actor, bool dry_run = false) {
        RestoreOptions o;
        o.journal = journal_->directory();
        o.actors = {actor};
        o.dry_run = dry_run;
        auto r = restore(o);
        EXPECT_TRUE(r) << r.error().to_string();
        return r ? *r : RestoreReport{};
    }
    bool all_original() const {
        for (const auto& [path, bytes] : original_)
            if (!fs::exists(path) || read_text(path) != bytes) return false;
        std::size_t files = 0;
        for (const auto& e : fs::recursive_directory_iterator(tree_)) files += e.is_regular_file();
        return files == original_.size();
    }

    fs::path base_, tree_;
    std::map<std::string, std::string> original_;
    std::unique_ptr<Journal> journal_;
};

TEST_F(JournalTest, ClopStyleInPlaceRenameAndNoteAreUndoneAndASecondRunChangesNothing) {
    for (const auto& [path, bytes] : original_) {
        before_write("42-1", path);
        write_bytes(path, random_bytes(bytes.size(), 9));
        fs::rename(path, path + ".CIop");
        journal_->renamed("42-1", path, path + ".CIop", false);
    }
    const fs::path note = tree_ / "Compta" / "ClopReadMe.txt";
    write_bytes(note, bytes_of("placeholder\n"));
    journal_->created("42-1", note.string(), false);
    ASSERT_FALSE(all_original());
    const RestoreReport first = restore_actor("42-1");
    EXPECT_EQ(first.failures(), 0u);
    EXPECT_TRUE(all_original());
    const RestoreReport second = restore_actor("42-1");
    EXPECT_EQ(second.failures(), 0u);
    EXPECT_TRUE(second.steps.empty()) << second.steps[0].path << ": " << second.steps[0].action;
    EXPECT_EQ(second.unchanged, second.records);
}

TEST_F(JournalTest, EncryptedCopiesAndDeletedOriginalsAreUndone) {
    for (const auto& [path, bytes] : original_) {
        write_bytes(path + ".enc", random_bytes(bytes.size(), 3));
        journal_->created("43-1", path + ".enc", false);
        fs::remove(path);
        journal_->deleted("43-1", path, false);
    }
    EXPECT_EQ(restore_actor("43-1").failures(), 0u);
    EXPECT_TRUE(all_original());
}

TEST_F(JournalTest, AFileReplacedByARenameComesBack) {
    // An actor writes a new version beside a file and renames it over the file.
    const std::string target = original_.begin()->first;
    const fs::path temp = tree_ / "Compta" / "lu1234.tmp";
    write_bytes(temp, random_bytes(5000, 4));
    journal_->created("44-1", temp.string(), false);
    fs::rename(temp, target);
    journal_->renamed("44-1", temp.string(), target, false);
    EXPECT_EQ(restore_actor("44-1").failures(), 0u);
    EXPECT_TRUE(all_original());
}

TEST_F(JournalTest, AFolderTakenOutChangedAndBroughtBackIsRestoredInPlace) {
    // The folder leaves the tree, its files are changed there (recorded under the outside
    // name), it comes back; then a second folder is taken out and left there.
    const fs::path away = base_ / "ailleurs" / "Compta";
    fs::create_directories(away.parent_path());
    fs::rename(tree_ / "Compta", away);
    journal_->renamed("45-1", (tree_ / "Compta").string(), away.string(), true);
    for (int i = 0; i < 3; ++i) {
        const fs::path p = away / ("facture" + std::to_string(i) + ".docx");
        before_write("45-1", p);
        write_bytes(p, random_bytes(40000, 20 + i));
    }
    fs::rename(away, tree_ / "Compta");
    journal_->renamed("45-1", away.string(), (tree_ / "Compta").string(), true);
    // A hard link made outside: the write through it is recorded under the protected name.
    const fs::path target = tree_ / "Compta" / "facture4.docx";
    const fs::path other = base_ / "ailleurs" / "lien";
    fs::create_hard_link(target, other);
    before_write("45-1", other);
    write_bytes(other, random_bytes(40000, 30));
    ASSERT_FALSE(all_original());
    const RestoreReport first = restore_actor("45-1");
    EXPECT_EQ(first.failures(), 0u);
    EXPECT_TRUE(all_original());
    EXPECT_FALSE(fs::exists(away));
    // The round trip is not undone step by step: nothing moves on a second run.
    const RestoreReport second = restore_actor("45-1");
    EXPECT_EQ(second.failures(), 0u);
    EXPECT_TRUE(second.steps.empty()) << second.steps[0].path << ": " << second.steps[0].action;
}

TEST_F(JournalTest, DryRunChangesNothingAndOtherActorsAreLeftAlone) {
    const std::string a = original_.begin()->first;
    const std::string b = std::next(original_.begin())->first;
    before_write("45-1", a);
    write_bytes(a, random_bytes(100, 1));
    before_write("46-1", b);
    write_bytes(b, bytes_of("edited by a person\n"));
    const RestoreReport dry = restore_actor("45-1", true);
    EXPECT_EQ(dry.steps.size(), 1u);
    EXPECT_NE(read_text(a), original_[a]);
    EXPECT_EQ(restore_actor("45-1").failures(), 0u);
    EXPECT_EQ(read_text(a), original_[a]);
    EXPECT_EQ(read_text(b), "edited by a person\n");  // another actor's work is not undone
}

TEST_F(JournalTest, OneVersionIsKeptOnceAndTheLogSurvivesARestart) {
    const std::string a = original_.begin()->first;
    before_write("47-1", a);
    before_write("47-1", a);  // opened twice, unchanged in between: one blob
    EXPECT_EQ(journal_->stats().blobs_written, 1u);
    EXPECT_EQ(journal_->stats().records, 2u);
    journal_.reset();
    JournalOptions options;
    options.directory = (base_ / "journal").string();
    auto reopened = Journal::open(options);
    ASSERT_TRUE(reopened);
    journal_ = std::move(*reopened);
    write_bytes(a, random_bytes(300, 2));
    before_write("47-2", a);
    auto contents = read_journal(options.directory + "/journal.log");
    ASSERT_TRUE(contents);
    ASSERT_EQ(contents->records.size(), 3u);
    EXPECT_EQ(contents->records[2].sequence, 3u);  // numbering goes on after the restart
    EXPECT_EQ(restore_actor("47-1").failures(), 0u);
    EXPECT_EQ(read_text(a), original_[a]);
}

TEST_F(JournalTest, ADamagedOrCutLogLineIsNeverTrusted) {
    const std::string a = original_.begin()->first;
    before_write("48-1", a);
    write_bytes(a, random_bytes(100, 5));
    const std::string log = journal_->directory() + "/journal.log";
    std::string text = read_text(log);
    // A crash in the middle of the next line, and a flipped byte in the first.
    text += text.substr(0, text.size() / 2);
    text[10] = text[10] == '1' ? '2' : '1';
    std::ofstream(log, std::ios::binary | std::ios::trunc) << text;
    auto contents = read_journal(log);
    ASSERT_TRUE(contents);
    EXPECT_EQ(contents->records.size(), 0u);
    EXPECT_EQ(contents->damaged_lines, 2u);
    RestoreOptions o;
    o.journal = journal_->directory();
    o.all = true;
    auto r = restore(o);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->damaged_lines, 2u);
    EXPECT_TRUE(r->steps.empty());  // nothing written from a record that failed its check
}

TEST_F(JournalTest, AHalfWrittenBlobIsRemovedAndABadBlobNeverReplacesAFile) {
    const std::string dir = journal_->directory();
    write_bytes(dir + "/blobs/.tmp-1-1", random_bytes(100, 6));
    const std::string a = original_.begin()->first;
    before_write("49-1", a);
    write_bytes(a, random_bytes(100, 7));
    // The blob is damaged after the fact: restore must refuse it and leave the file alone.
    for (const auto& e : fs::directory_iterator(dir + "/blobs")) {
        if (e.path().extension() != ".zst") continue;
        std::string bytes = read_text(e.path());
        bytes[bytes.size() / 2] ^= 0x5a;
        std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << bytes;
    }
    const std::string encrypted = read_text(a);
    const RestoreReport r = restore_actor("49-1");
    EXPECT_EQ(r.failures(), 1u);
    EXPECT_EQ(read_text(a), encrypted);
    for (const auto& e : fs::directory_iterator(tree_ / "Compta"))
        EXPECT_FALSE(e.path().filename().string().starts_with(".vigie-restore")) << e.path();
    journal_.reset();
    JournalOptions options;
    options.directory = dir;
    ASSERT_TRUE(Journal::open(options));
    EXPECT_FALSE(fs::exists(dir + "/blobs/.tmp-1-1"));
}

TEST_F(JournalTest, RestoreNeedsToBeToldWhat) {
    RestoreOptions o;
    o.journal = journal_->directory();
    auto r = restore(o);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("--actor"), std::string::npos);
}

}  // namespace

namespace {

TEST_F(JournalTest, OverItsSizeTheJournalDropsHarmlessJobsFirst) {
    const std::string a = original_.begin()->first;
    const std::string b = std::next(original_.begin())->first;
    before_write("50-1", a);  // the job that was stopped
    before_write("51-1", b);  // a job judged harmless
    std::uint64_t a_bytes = 0;
    std::string a_blob;
    auto contents = read_journal(journal_->directory() + "/journal.log");
    ASSERT_TRUE(contents);
    for (const JournalRecord& r : contents->records) {
        if (r.actor != "50-1") continue;
        a_blob = journal_->directory() + "/blobs/" + r.sha256 + ".zst";
        struct stat st {};
        ASSERT_EQ(::stat(a_blob.c_str(), &st), 0);
        a_bytes = static_cast<std::uint64_t>(st.st_blocks) * 512;
    }
    const std::string dir = journal_->directory();
    journal_.reset();
    JournalOptions options;
    options.directory = dir;
    options.max_bytes = a_bytes;
    auto small = Journal::open(options);
    ASSERT_TRUE(small);
    (*small)->expire({"50-1"});
    int blobs = 0;
    for (const auto& e : fs::directory_iterator(dir + "/blobs")) blobs += e.is_regular_file();
    EXPECT_EQ(blobs, 1);
    EXPECT_TRUE(fs::exists(a_blob));
    // Past the age limit everything goes; restore then says what it could not do.
    small->reset();
    options.max_age = std::chrono::hours(0);
    options.max_bytes = 1ULL << 40;
    auto old = Journal::open(options);
    ASSERT_TRUE(old);
    (*old)->expire({"50-1"});
    EXPECT_FALSE(fs::exists(a_blob));
    write_bytes(a, random_bytes(100, 8));
    RestoreOptions o;
    o.journal = dir;
    o.actors = {"50-1"};
    auto r = restore(o);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->failures(), 1u);
    EXPECT_NE(r->steps[0].reason.find("no longer in the journal"), std::string::npos);
}

}  // namespace
