// The simulated ransomware: every strategy changes every file of a small corpus in its own
// way, and decrypt brings the corpus back byte for byte; so do runs stopped by --limit or
// killed with SIGKILL in the middle, and files cut in the middle of a write (every cut point
// of every strategy). The key is on disk before the first file is touched; multi-process
// really runs in several processes.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <set>
#include <thread>

#include "ransim/base64.hpp"
#include "ransim/encrypt.hpp"
#include "ransim/recovery.hpp"
#include "ransim/strategies.hpp"
#include "ransim_support.hpp"

namespace {

using namespace vigie::ransim;
using namespace vigie::ransim::testing;

std::vector<Strategy> all_strategies() {
    std::vector<Strategy> out;
    for (const StrategyInfo& info : strategy_table()) out.push_back(info.strategy);
    return out;
}

std::string test_name(const ::testing::TestParamInfo<Strategy>& info) {
    std::string name(strategy_info(info.param).name);
    for (char& c : name) {
        if (c == '-') c = '_';
    }
    return name;
}

EncryptOptions quick(Strategy strategy) {
    EncryptOptions options;
    options.strategy = strategy;
    options.workers = 3;
    options.delay_ms = strategy == Strategy::kSlow ? 1 : 0;
    return options;
}

void expect_clean(const std::string& dir) {
    const auto report = verify(dir);
    ASSERT_TRUE(report) << report.error().to_string();
    EXPECT_TRUE(report->clean());
    for (const auto& p : report->missing) ADD_FAILURE() << "missing " << p;
    for (const auto& p : report->changed) ADD_FAILURE() << "changed " << p;
    for (const auto& p : report->extra) ADD_FAILURE() << "extra " << p;
}

// ---- every strategy on a small corpus ------------------------------------------------------

class EveryStrategy : public ScratchTest, public ::testing::WithParamInterface<Strategy> {};

TEST_P(EveryStrategy, ChangesEveryFileThenDecryptRestoresTheCorpus) {
    const Strategy strategy = GetParam();
    const std::string dir = make_corpus(30);
    const Manifest manifest = load_manifest(dir);
    const auto report = encrypt(dir, quick(strategy));
    ASSERT_TRUE(report) << report.error().to_string();
    EXPECT_EQ(report->planned, 30u);
    EXPECT_EQ(report->encrypted, 30u);
    EXPECT_TRUE(report->skipped.empty());

    // Originals, rebuilt from the plan, to see which bytes each strategy changed.
    GenerateOptions generated;
    generated.files = 30;
    generated.seed = 141;
    std::map<std::string, PlannedFile> plan;
    for (PlannedFile& file : plan_corpus(generated)) plan.emplace(file.path, std::move(file));

    const std::string suffix(strategy_info(strategy).suffix);
    std::set<std::string> folders;
    for (const ManifestEntry& entry : manifest.files) {
        SCOPED_TRACE(entry.path);
        const fs::path original = fs::path(dir) / entry.path;
        if (!suffix.empty()) {
            EXPECT_FALSE(fs::exists(original));
        }
        const Bytes now =
            read_bytes(suffix.empty() ? original : fs::path(original.string() + suffix));
        ASSERT_FALSE(entry.matches(now));
        const Bytes before = build_file(plan.at(entry.path));
        ASSERT_TRUE(entry.matches(before));
        folders.insert(fs::path(entry.path).parent_path().string());
        switch (strategy) {
            case Strategy::kBase64:
                EXPECT_EQ(now.size(), base64_size(before.size()));
                EXPECT_TRUE(base64_decode(now).has_value());
                break;
            case Strategy::kIntermittent16:
                EXPECT_TRUE(std::equal(now.begin() + 16, now.begin() + 32, before.begin() + 16));
                EXPECT_FALSE(std::equal(now.begin(), now.begin() + 16, before.begin()));
                break;
            case Strategy::kIntermittentHead:
                EXPECT_FALSE(std::equal(now.begin(), now.begin() + 4096, before.begin()));
                if (now.size() > kHeadBytes) {
                    EXPECT_TRUE(std::equal(now.begin() + kHeadBytes, now.end(),
                                           before.begin() + kHeadBytes));
                }
                break;
            case Strategy::kIntermittentSkipHeader: {
                // The first 4 KiB stay (half of a file under 8 KiB).
                const auto kept = static_cast<long>(selected_bytes(strategy, now.size()).begin);
                EXPECT_EQ(kept, now.size() > 8192 ? 4096 : static_cast<long>(now.size() / 2));
                EXPECT_TRUE(std::equal(now.begin(), now.begin() + kept, before.begin()));
                EXPECT_FALSE(std::equal(now.begin() + kept, now.end(), before.begin() + kept));
                break;
            }
            case Strategy::kAtomicReplace:
                // The ciphertext arrived under a temporary name, renamed over the original.
                EXPECT_EQ(now.size(), before.size());
                EXPECT_FALSE(std::equal(now.begin(), now.begin() + 64, before.begin()));
                EXPECT_FALSE(fs::exists(fs::path(dir) / replacement_temp_path(entry.path)));
                EXPECT_EQ(fs::path(replacement_temp_path(entry.path)).parent_path(),
                          fs::path(entry.path).parent_path());
                EXPECT_NE(replacement_temp_path(entry.path).find(".tmp"), std::string::npos);
                break;
            default:
                EXPECT_EQ(now.size(), before.size());
                EXPECT_FALSE(std::equal(now.begin(), now.begin() + 64, before.begin()));
                break;
        }
    }
    if (strategy == Strategy::kClop) {
        for (const std::string& folder : folders) {
            const Bytes note = read_bytes(fs::path(dir) / folder / std::string(kClopNoteName));
            EXPECT_EQ(std::string(note.begin(), note.end()), clop_note_text()) << folder;
        }
    }
    if (strategy == Strategy::kMultiProcess) {
        EXPECT_EQ(report->worker_pids.size(), 3u);
    }

    const auto unchanged = verify(dir);
    ASSERT_TRUE(unchanged);
    EXPECT_EQ(unchanged->identical, 0u);
    EXPECT_EQ(unchanged->missing.size() + unchanged->changed.size(), 30u);

    const auto restored = decrypt(dir, {});
    ASSERT_TRUE(restored) << restored.error().to_string();
    EXPECT_EQ(restored->restored, 30u);
    EXPECT_TRUE(restored->unrecoverable.empty());
    expect_clean(dir);
    EXPECT_FALSE(fs::exists(fs::path(dir) / ".vigie-ransim" / "key"));
}

INSTANTIATE_TEST_SUITE_P(Ransim, EveryStrategy, ::testing::ValuesIn(all_strategies()), test_name);

// ---- runs cut short ------------------------------------------------------------------------

using Interrupted = ScratchTest;

TEST_F(Interrupted, LimitStopsAfterNFilesAndDecryptRestoresThem) {
    const std::string dir = make_corpus(30);
    EncryptOptions options = quick(Strategy::kInPlace);
    options.limit = 7;
    const auto report = encrypt(dir, options);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->encrypted, 7u);
    const auto check = verify(dir);
    ASSERT_TRUE(check);
    EXPECT_EQ(check->changed.size(), 7u);
    EXPECT_EQ(check->identical, 23u);
    const auto restored = decrypt(dir, {});
    ASSERT_TRUE(restored);
    EXPECT_EQ(restored->restored, 7u);
    EXPECT_EQ(restored->intact, 23u);
    expect_clean(dir);
}

