// What the simulator refuses to touch: a tree without its marker ("/", $HOME, any directory
// it did not generate), a corpus reached through a symbolic link, symbolic links inside the
// tree (to a file or a directory outside), hard links, mount points, files changed since
// generation or absent from the manifest, its own state; and where generate refuses to write.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "ransim/encrypt.hpp"
#include "ransim/recovery.hpp"
#include "ransim/strategies.hpp"
#include "ransim_support.hpp"

namespace {

using namespace vigie::ransim;
using namespace vigie::ransim::testing;

bool mentions(const std::vector<SkippedEntry>& skipped, const std::string& path,
              const std::string& words) {
    for (const SkippedEntry& s : skipped) {
        if (s.path == path && s.reason.find(words) != std::string::npos) return true;
    }
    return false;
}

EncryptOptions in_place() {
    EncryptOptions options;
    options.strategy = Strategy::kInPlace;
    options.delay_ms = 0;
    return options;
}

using Refusal = ScratchTest;

TEST_F(Refusal, ATreeWithoutTheMarker) {
    const fs::path dir = scratch_ / "documents";
    fs::create_directories(dir / "Compta");
    const Bytes content = {'b', 'i', 'l', 'a', 'n'};
    write_bytes(dir / "Compta" / "bilan.xlsx", content);
    const auto encrypted = encrypt(dir.string(), in_place());
    ASSERT_FALSE(encrypted);
    EXPECT_NE(encrypted.error().message.find("marker"), std::string::npos);
    const auto decrypted = decrypt(dir.string(), {});
    ASSERT_FALSE(decrypted);
    EXPECT_NE(decrypted.error().message.find("marker"), std::string::npos);
    ASSERT_FALSE(verify(dir.string()));
    EXPECT_EQ(read_bytes(dir / "Compta" / "bilan.xlsx"), content);
    EXPECT_FALSE(fs::exists(dir / ".vigie-ransim"));  // not even a key directory
}

TEST_F(Refusal, TheFileSystemRootAndHome) {
    const auto root = encrypt("/", in_place());
    ASSERT_FALSE(root);
    EXPECT_NE(root.error().message.find("root of the file system"), std::string::npos);
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0' && fs::is_directory(home) &&
        !fs::exists(fs::path(home) / ".vigie-ransim-corpus")) {
        const auto refused = encrypt(home, in_place());
        ASSERT_FALSE(refused);
        EXPECT_NE(refused.error().message.find("marker"), std::string::npos);
        EXPECT_FALSE(fs::exists(fs::path(home) / ".vigie-ransim"));
    }
}

TEST_F(Refusal, ACorpusReachedThroughASymbolicLink) {
    const std::string dir = make_corpus(20);
    fs::create_directory_symlink(dir, scratch_ / "link");
    const auto refused = encrypt((scratch_ / "link").string(), in_place());
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("symbolic link"), std::string::npos);
    EXPECT_FALSE(decrypt((scratch_ / "link").string(), {}));
    EXPECT_FALSE(verify((scratch_ / "link").string()));
    EXPECT_TRUE(verify(dir)->clean());
}

TEST_F(Refusal, ForgedOrLinkedMarkersAndAForeignManifest) {
    const std::string dir = make_corpus(20);
    const fs::path marker = fs::path(dir) / ".vigie-ransim-corpus";
    const Bytes good = read_bytes(marker);
    fs::permissions(marker, fs::perms::owner_write, fs::perm_options::add);
    write_bytes(marker, Bytes{'h', 'i', '\n'});
    EXPECT_FALSE(encrypt(dir, in_place()));
    fs::remove(marker);
    write_bytes(scratch_ / "elsewhere", good);
    fs::create_symlink(scratch_ / "elsewhere", marker);
    EXPECT_FALSE(encrypt(dir, in_place()));
    fs::remove(marker);
    // The marker of another corpus: its id is not the manifest's.
    const std::string other = make_corpus(20, 141, "other");
    fs::copy_file(fs::path(other) / ".vigie-ransim-corpus", marker);
    const auto foreign = encrypt(dir, in_place());
    ASSERT_FALSE(foreign);
    EXPECT_NE(foreign.error().message.find("corpus id"), std::string::npos);
    fs::remove(marker);
    write_bytes(marker, good);
    EXPECT_TRUE(verify(dir)->clean());
}

