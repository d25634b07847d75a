// The executor against a bucket in memory: what it asks the bucket to delete,
// and what it reports. How a batch travels to S3 (its XML, its resends) is
// the S3 client's, tested in tests/unit/s3/delete_batch_test.cpp.
#include "retention/executor.hpp"

#include <gtest/gtest.h>

#include <set>

#include "memory_bucket.hpp"
#include "retention/planner.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;
using retentiontest::Refusal;

Deployment deployment(const std::string& root, const std::string& name, int objects, int minute) {
    Deployment d;
    d.name = name;
    d.prefix = root + name + "/";
    d.objects = static_cast<std::uint64_t>(objects);
    for (int i = 0; i < objects; ++i) {
        d.contents.add(d.prefix + "file-" + std::to_string(i), 10);
        d.bytes += 10;
    }
    d.newest = d.oldest = TimePoint{std::chrono::minutes{minute}};
    return d;
}

aws::ServiceError denied() {
    return {"s3",   aws::ErrorKind::kAccessDenied, 403, "AccessDenied", "no",
            "RID1", "POST s3://site/?delete"};
}

struct ExecutorTest : ::testing::Test {
    MemoryBucket bucket;

    Plan plan_of(std::vector<Deployment> deployments, int keep, const std::string& root = "") {
        Policy policy;
        policy.keep = keep;
        return make_plan("site", root, std::move(deployments), policy);
    }
};

TEST_F(ExecutorTest, PacksFullBatchesAcrossDeploymentsAndNeverSendsKeptKeys) {
    auto plan = plan_of({deployment("", "new", 5, 100), deployment("", "a", 1500, 10),
                         deployment("", "b", 1000, 9), deployment("", "c", 1, 8)},
                        1);
    auto result = execute_plan(plan, bucket, {});

    ASSERT_EQ(bucket.batches.size(), 3u);  // 2501 keys: 1000 + 1000 + 501
    EXPECT_EQ(bucket.batches[0].size(), 1000u);
    EXPECT_EQ(bucket.batches[1].size(), 1000u);
    EXPECT_EQ(bucket.batches[2].size(), 501u);
    std::set<std::string> all;
    for (const auto& k : bucket.batch_keys()) {
        EXPECT_FALSE(k.starts_with("new/")) << k;
        EXPECT_TRUE(all.insert(k).second) << "sent twice: " << k;
    }
    EXPECT_EQ(all.size(), 2501u);
    EXPECT_EQ(result.objects_deleted, 2501u);
    EXPECT_EQ(result.bytes_freed, 25010u);
    EXPECT_EQ(result.deployments_deleted, 3u);
    EXPECT_EQ(result.entries_answered, 2501u);
    EXPECT_TRUE(result.failed.empty());
}

TEST_F(ExecutorTest, BatchesFollowTheBucketsLimit) {
    bucket.limit = 3;
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "a", 7, 1)}, 1);
    execute_plan(plan, bucket, {});
    ASSERT_EQ(bucket.batches.size(), 3u);
    EXPECT_EQ(bucket.batches[2].size(), 1u);
}

TEST_F(ExecutorTest, RefusedKeysAreFailuresOfThoseKeysOnly) {
    bucket.refuse_key = [](std::string_view key) -> std::optional<Refusal> {
        if (key == "old/file-1") return Refusal{"AccessDenied", "Access Denied"};
        return std::nullopt;
    };
    auto plan = plan_of(
        {deployment("", "new", 1, 100), deployment("", "old", 3, 1), deployment("", "older", 2, 0)},
        1);
    auto result = execute_plan(plan, bucket, {});
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].key, "old/file-1");
    EXPECT_EQ(result.failed[0].code, "AccessDenied");
    EXPECT_EQ(result.failed[0].message, "Access Denied");
    EXPECT_EQ(result.objects_deleted, 4u);
    EXPECT_EQ(result.entries_answered, 5u);
    EXPECT_EQ(result.deployments_deleted, 1u);  // "older" only: "old" kept a key
}

TEST_F(ExecutorTest, AFailedBatchFailsEveryKeyInItAndTheRestGoesOn) {
    bucket.fail_batch = [](int batch) -> std::optional<aws::ServiceError> {
        if (batch == 1) return denied();
        return std::nullopt;
    };
    auto plan = plan_of(
        {deployment("", "new", 1, 100), deployment("", "a", 1000, 5), deployment("", "b", 7, 4)},
        1);
    auto result = execute_plan(plan, bucket, {});
    EXPECT_EQ(result.failed.size(), 1000u);
    EXPECT_EQ(result.failed.front().code, "AccessDenied");
    EXPECT_NE(result.failed.front().message.find("RID1"), std::string::npos);
    EXPECT_EQ(result.objects_deleted, 7u);
    EXPECT_EQ(result.deployments_deleted, 1u);
}