// A run killed while writing a temporary file, or between its fsync and the rename, leaves
// it beside an intact original: decrypt removes it and touches nothing else.
TEST_F(Interrupted, AtomicReplaceTemporaryFilesLeftByAKillAreRemoved) {
    const std::string dir = make_corpus(30);
    EncryptOptions options = quick(Strategy::kAtomicReplace);
    options.limit = 5;
    const auto report = encrypt(dir, options);
    ASSERT_TRUE(report) << report.error().to_string();
    EXPECT_EQ(report->encrypted, 5u);
    const auto check = verify(dir);
    ASSERT_TRUE(check);
    ASSERT_EQ(check->changed.size(), 5u);
    std::vector<std::string> intact;
    const Manifest manifest = load_manifest(dir);
    for (const ManifestEntry& entry : manifest.files)
        if (std::find(check->changed.begin(), check->changed.end(), entry.path) ==
            check->changed.end())
            intact.push_back(entry.path);
    ASSERT_GE(intact.size(), 2u);
    // One cut short in the middle of its write, one whole but never renamed.
    const Bytes whole = read_bytes(fs::path(dir) / intact[1]);
    write_bytes(fs::path(dir) / replacement_temp_path(intact[0]), Bytes(1000, 0x5a));
    write_bytes(fs::path(dir) / replacement_temp_path(intact[1]), Bytes(whole.size(), 0xa5));
    const auto leftovers = verify(dir);
    ASSERT_TRUE(leftovers);
    EXPECT_EQ(leftovers->extra.size(), 2u);

    const auto restored = decrypt(dir, {});
    ASSERT_TRUE(restored) << restored.error().to_string();
    EXPECT_EQ(restored->restored, 5u);
    EXPECT_EQ(restored->leftovers_removed, 2u);
    EXPECT_TRUE(restored->unrecoverable.empty());
    EXPECT_FALSE(fs::exists(fs::path(dir) / replacement_temp_path(intact[0])));
    EXPECT_EQ(read_bytes(fs::path(dir) / intact[1]), whole);
    expect_clean(dir);
}

