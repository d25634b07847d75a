// build_plan against a bucket in memory: which listings it asks for. Run concurrently, so the TSan
// build of scripts/test --full checks the parallel parts too.
#include "retention/plan_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "memory_bucket.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;

std::string name(int i) {
    std::string digits = std::to_string(i);
    return "f" + std::string(4 - digits.size(), '0') + digits;
}

struct PlanBuilderTest : ::testing::Test {
    std::unique_ptr<MemoryBucket> bucket;

    void SetUp() override { fresh(600); }

    // A bucket of `folders` deployments f0000/ .. each holding one object.
    void fresh(int folders) {
        bucket = std::make_unique<MemoryBucket>();
        for (int i = 0; i < folders; ++i) bucket->put(name(i) + "/index.html", 5);
    }

    // Listings of one folder's objects: checks ask for one entry first.
    int listings(bool checks) const {
        int count = 0;
        for (const auto& listing : bucket->listings) {
            if (listing.by_folder || listing.prefix.empty()) continue;
            count += (listing.first_page == 1) == checks ? 1 : 0;
        }
        return count;
    }
    int folder_pages() const {
        return static_cast<int>(std::count_if(bucket->listings.begin(), bucket->listings.end(),
                                              [](const auto& l) { return l.by_folder; }));
    }

    Plan build(int keep) {
        Policy policy;
        policy.keep = keep;
        policy.sort_by = SortBy::kName;
        BuildOptions options;
        options.concurrency = 16;
        return build_plan(*bucket, "site", "", policy, options);
    }
};

TEST_F(PlanBuilderTest, ByNameEachKeptFolderIsCheckedOnceAndOnlyTheDoomedAreListed) {
    // Many folders checked at once: each check's answer is recorded by one of
    // 16 threads; none may be lost (a lost one is asked again).
    for (int round = 0; round < 5; ++round) {
        fresh(600);
        const Plan plan = build(550);
        EXPECT_EQ(bucket->versioning_calls, 1);
        EXPECT_EQ(folder_pages(), 1);
        EXPECT_EQ(listings(true), 550);
        EXPECT_EQ(listings(false), 50);
        for (int i = 0; i < 600; ++i) EXPECT_EQ(bucket->lists_of(name(i) + "/"), 1u) << i;
        EXPECT_EQ(plan.summary.remove, 50u);
        EXPECT_EQ(plan.summary.keep, 550u);
        EXPECT_EQ(plan.decisions.back().deployment.name, "f0000");  // the smallest name goes
    }
}

TEST_F(PlanBuilderTest, AnEmptyKeptFolderGivesItsPlaceToTheNextName) {
    bucket->emptied.insert("f0599/");  // the greatest name, no object: not a deployment
    const Plan plan = build(2);
    ASSERT_EQ(plan.decisions.size(), 599u);
    EXPECT_EQ(plan.decisions[0].deployment.name, "f0598");
    EXPECT_EQ(plan.decisions[0].action, Action::kKeep);
    EXPECT_EQ(plan.decisions[1].deployment.name, "f0597");
    EXPECT_EQ(plan.decisions[1].action, Action::kKeep);
    EXPECT_EQ(plan.decisions[2].action, Action::kDelete);
    EXPECT_EQ(listings(true), 3);  // f0599 (empty), f0598, then f0597
    EXPECT_EQ(listings(false), 597);
}

TEST_F(PlanBuilderTest, AFolderOfOnlyMarkersIsAnEmptyFolderNotADeployment) {
    // f0599 is named last: by name it would be the newest. f0001 is among the
    // doomed: listed in full, then left out. Each folder's own marker comes on a
    // first page of one, the marker of a sub-folder on the page after.
    bucket = std::make_unique<MemoryBucket>();
    for (int i = 0; i < 600; ++i) {
        const std::string folder = name(i) + "/";
        if (i == 599 || i == 1) {
            bucket->put(folder, 0);
            bucket->put(folder + "a/", 0);
        } else {
            bucket->put(folder + "index.html", 5);
        }
    }
    const Plan plan = build(2);
    EXPECT_EQ(plan.empty_folders, (std::vector<std::string>{"f0001", "f0599"}));
    ASSERT_EQ(plan.decisions.size(), 598u);
    EXPECT_EQ(plan.decisions[0].deployment.name, "f0598");
    EXPECT_EQ(plan.decisions[1].deployment.name, "f0597");
    EXPECT_EQ(plan.decisions[2].action, Action::kDelete);
    for (const auto& d : plan.decisions) EXPECT_NE(d.deployment.name, "f0001");
    EXPECT_EQ(plan.summary.remove, 596u);
}

TEST_F(PlanBuilderTest, ARootWithNothingUnderItIsWarnedAbout) {
    fresh(0);
    const Plan plan = build(1);
    ASSERT_EQ(plan.warnings.size(), 1u);
    EXPECT_EQ(plan.warnings[0],
              "s3://site/ is empty: no folder and no object under it; check the bucket and the "
              "path for a typo");
}

}  // namespace
}  // namespace retention