TEST_F(ExecutorTest, ABatchCancelledBeforeItWasSentIsNotAttempted) {
    bucket.fail_batch = [](int) -> std::optional<aws::ServiceError> {
        return aws::ServiceError{"s3", aws::ErrorKind::kCancelled, 0, "", "stopped", "", ""};
    };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "a", 4, 1)}, 1);
    auto result = execute_plan(plan, bucket, {});
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_not_attempted, 4u);
    EXPECT_TRUE(result.failed.empty());
}

TEST_F(ExecutorTest, AStopBetweenAttemptsMarksTheRunInterrupted) {
    bucket.stop_after_batch = true;
    bucket.refuse_key = [](std::string_view key) -> std::optional<Refusal> {
        if (key == "old/file-1")
            return Refusal{"SlowDown", "slow (not resent: the run was stopped)"};
        return std::nullopt;
    };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 4, 1)}, 1);
    auto result = execute_plan(plan, bucket, {});
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_deleted, 3u);
    EXPECT_EQ(result.objects_not_attempted, 0u);  // it was sent, and refused
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].code, "SlowDown");
    EXPECT_EQ(result.deployments_deleted, 0u);
}

TEST_F(ExecutorTest, KeysTheBucketCannotBatchGoOneByOne) {
    auto d = deployment("", "old", 2, 1);
    d.contents.add("old/ctl\x01key", 3);
    d.objects = 3;
    auto plan = plan_of({deployment("", "new", 1, 100), d}, 1);
    auto result = execute_plan(plan, bucket, {});
    ASSERT_EQ(bucket.batches.size(), 1u);
    EXPECT_EQ(bucket.batches[0].size(), 2u);
    EXPECT_EQ(bucket.singles, (std::vector<std::string>{"old/ctl\x01key"}));
    EXPECT_EQ(result.objects_deleted, 3u);
}

TEST_F(ExecutorTest, ASingleDeleteThatFailsIsReportedWithItsCode) {
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 2, 1)}, 1);
    struct Failing : MemoryBucket {
        void delete_one(const ObjectRef& object) override {
            if (object.key == "old/file-0") throw denied();
            MemoryBucket::delete_one(object);
        }
    } failing;
    failing.can_batch = [](std::string_view) { return false; };
    auto result = execute_plan(plan, failing, {});
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].key, "old/file-0");
    EXPECT_EQ(result.failed[0].code, "AccessDenied");
    EXPECT_EQ(result.objects_deleted, 1u);
    EXPECT_TRUE(failing.batches.empty());
}

TEST_F(ExecutorTest, RefusesAKeyOutsideTheDoomedPrefixAndSendsNothing) {
    auto bad = deployment("", "app", 2, 1);
    bad.contents.add("app2/index.html", 1);
    auto plan = plan_of({deployment("", "new", 1, 100), bad}, 1);
    EXPECT_THROW(execute_plan(plan, bucket, {}), PlanSafetyError);
    EXPECT_TRUE(bucket.batches.empty());
    EXPECT_TRUE(bucket.listings.empty());
}

TEST_F(ExecutorTest, RefusesAPrefixThatIsNotRootNameSlash) {
    auto bad = deployment("sites/", "app", 2, 1);
    bad.prefix = "sites/app";  // no trailing slash: would reach sites/app2/
    bad.contents.release();
    bad.contents.add("sites/app2/index.html", 1);  // what a prefix without '/' would list
    auto plan = plan_of({deployment("sites/", "new", 1, 100), bad}, 1, "sites/");
    EXPECT_THROW(execute_plan(plan, bucket, {}), PlanSafetyError);
    EXPECT_TRUE(bucket.batches.empty());
}

TEST_F(ExecutorTest, RefusesAPlanThatDoomsALiveDeploymentOrIsIncomplete) {
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "d04", 2, 1)}, 1);
    ASSERT_EQ(plan.decisions[1].action, Action::kDelete);
    plan.policy.live = {"d04"};  // as if planning had missed it: the executor still refuses
    EXPECT_THROW(execute_plan(plan, bucket, {}), PlanSafetyError);
    plan.policy.live.clear();
    plan.incomplete = true;
    EXPECT_THROW(execute_plan(plan, bucket, {}), PlanSafetyError);
    EXPECT_TRUE(bucket.batches.empty());
}

TEST_F(ExecutorTest, ObjectsAppearingDuringCleanupAreReportedNotDeleted) {
    bucket.appear_after_delete = {"old/late.html"};
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 2, 1)}, 1);
    auto result = execute_plan(plan, bucket, {});
    ASSERT_EQ(result.appeared.size(), 1u);
    EXPECT_EQ(result.appeared[0].deployment, "old");
    EXPECT_EQ(result.appeared[0].objects, 1u);
    EXPECT_EQ(result.deployments_deleted, 0u);
    EXPECT_TRUE(bucket.has("old/late.html"));  // never sent
    ASSERT_EQ(bucket.listings.size(), 1u);     // the re-check: one page of one entry
    EXPECT_EQ(bucket.listings[0].prefix, "old/");
    EXPECT_EQ(bucket.listings[0].first_page, 1);
    EXPECT_FALSE(bucket.listings[0].versions);
    EXPECT_EQ(bucket.batches.size(), 1u);
}