// The guard's restore gives the original inode back under the name and may leave the
// ciphertext under the temporary name (a restore cut short): decrypt still ends clean.
TEST_F(Interrupted, AtomicReplaceCiphertextUnderTheTemporaryNameIsRestored) {
    const std::string dir = make_corpus(30);
    EncryptOptions options = quick(Strategy::kAtomicReplace);
    options.limit = 3;
    ASSERT_TRUE(encrypt(dir, options));
    const auto check = verify(dir);
    ASSERT_TRUE(check);
    ASSERT_EQ(check->changed.size(), 3u);
    const std::string moved = check->changed[0];
    fs::rename(fs::path(dir) / moved, fs::path(dir) / replacement_temp_path(moved));
    const auto restored = decrypt(dir, {});
    ASSERT_TRUE(restored) << restored.error().to_string();
    EXPECT_EQ(restored->restored, 3u);
    EXPECT_TRUE(restored->unrecoverable.empty());
    expect_clean(dir);
}

class KilledMidway : public ScratchTest, public ::testing::WithParamInterface<Strategy> {};

// A child process runs the encryption; as soon as the progress log shows a file started
// after eight are done, the whole process group gets SIGKILL, in the middle of that file.
TEST_P(KilledMidway, DecryptRestoresEverything) {
    const Strategy strategy = GetParam();
    const std::string dir = make_corpus(30);
    const fs::path log = fs::path(dir) / ".vigie-ransim" / "progress.log";
    // Orphaned workers of multi-process come back to this process, to be reaped.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::setpgid(0, 0);
        EncryptOptions options = quick(strategy);
        options.delay_ms = 2;
        (void)encrypt(dir, options);
        ::_exit(0);
    }
    ::setpgid(child, child);
    std::size_t done = 0, started = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto lines = file_lines(log);
        started = count_prefixed(lines, "start ");
        done = count_prefixed(lines, "done ");
        if (done >= 8 && started > done) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::kill(-child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    while (::waitpid(-1, nullptr, 0) > 0) {
    }
    EXPECT_GE(done, 8u);
    EXPECT_LT(done, 30u);

    const auto restored = decrypt(dir, {});
    ASSERT_TRUE(restored) << restored.error().to_string();
    for (const SkippedEntry& lost : restored->unrecoverable) {
        ADD_FAILURE() << lost.path << ": " << lost.reason;
    }
    EXPECT_GE(restored->restored, done);
    expect_clean(dir);
}

INSTANTIATE_TEST_SUITE_P(Ransim, KilledMidway, ::testing::ValuesIn(all_strategies()), test_name);

// ---- files cut in the middle of a write ----------------------------------------------------

ManifestEntry sample_entry(Bytes& content) {
    Random random(99);
    content.clear();
    random.append_bytes(content, 5 * kBlockSize + 1234);
    // Low-entropy stretches too, as documents have.
    std::fill(content.begin() + 6000, content.begin() + 9000, 'A');
    return describe("Patients/2019/DUPONT_Marie_123/compte-rendu.pdf", content);
}

Key sample_key() {
    Key key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return key;
}

TEST(Recovery, EveryCutOfAnInPlaceWriteIsRestored) {
    Bytes original;
    const ManifestEntry entry = sample_entry(original);
    const Key key = sample_key();
    for (const Strategy strategy : all_strategies()) {
        if (strategy == Strategy::kBase64) continue;
        SCOPED_TRACE(strategy_info(strategy).name);
        const auto stream = file_keystream(strategy, key, entry.path, original.size());
        Bytes full = original;
        for (std::size_t i = 0; i < full.size(); ++i) full[i] ^= stream[i];
        // Writes go forward: ciphertext before the cut, the original after it. Cuts at and
        // around block boundaries, and inside blocks.
        std::vector<std::size_t> cuts = {0, original.size() - 1, original.size()};
        for (std::size_t b = kBlockSize; b < original.size(); b += kBlockSize) {
            cuts.insert(cuts.end(), {b - 1, b, b + 1});
        }
        for (std::size_t cut = 5; cut < original.size(); cut += 1021) cuts.push_back(cut);
        for (const std::size_t cut : cuts) {
            Bytes disk = original;
            std::copy(full.begin(), full.begin() + static_cast<long>(cut), disk.begin());
            const auto restored = restore_content(strategy, key, entry, disk);
            ASSERT_TRUE(restored.has_value()) << "cut at " << cut;
            ASSERT_EQ(*restored, original);
        }
        ASSERT_EQ(*restore_content(strategy, key, entry, full), original);
        // Something else's change is not mistaken for ciphertext.
        Bytes foreign = full;
        foreign[2 * kBlockSize + 10] ^= 0x40;
        EXPECT_FALSE(restore_content(strategy, key, entry, foreign).has_value());
        Bytes wrong_key_stream = full;
        Key other = key;
        other[0] ^= 1;
        EXPECT_FALSE(restore_content(strategy, other, entry, wrong_key_stream).has_value());
    }
}