TEST_F(Refusal, PathsOutsideTheTreeOrIntoItsState) {
    const std::string dir = make_corpus(20);
    const auto root = CorpusRoot::open(dir);
    ASSERT_TRUE(root);
    for (const char* path : {"../x", "/etc/passwd", "Compta/../../x", "", "./a",
                             ".vigie-ransim/manifest.tsv", ".vigie-ransim-corpus"}) {
        EXPECT_FALSE(root->open_file(path, O_RDWR)) << path;
    }
}

TEST_F(Refusal, GenerateIntoANonEmptyDirectoryOrASymbolicLink) {
    fs::create_directories(scratch_ / "busy");
    write_bytes(scratch_ / "busy" / "keep.txt", Bytes{'k'});
    const auto busy = generate((scratch_ / "busy").string(), {});
    ASSERT_FALSE(busy);
    EXPECT_NE(busy.error().message.find("not empty"), std::string::npos);
    fs::create_directories(scratch_ / "empty");
    fs::create_directory_symlink(scratch_ / "empty", scratch_ / "empty-link");
    EXPECT_FALSE(generate((scratch_ / "empty-link").string(), {}));
    EXPECT_TRUE(fs::is_empty(scratch_ / "empty"));
}

using Confinement = ScratchTest;

// For each strategy: links planted in the tree (a manifest file replaced by a link to a file
// outside, a new link, a link to a directory outside) are skipped and reported; nothing
// outside changes, neither during encrypt nor during decrypt.
TEST_F(Confinement, SymbolicLinksInsideTheTreeAreNeverFollowed) {
    const std::string dir = make_corpus(30);
    const Manifest manifest = load_manifest(dir);
    const fs::path outside = scratch_ / "outside";
    fs::create_directories(outside);
    const Bytes victim_content = {'s', 'e', 'c', 'r', 'e', 't', '\n'};
    write_bytes(outside / "victim.docx", victim_content);
    const std::string replaced = manifest.files[3].path;
    fs::remove(fs::path(dir) / replaced);
    fs::create_symlink(outside / "victim.docx", fs::path(dir) / replaced);
    fs::create_directories(fs::path(dir) / "Compta");
    fs::create_symlink(outside / "victim.docx", fs::path(dir) / "Compta" / "raccourci.xlsx");
    fs::create_directories(fs::path(dir) / "Patients");
    fs::create_directory_symlink(outside, fs::path(dir) / "Patients" / "partage");

    // One strategy per way of reaching files (the others share these code paths).
    for (const Strategy strategy :
         {Strategy::kInPlace, Strategy::kCopyDelete, Strategy::kRenameOverwrite, Strategy::kBase64,
          Strategy::kMultiProcess, Strategy::kMmap, Strategy::kClop, Strategy::kAtomicReplace}) {
        const StrategyInfo& info = strategy_info(strategy);
        SCOPED_TRACE(info.name);
        EncryptOptions options;
        options.strategy = info.strategy;
        options.workers = 2;
        options.delay_ms = 0;
        options.key_dir = (scratch_ / ("keys-" + std::string(info.name))).string();
        const auto report = encrypt(dir, options);
        ASSERT_TRUE(report) << report.error().to_string();
        EXPECT_EQ(report->encrypted, 29u);
        EXPECT_TRUE(mentions(report->skipped, replaced, "symbolic link"));
        EXPECT_TRUE(mentions(report->skipped, "Compta/raccourci.xlsx", "symbolic link"));
        EXPECT_TRUE(mentions(report->skipped, "Patients/partage", "symbolic link"));
        EXPECT_EQ(read_bytes(outside / "victim.docx"), victim_content);
        EXPECT_EQ(std::distance(fs::directory_iterator(outside), fs::directory_iterator()), 1);

        DecryptOptions undo;
        undo.key_dir = options.key_dir;
        const auto restored = decrypt(dir, undo);
        ASSERT_TRUE(restored);
        EXPECT_EQ(restored->restored, 29u);
        ASSERT_EQ(restored->unrecoverable.size(), 1u);  // the link is not a file of ours
        EXPECT_EQ(restored->unrecoverable[0].path, replaced);
        EXPECT_EQ(read_bytes(outside / "victim.docx"), victim_content);
        EXPECT_TRUE(fs::is_symlink(fs::path(dir) / replaced));
    }
    const auto root = CorpusRoot::open(dir);
    ASSERT_TRUE(root);
    EXPECT_FALSE(root->open_file("Patients/partage/victim.docx", O_RDONLY));
    EXPECT_FALSE(root->open_file("Compta/raccourci.xlsx", O_RDONLY));
}