TEST_F(ExecutorTest, ARecheckThatFailsIsAWarningAndTheDeploymentCounts) {
    struct Unlistable : MemoryBucket {
        void list(const Listing&, const std::function<bool(ListedPage&)>&) override {
            throw denied();
        }
    } unlistable;
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 2, 1)}, 1);
    auto result = execute_plan(plan, unlistable, {});
    EXPECT_EQ(result.deployments_deleted, 1u);
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_NE(result.warnings[0].find("old: deleted, but the check"), std::string::npos);
}

TEST_F(ExecutorTest, AStopRequestSendsNoNewBatch) {
    int batches = 0;
    ExecutorHooks hooks;
    hooks.on_batch_done = [&batches](const ExecutionResult&) { ++batches; };
    hooks.stop_requested = [&batches] { return batches >= 1; };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "a", 2500, 1)}, 1);
    auto result = execute_plan(plan, bucket, hooks);
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_deleted, 1000u);
    EXPECT_EQ(result.objects_not_attempted, 1500u);
    EXPECT_EQ(bucket.batches.size(), 1u);
}

TEST_F(ExecutorTest, APurgeReportsEachVersionOnceWithItsIdAndCountsOnlyCurrentObjects) {
    Deployment old;
    old.name = "old";
    old.prefix = "old/";
    old.objects = 2;
    old.versions_listed = true;
    // a.txt: current and one older version; b.txt: a delete marker over a version.
    old.contents.add_version("old/a.txt", 3, "a2", false, true);
    old.contents.add_version("old/a.txt", 3, "a1", false, false);
    old.contents.add_version("old/b.txt", 0, "bm", true, true);
    old.contents.add_version("old/b.txt", 4, "b1", false, false);
    auto plan = plan_of({deployment("", "new", 1, 100), std::move(old)}, 1);
    plan.versioning = Versioning::kEnabled;
    plan.purge_versions = true;
    std::vector<std::pair<std::string, std::string>> outcomes;
    ExecutorHooks hooks;
    hooks.on_key_done = [&outcomes](const KeyOutcome& outcome) {
        EXPECT_TRUE(outcome.deleted);
        outcomes.emplace_back(outcome.key, outcome.version_id);
    };
    auto result = execute_plan(plan, bucket, hooks);
    EXPECT_EQ(
        outcomes,
        (std::vector<std::pair<std::string, std::string>>{
            {"old/a.txt", "a2"}, {"old/a.txt", "a1"}, {"old/b.txt", "bm"}, {"old/b.txt", "b1"}}));
    EXPECT_EQ(result.objects_deleted, 1u);  // only a.txt was a current object
    EXPECT_EQ(result.versions_deleted, 3u);
    EXPECT_EQ(result.delete_markers_deleted, 1u);
    EXPECT_EQ(result.entries_answered, 4u);
    EXPECT_EQ(result.bytes_freed, 10u);
    ASSERT_EQ(bucket.listings.size(), 1u);  // the re-check after a purge asks for versions
    EXPECT_TRUE(bucket.listings[0].versions);
}

TEST_F(ExecutorTest, ConcurrentWorkersDeleteEachKeyExactlyOnce) {
    std::vector<Deployment> deployments{deployment("", "new", 3, 100)};
    for (int i = 0; i < 12; ++i)
        deployments.push_back(deployment("", "d" + std::to_string(i), 750, i));
    auto plan = plan_of(std::move(deployments), 1);
    ExecutorHooks hooks;
    hooks.concurrency = 8;
    int callbacks = 0;
    hooks.on_batch_done = [&callbacks](const ExecutionResult&) { ++callbacks; };
    auto result = execute_plan(plan, bucket, hooks);
    const auto keys = bucket.batch_keys();
    std::multiset<std::string> sent(keys.begin(), keys.end());
    EXPECT_EQ(sent.size(), 12u * 750u);
    EXPECT_EQ(std::set<std::string>(sent.begin(), sent.end()).size(), sent.size());
    EXPECT_EQ(bucket.batches.size(), 9u);  // 9000 keys, 1000 a batch
    EXPECT_EQ(callbacks, 9);
    EXPECT_EQ(result.objects_deleted, 9000u);
    EXPECT_EQ(result.deployments_deleted, 12u);
    for (const auto& k : sent) EXPECT_FALSE(k.starts_with("new/"));
}

}  // namespace
}  // namespace retention
