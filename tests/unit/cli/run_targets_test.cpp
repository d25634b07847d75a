// The targets of a run: overlap by URL, and policy file targets validated at
// their lines.
#include "cli/run_targets.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace cli {
namespace {

Options target(const std::string& bucket, const std::string& root) {
    Options options;
    options.url = {bucket, root};
    options.keep = 1;
    return options;
}

TEST(RootsOverlap, FolderWise) {
    EXPECT_TRUE(roots_overlap("", "apps/"));
    EXPECT_TRUE(roots_overlap("apps/", "apps/shop/"));
    EXPECT_TRUE(roots_overlap("apps/shop/", "apps/"));
    EXPECT_TRUE(roots_overlap("apps/", "apps/"));
    EXPECT_FALSE(roots_overlap("app/", "app2/"));
    EXPECT_FALSE(roots_overlap("apps/blog/", "apps/shop/"));
}

TEST(OverlapProblem, TheURLsAloneTellALiteralRootOverAnythingBelowIt) {
    EXPECT_NE(overlap_problem({target("b", ""), target("b", "apps/*/")}), "");
    EXPECT_NE(overlap_problem({target("b", "apps/*/"), target("b", "")}), "");
    EXPECT_NE(overlap_problem({target("b", "apps/"), target("b", "apps/shop/")}), "");
    EXPECT_NE(overlap_problem({target("b", "apps/"), target("b", "apps/")}), "");
    // Left to the expansion: a glob over a deeper literal, two globs.
    EXPECT_EQ(overlap_problem({target("b", "apps/*/"), target("b", "apps/shop/")}), "");
    EXPECT_EQ(overlap_problem({target("b", "apps/*/"), target("b", "apps/sho*/")}), "");
    // Never: other buckets, other endpoints, siblings.
    EXPECT_EQ(overlap_problem({target("b", ""), target("c", "apps/")}), "");
    auto elsewhere = target("b", "apps/");
    elsewhere.endpoint_url = "http://127.0.0.1:9000";
    EXPECT_EQ(overlap_problem({target("b", ""), elsewhere}), "");
    EXPECT_EQ(overlap_problem({target("b", "app/"), target("b", "app2/")}), "");
}

TEST(OverlapProblem, NamesBothTargetsWithTheirLines) {
    auto a = target("b", "");
    a.origin = "policy.yaml:4";
    auto b = target("b", "apps/*/");
    b.origin = "policy.yaml:6";
    EXPECT_EQ(overlap_problem({a, b}),
              "targets s3://b/ (policy.yaml:4) and s3://b/apps/*/ (policy.yaml:6) overlap: one "
              "root lies inside the other, and two policies must never decide about the same "
              "objects");
}

// ctest runs every test as its own process, side by side: each test has its own
// file (one shared name let one test read another's policy half-written).
struct PolicyFileRun : ::testing::Test {
    std::string path = ::testing::TempDir() + "run_targets_test_" + std::to_string(::getpid()) +
                       "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                       ".yaml";
    Options command_line;
    void write(const std::string& text) { std::ofstream(path) << text; }
    void TearDown() override { std::remove(path.c_str()); }
    void SetUp() override {
        command_line.config = path;
        command_line.dry_run = true;
        command_line.concurrency = 4;
        command_line.output = OutputFormat::kJson;
    }
};

TEST_F(PolicyFileRun, EachTargetIsValidatedAndGetsTheRunFlags) {
    write(
        "version: 1\ndefaults:\n  keep: 2\ntargets:\n  - url: s3://site-a/\n"
        "  - url: s3://site-b/apps/*/\n    keep: 3\n    sort_by: name\n");
    auto targets = run_targets(command_line);
    ASSERT_TRUE(std::holds_alternative<std::vector<Options>>(targets));
    const auto& list = std::get<std::vector<Options>>(targets);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].keep, 2);
    EXPECT_EQ(list[0].origin, path + ":5");
    EXPECT_EQ(list[1].url.root, "apps/*/");
    EXPECT_EQ(list[1].keep, 3);
    EXPECT_EQ(list[1].sort_by, retention::SortBy::kName);
    for (const auto& t : list) {
        EXPECT_TRUE(t.dry_run);
        EXPECT_EQ(t.concurrency, 4);
        EXPECT_EQ(t.output, OutputFormat::kJson);
    }
    EXPECT_EQ(target_name(list[1]), "s3://site-b/apps/*/ (" + path + ":6)");
}

TEST_F(PolicyFileRun, AValueProblemIsReportedAtTheLineOfItsKey) {
    write(
        "version: 1\ndefaults:\n  keep: 0\ntargets:\n  - url: s3://site-a/\n"
        "    older_than: 3x\n");
    auto targets = run_targets(command_line);
    ASSERT_TRUE(std::holds_alternative<UsageError>(targets));
    EXPECT_EQ(std::get<UsageError>(targets).message,
              path + ":3: --keep must be a whole number from 1 to 1000000, got '0'");
}

TEST_F(PolicyFileRun, AProblemOfNoKeyIsReportedAtTheTargetsLine) {
    write("version: 1\ntargets:\n  - keep: 1\n    url: s3://UPPER/\n");
    auto targets = run_targets(command_line);
    ASSERT_TRUE(std::holds_alternative<UsageError>(targets));
    EXPECT_EQ(std::get<UsageError>(targets).message.rfind(path + ":3: bucket name 'UPPER'", 0), 0u)
        << std::get<UsageError>(targets).message;
}

TEST_F(PolicyFileRun, OverlappingTargetsAreRefused) {
    write("version: 1\ndefaults: {keep: 1}\ntargets:\n  - url: s3://b-1/\n  - url: s3://b-1/x/\n");
    auto targets = run_targets(command_line);
    ASSERT_TRUE(std::holds_alternative<UsageError>(targets));
    EXPECT_NE(std::get<UsageError>(targets).message.find("overlap"), std::string::npos);
}

TEST(RunTargets, WithoutConfigTheCommandLineIsTheOneTarget) {
    auto only = target("b", "apps/");
    auto targets = run_targets(only);
    ASSERT_TRUE(std::holds_alternative<std::vector<Options>>(targets));
    EXPECT_EQ(std::get<std::vector<Options>>(targets).size(), 1u);
    EXPECT_EQ(target_name(only), "s3://b/apps/");
}

}  // namespace
}  // namespace cli