TEST_F(Confinement, AHardLinkedFileIsNeverWritten) {
    const std::string dir = make_corpus(30);
    const Manifest manifest = load_manifest(dir);
    const std::string linked = manifest.files[5].path;
    const Bytes original = read_bytes(fs::path(dir) / linked);
    fs::create_directories(scratch_ / "outside");
    fs::create_hard_link(fs::path(dir) / linked, scratch_ / "outside" / "same-inode");
    const auto report = encrypt(dir, in_place());
    ASSERT_TRUE(report);
    EXPECT_EQ(report->encrypted, 29u);
    EXPECT_TRUE(mentions(report->skipped, linked, "hard link"));
    EXPECT_EQ(read_bytes(scratch_ / "outside" / "same-inode"), original);
    const auto root = CorpusRoot::open(dir);
    ASSERT_TRUE(root);
    EXPECT_FALSE(root->open_file(linked, O_RDWR));
    EXPECT_FALSE(root->remove_file(linked));
    ASSERT_TRUE(decrypt(dir, {}));
    EXPECT_TRUE(verify(dir)->clean());
}

// Renaming a new file over a hard-linked one would write nothing to it, but the name would
// no longer be that file's: atomic-replace leaves it, and leaves no temporary file beside it.
TEST_F(Confinement, AHardLinkedFileIsNeverReplaced) {
    const std::string dir = make_corpus(30);
    const Manifest manifest = load_manifest(dir);
    const std::string linked = manifest.files[5].path;
    fs::create_directories(scratch_ / "outside");
    fs::create_hard_link(fs::path(dir) / linked, scratch_ / "outside" / "same-inode");
    EncryptOptions options = in_place();
    options.strategy = Strategy::kAtomicReplace;
    const auto report = encrypt(dir, options);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->encrypted, 29u);
    EXPECT_TRUE(mentions(report->skipped, linked, "hard link"));
    EXPECT_TRUE(fs::equivalent(fs::path(dir) / linked, scratch_ / "outside" / "same-inode"));
    EXPECT_FALSE(fs::exists(fs::path(dir) / replacement_temp_path(linked)));
    ASSERT_TRUE(decrypt(dir, {}));
    fs::remove(scratch_ / "outside" / "same-inode");
    EXPECT_TRUE(verify(dir)->clean());
}