TEST(Recovery, EveryCutOfTheBase64RewriteIsRestored) {
    Bytes original;
    const ManifestEntry entry = sample_entry(original);
    const Key key = sample_key();
    const auto stream = file_keystream(Strategy::kBase64, key, entry.path, original.size());
    Bytes cipher = original;
    for (std::size_t i = 0; i < cipher.size(); ++i) cipher[i] ^= stream[i];
    const Bytes text = base64_encode(cipher);
    const auto plan = base64_write_plan(original.size());
    // The plan covers the whole encoding exactly once.
    std::uint64_t covered = 0;
    for (const WritePiece& piece : plan) covered += piece.length;
    ASSERT_EQ(covered, text.size());

    Bytes disk = original;
    for (const WritePiece& piece : plan) {
        // The kernel stops a killed write at a page boundary of the file.
        std::vector<std::uint64_t> cuts = {piece.offset};
        for (std::uint64_t b = (piece.offset / 4096 + 1) * 4096; b < piece.offset + piece.length;
             b += 4096) {
            cuts.push_back(b);
        }
        for (const std::uint64_t cut : cuts) {
            Bytes partial = disk;
            if (partial.size() < cut) partial.resize(cut);
            std::copy(text.begin() + static_cast<long>(piece.offset),
                      text.begin() + static_cast<long>(cut),
                      partial.begin() + static_cast<long>(piece.offset));
            const auto restored = restore_content(Strategy::kBase64, key, entry, partial);
            ASSERT_TRUE(restored.has_value()) << "piece at " << piece.offset << ", cut at " << cut;
            ASSERT_EQ(*restored, original);
        }
        if (disk.size() < piece.offset + piece.length) disk.resize(piece.offset + piece.length);
        std::copy(text.begin() + static_cast<long>(piece.offset),
                  text.begin() + static_cast<long>(piece.offset + piece.length),
                  disk.begin() + static_cast<long>(piece.offset));
    }
    ASSERT_EQ(disk, text);
    ASSERT_EQ(*restore_content(Strategy::kBase64, key, entry, disk), original);
}

TEST(Cipher, ChaCha20AndRc4MatchTheirReferenceVectors) {
    // RFC 8439, 2.4.2: the sunscreen text with counter 1.
    Key key{};
    for (std::size_t i = 0; i < 32; ++i) key[i] = static_cast<std::uint8_t>(i);
    const Nonce nonce = {0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0};
    const std::string plain =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.";
    Bytes data(plain.begin(), plain.end());
    ChaCha20(key, nonce).apply(data, 64);
    const Bytes expected_start = {0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80,
                                  0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81};
    EXPECT_TRUE(std::equal(expected_start.begin(), expected_start.end(), data.begin()));
    EXPECT_EQ(data[plain.size() - 1], 0x4d);
    // Any offset gives the same keystream as a run from the start.
    Bytes whole(300, 0), pieces(300, 0);
    ChaCha20(key, nonce).apply(whole, 0);
    ChaCha20(key, nonce).apply(std::span(pieces).subspan(0, 77), 0);
    ChaCha20(key, nonce).apply(std::span(pieces).subspan(77), 77);
    EXPECT_EQ(whole, pieces);
    // RC4: key "Key", plaintext "Plaintext".
    const std::string rc4_key = "Key";
    Bytes text = {'P', 'l', 'a', 'i', 'n', 't', 'e', 'x', 't'};
    Rc4(std::span(reinterpret_cast<const std::uint8_t*>(rc4_key.data()), rc4_key.size()))
        .apply(text);
    EXPECT_EQ(text, (Bytes{0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3}));
}

// ---- processes, pacing, key ----------------------------------------------------------------

using EncryptRun = ScratchTest;

