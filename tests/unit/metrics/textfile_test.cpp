// The metrics file: written whole or not at all, read back when present.
#include "metrics/textfile.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace metrics {
namespace {

struct TextFile : ::testing::Test {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("s3c-metrics-" + std::to_string(::getpid()) + "-" +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    void SetUp() override { std::filesystem::create_directories(dir); }
    void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(TextFile, ReplacesTheFileAndLeavesNoTemporary) {
    const auto path = (dir / "s3-cleanup.prom").string();
    write_atomically(path, "a 1\n");
    EXPECT_EQ(read_if_present(path), "a 1\n");
    write_atomically(path, "a 2\n");
    EXPECT_EQ(read_if_present(path), "a 2\n");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
    EXPECT_EQ(files, 1U);
}

TEST_F(TextFile, AFolderThatIsMissingIsAnErrorNamingThePath) {
    const auto path = (dir / "missing" / "x.prom").string();
    try {
        write_atomically(path, "a 1\n");
        FAIL() << "no error";
    } catch (const std::runtime_error& error) {
        EXPECT_EQ(std::string(error.what()),
                  "cannot write the metrics file '" + path + "' (open: No such file or directory)");
    }
}

TEST_F(TextFile, APathThatIsAFolderFailsAtTheRenameAndCleansUp) {
    const auto path = dir / "taken";
    std::filesystem::create_directories(path / "inside");
    EXPECT_THROW(write_atomically(path.string(), "a 1\n"), std::runtime_error);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
    EXPECT_EQ(files, 1U);  // the folder only, no temporary file
}

TEST_F(TextFile, AWriteThatFailsIsAnError) {
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this machine";
    // /dev/full refuses every write with ENOSPC; the temporary file is beside
    // the path, so a link to it in a folder of ours is where the write goes.
    const auto path = dir / "full.prom";
    std::filesystem::create_symlink("/dev/full",
                                    dir / ("full.prom.tmp." + std::to_string(::getpid())));
    try {
        write_atomically(path.string(), "a 1\n");
        FAIL() << "no error";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("(write: No space left on device)"),
                  std::string::npos)
            << error.what();
    }
}

TEST_F(TextFile, AFileThatIsMissingReadsAsEmpty) {
    EXPECT_EQ(read_if_present((dir / "none.prom").string()), "");
}

}  // namespace
}  // namespace metrics