TEST_F(Confinement, LinksOnlyInAVouchedForDirectoryAreAllowed) {
    // A guard's journal links every protected file; told so, the simulator writes them. A
    // file with a name anywhere else is still never written.
    const std::string dir = make_corpus(30);
    const Manifest manifest = load_manifest(dir);
    const fs::path journal = scratch_ / "journal";
    const fs::path elsewhere = scratch_ / "elsewhere";
    fs::create_directories(journal);
    fs::create_directories(elsewhere);
    for (std::size_t i = 0; i < manifest.files.size(); ++i)
        fs::create_hard_link(fs::path(dir) / manifest.files[i].path,
                             journal / ("link-" + std::to_string(i)));
    const std::string twice = manifest.files[7].path;
    fs::create_hard_link(fs::path(dir) / twice, elsewhere / "other-name");
    const Bytes kept = read_bytes(elsewhere / "other-name");
    EncryptOptions options = in_place();
    options.allow_links_in = journal.string();
    const auto report = encrypt(dir, options);
    ASSERT_TRUE(report) << report.error().to_string();
    EXPECT_EQ(report->encrypted, 29u);
    EXPECT_TRUE(mentions(report->skipped, twice, "hard link"));
    EXPECT_EQ(read_bytes(elsewhere / "other-name"), kept);
    // The vouched-for directory may not be inside the corpus.
    options.allow_links_in = (fs::path(dir) / "Compta").string();
    EXPECT_FALSE(encrypt(dir, options));
    DecryptOptions undo;
    undo.allow_links_in = journal.string();
    ASSERT_TRUE(decrypt(dir, undo));
    fs::remove(elsewhere / "other-name");
    fs::remove_all(journal);
    EXPECT_TRUE(verify(dir)->clean());
}

TEST_F(Confinement, AMountPointIsNotEntered) {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
    const std::string dir = make_corpus(30);
    const fs::path mount_point = fs::path(dir) / "Imagerie" / "montage";
    fs::create_directories(mount_point);
    if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) {
        fs::remove(mount_point);
        GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    }
    const Bytes inside = {'o', 't', 'h', 'e', 'r', ' ', 'f', 's'};
    write_bytes(mount_point / "serveur.txt", inside);
    const auto report = encrypt(dir, in_place());
    const Bytes after = read_bytes(mount_point / "serveur.txt");
    ::umount2(mount_point.c_str(), MNT_DETACH);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->encrypted, 30u);
    EXPECT_TRUE(mentions(report->skipped, "Imagerie/montage", "another file system"));
    EXPECT_EQ(after, inside);
    fs::remove(mount_point);
    ASSERT_TRUE(decrypt(dir, {}));
    EXPECT_TRUE(verify(dir)->clean());
}

TEST_F(Confinement, FilesChangedSinceGenerationOrUnknownAreLeftAlone) {
    const std::string dir = make_corpus(30);
    const Manifest manifest = load_manifest(dir);
    const std::string changed = manifest.files[2].path;
    Bytes edited = read_bytes(fs::path(dir) / changed);
    edited.push_back('\n');
    write_bytes(fs::path(dir) / changed, edited);
    const Bytes unknown = {'n', 'e', 'w'};
    write_bytes(fs::path(dir) / "nouveau.txt", unknown);

    const auto report = encrypt(dir, in_place());
    ASSERT_TRUE(report);
    EXPECT_EQ(report->encrypted, 29u);
    EXPECT_TRUE(mentions(report->skipped, changed, "no longer matches"));
    EXPECT_TRUE(mentions(report->skipped, "nouveau.txt", "not in the manifest"));
    EXPECT_EQ(read_bytes(fs::path(dir) / changed), edited);
    EXPECT_EQ(read_bytes(fs::path(dir) / "nouveau.txt"), unknown);

    const auto restored = decrypt(dir, {});
    ASSERT_TRUE(restored);
    EXPECT_EQ(restored->restored, 29u);
    ASSERT_EQ(restored->unrecoverable.size(), 1u);
    EXPECT_EQ(read_bytes(fs::path(dir) / changed), edited);  // reported, never overwritten
    const auto check = verify(dir);
    ASSERT_TRUE(check);
    EXPECT_EQ(check->changed, std::vector<std::string>{changed});
    EXPECT_EQ(check->extra, std::vector<std::string>{"nouveau.txt"});
}

}  // namespace