TEST_F(EncryptRun, MultiProcessSharesTheFilesAmongRealChildProcesses) {
    const std::string dir = make_corpus(30);
    EncryptOptions options = quick(Strategy::kMultiProcess);
    options.workers = 4;
    const auto report = encrypt(dir, options);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->encrypted, 30u);
    ASSERT_EQ(report->worker_pids.size(), 4u);
    const std::set<std::int64_t> pids(report->worker_pids.begin(), report->worker_pids.end());
    EXPECT_EQ(pids.size(), 4u);
    EXPECT_FALSE(pids.count(::getpid()));
    // Each worker wrote its own pid in the log.
    std::set<std::int64_t> logged;
    for (const std::string& line : file_lines(fs::path(dir) / ".vigie-ransim" / "progress.log")) {
        if (line.rfind("worker ", 0) == 0)
            logged.insert(std::stoll(line.substr(line.find(" pid ") + 5)));
    }
    EXPECT_EQ(logged, pids);
    ASSERT_TRUE(decrypt(dir, {}));
    expect_clean(dir);
}

TEST_F(EncryptRun, SlowWaitsBetweenFiles) {
    const std::string dir = make_corpus(30);
    EncryptOptions options;
    options.strategy = Strategy::kSlow;
    options.delay_ms = 60;
    options.limit = 4;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(encrypt(dir, options));
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(180));
    ASSERT_TRUE(decrypt(dir, {}));
    expect_clean(dir);
}

TEST_F(EncryptRun, KeyIsSavedBeforeAnyFileAndASecondRunWaitsForDecrypt) {
    const std::string dir = make_corpus(30);
    EncryptOptions options = quick(Strategy::kInPlace);
    options.limit = 0;
    ASSERT_TRUE(encrypt(dir, options));
    const auto key = file_lines(fs::path(dir) / ".vigie-ransim" / "key");
    ASSERT_GE(key.size(), 4u);
    EXPECT_EQ(key[0], "vigie-ransim-key 1");
    EXPECT_EQ(key[2], "strategy in-place");
    EXPECT_EQ(key[3].size(), 4u + 64u);
    expect_clean(dir);

    options.limit.reset();
    const auto again = encrypt(dir, options);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("decrypt"), std::string::npos);
    ASSERT_TRUE(decrypt(dir, {}));
    ASSERT_TRUE(encrypt(dir, options));  // the key was retired: a new run may start
    ASSERT_TRUE(decrypt(dir, {}));
    expect_clean(dir);
}

TEST_F(EncryptRun, KeyDirectoryElsewhereMustBeOutsideTheCorpus) {
    const std::string dir = make_corpus(30);
    EncryptOptions options = quick(Strategy::kCopyDelete);
    options.key_dir = (scratch_ / "keys").string();
    ASSERT_TRUE(encrypt(dir, options));
    EXPECT_TRUE(fs::exists(scratch_ / "keys" / "key"));
    EXPECT_FALSE(fs::exists(fs::path(dir) / ".vigie-ransim" / "key"));
    const auto without = decrypt(dir, {});
    ASSERT_FALSE(without);
    EXPECT_NE(without.error().message.find("no key"), std::string::npos);
    DecryptOptions decrypt_options;
    decrypt_options.key_dir = options.key_dir;
    ASSERT_TRUE(decrypt(dir, decrypt_options));
    expect_clean(dir);

    options.key_dir = (fs::path(dir) / "Compta").string();
    const auto inside = encrypt(dir, options);
    ASSERT_FALSE(inside);
    EXPECT_NE(inside.error().message.find("inside the corpus"), std::string::npos);
    options.key_dir = (fs::path(dir) / "Compta" / "cles").string();
    ASSERT_FALSE(encrypt(dir, options));
    EXPECT_FALSE(fs::exists(options.key_dir));  // refused before anything is made
    fs::create_directory_symlink(scratch_ / "keys", scratch_ / "keys-link");
    options.key_dir = (scratch_ / "keys-link").string();
    const auto linked = encrypt(dir, options);
    ASSERT_FALSE(linked);
    EXPECT_NE(linked.error().message.find("symbolic link"), std::string::npos);
    expect_clean(dir);
}

TEST_F(EncryptRun, DecryptRefusesTheKeyOfAnotherCorpus) {
    const std::string a = make_corpus(30, 141, "a"), b = make_corpus(30, 141, "b");
    EncryptOptions options = quick(Strategy::kInPlace);
    options.key_dir = (scratch_ / "keys").string();
    ASSERT_TRUE(encrypt(a, options));
    DecryptOptions wrong;
    wrong.key_dir = options.key_dir;
    const auto refused = decrypt(b, wrong);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("another corpus"), std::string::npos);
    ASSERT_TRUE(decrypt(a, wrong));
    expect_clean(a);
    expect_clean(b);
}

}  // namespace
