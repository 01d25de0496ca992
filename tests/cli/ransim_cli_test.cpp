// `vigie ransim` end to end: generate, encrypt, verify (exit 1 while files differ), decrypt,
// verify (exit 0); refusals exit 2 with the reason on standard error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_support.hpp"

namespace {

using namespace vigie::test;
namespace fs = std::filesystem;

class RansimCli : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vigie-ransim-cli-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path dir_;
};

TEST_F(RansimCli, GenerateEncryptVerifyDecryptVerify) {
    const std::string corpus = (dir_ / "corpus").string();
    const CommandResult generated =
        run(kVigie + " ransim generate " + corpus + " --files 40 --seed 3");
    ASSERT_EQ(generated.status, 0);
    EXPECT_NE(generated.out.find("generated 40 files"), std::string::npos) << generated.out;
    EXPECT_EQ(run(kVigie + " ransim verify " + corpus).status, 0);

    for (const char* strategy : {"in-place", "clop"}) {
        SCOPED_TRACE(strategy);
        const CommandResult encrypted =
            run(kVigie + " ransim encrypt " + corpus + " --strategy " + strategy + " --limit 25");
        ASSERT_EQ(encrypted.status, 0);
        EXPECT_EQ(lines(encrypted.out).size(), 1u) << encrypted.out;  // a summary, nothing more
        EXPECT_NE(encrypted.out.find("encrypted 25 of 25 files"), std::string::npos);
        const CommandResult differs = run(kVigie + " ransim verify " + corpus);
        EXPECT_EQ(differs.status, 1);
        EXPECT_NE(differs.out.find("15 of 40 files identical"), std::string::npos) << differs.out;
        const CommandResult decrypted = run(kVigie + " ransim decrypt " + corpus);
        EXPECT_EQ(decrypted.status, 0);
        EXPECT_NE(decrypted.out.find("restored 25 files"), std::string::npos) << decrypted.out;
        EXPECT_EQ(run(kVigie + " ransim verify " + corpus).status, 0);
    }
}

TEST_F(RansimCli, RefusalsExitTwoWithTheReason) {
    fs::create_directories(dir_ / "plain");
    std::ofstream(dir_ / "plain" / "bilan.xlsx") << "not a corpus";
    const CommandResult unmarked =
        run(kVigie + " ransim encrypt " + (dir_ / "plain").string() + " --strategy in-place 2>&1");
    EXPECT_EQ(unmarked.status, 2);
    EXPECT_NE(unmarked.out.find("marker"), std::string::npos) << unmarked.out;
    EXPECT_EQ(run(kVigie + " ransim verify " + (dir_ / "plain").string() + " 2>/dev/null").status,
              2);
    EXPECT_EQ(run(kVigie + " ransim encrypt / --strategy in-place 2>/dev/null").status, 2);

    const std::string corpus = (dir_ / "corpus").string();
    ASSERT_EQ(run(kVigie + " ransim generate " + corpus + " --files 10").status, 0);
    const CommandResult unknown =
        run(kVigie + " ransim encrypt " + corpus + " --strategy wannacry 2>&1");
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.out.find("unknown strategy"), std::string::npos);
    EXPECT_EQ(run(kVigie + " ransim generate " + corpus + " 2>/dev/null").status, 2);  // not empty
    const CommandResult no_key = run(kVigie + " ransim decrypt " + corpus + " 2>&1");
    EXPECT_EQ(no_key.status, 2);
    EXPECT_NE(no_key.out.find("no key"), std::string::npos);
}

TEST_F(RansimCli, StrategiesAreListed) {
    const CommandResult listed = run(kVigie + " ransim strategies");
    ASSERT_EQ(listed.status, 0);
    EXPECT_EQ(lines(listed.out).size(), 12u);
    for (const char* name : {"in-place", "copy-delete", "rename-overwrite", "intermittent-16",
                             "intermittent-head", "intermittent-skip-header", "base64",
                             "multi-process", "slow", "mmap", "clop", "atomic-replace"}) {
        EXPECT_NE(listed.out.find(std::string(name) + " "), std::string::npos) << name;
    }
}

}  // namespace
