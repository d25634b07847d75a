// Keys beyond the memory budget: planned into the spill file, streamed back
// into batches. The invariants of issue 15: only keys a listing of a doomed
// ROOT/NAME/ returned are sent, each once; keys written after a deployment's
// listing began are never sent and are reported; the prefix check runs on
// every batch; stops, refusals and the totals behave as with keys in memory.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "memory_bucket.hpp"
#include "retention/executor.hpp"
#include "retention/inventory.hpp"
#include "retention/key_store.hpp"
#include "retention/plan_builder.hpp"
#include "retention/planner.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;
using retentiontest::Refusal;

const TimePoint kListingBegan{std::chrono::hours{490'100}};
const TimePoint kBefore{std::chrono::hours{490'000}};

std::string padded(int i) {
    std::string digits = std::to_string(i);
    return std::string(5 - digits.size(), '0') + digits;
}

// d00 (oldest) .. d{n-1}, each with `objects` keys, d{i} written i hours after kBefore.
void seed(MemoryBucket& bucket, int deployments, int objects) {
    for (int d = 0; d < deployments; ++d) {
        for (int i = 0; i < objects; ++i) {
            bucket.put("d" + padded(d) + "/assets/file-" + padded(i) + ".js",
                       static_cast<std::uint64_t>(i + 1), kBefore + std::chrono::minutes{d});
        }
    }
}

Plan build(MemoryBucket& bucket, int keep, const std::shared_ptr<KeyStore>& store,
           int concurrency = 4) {
    Policy policy;
    policy.keep = keep;
    BuildOptions options;
    options.concurrency = concurrency;
    options.key_store = store;
    options.now = [] { return kListingBegan; };
    return build_plan(bucket, "site", "", policy, options);
}

TEST(KeyStore, ASpilledListComesBackAsItWent) {
    KeyStore store(0);
    ObjectList current;
    current.add("d1/a b+c%&<.txt", 3);
    current.add("d1/\xc3\xa9t\xc3\xa9/", 0);
    ObjectList versions;
    versions.add_version("d1/x", 5, "v2", false, true);
    versions.add_version("d1/x", 0, "m1", true, false);
    const SpilledChunk first = store.spill(current);
    const SpilledChunk second = store.spill(versions);
    EXPECT_EQ(first.entries, 2u);
    EXPECT_EQ(second.offset, first.bytes);
    EXPECT_EQ(store.spilled_bytes(), first.bytes + second.bytes);

    const ObjectList back = store.load(first);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back.key(0), "d1/a b+c%&<.txt");
    EXPECT_EQ(back.object_size(0), 3u);
    EXPECT_EQ(back.key(1), "d1/\xc3\xa9t\xc3\xa9/");
    EXPECT_FALSE(back.has_versions());
    const ObjectList vback = store.load(second);
    ASSERT_EQ(vback.size(), 2u);
    EXPECT_EQ(vback.version_id(1), "m1");
    EXPECT_TRUE(vback.is_delete_marker(1));
    EXPECT_TRUE(vback.is_current_object(0));
}

TEST(KeyStore, BytesItDidNotWriteAreRefused) {
    ObjectList list;
    list.add("d1/a", 1);
    std::string bytes;
    list.serialize(bytes);
    EXPECT_EQ(ObjectList::parse(bytes).key(0), "d1/a");
    EXPECT_THROW(ObjectList::parse(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
    EXPECT_THROW(ObjectList::parse(bytes + "x"), std::runtime_error);
    EXPECT_THROW(ObjectList::parse(""), std::runtime_error);

    KeyStore store(0);
    EXPECT_THROW((void)store.load({0, 10, 1}), std::runtime_error) << "nothing spilled yet";
    const SpilledChunk chunk = store.spill(list);
    EXPECT_THROW((void)store.load({chunk.offset, chunk.bytes + 1, 1}), std::runtime_error);
    EXPECT_THROW((void)store.load({chunk.offset, chunk.bytes, 2}), std::runtime_error);
}

TEST(KeyStore, ADirectoryThatCannotHoldTheFileIsAnError) {
    KeyStore store(0, "/nonexistent/dir");
    ObjectList list;
    list.add("d1/a", 1);
    EXPECT_THROW((void)store.spill(list), std::runtime_error);
}

TEST(Streaming, PlanningWithinTheBudgetSpillsNothing) {
    MemoryBucket bucket;
    seed(bucket, 6, 50);
    auto store = std::make_shared<KeyStore>(kDefaultKeyBudget);
    const Plan plan = build(bucket, 2, store);
    EXPECT_EQ(store->spilled_bytes(), 0u);
    for (const auto* dep : doomed_deployments(plan)) EXPECT_FALSE(dep->any_spilled());
    EXPECT_GT(store->held(), 0);
}

TEST(Streaming, BeyondTheBudgetKeysSpillAndHeldMemoryStaysNearIt) {
    MemoryBucket bucket;
    seed(bucket, 12, 3000);
    constexpr std::size_t kBudget = 64 << 10;
    auto store = std::make_shared<KeyStore>(kBudget);
    const Plan plan = build(bucket, 2, store, 4);
    EXPECT_GT(store->spilled_bytes(), 0u);
    std::uint64_t stored = 0;
    bool any_spilled = false;
    for (const auto* dep : doomed_deployments(plan)) {
        stored += dep->stored_entries();
        any_spilled = any_spilled || dep->any_spilled();
    }
    EXPECT_TRUE(any_spilled);
    EXPECT_EQ(stored, 10u * 3000u);
    EXPECT_EQ(plan.summary.objects_to_delete, 10u * 3000u);
    // What is left in memory after planning: the budget, give or take the
    // listings that were under way when it ran out (a chunk and a page each).
    EXPECT_LE(store->held(), static_cast<std::int64_t>(kBudget + 4 * 2 * kSpillChunk));
}

TEST(Streaming, SpilledKeysAreSentOnceEachInFullBatchesAndNothingKept) {
    MemoryBucket bucket;
    seed(bucket, 8, 1250);
    auto store = std::make_shared<KeyStore>(0);  // every key through the file
    const Plan plan = build(bucket, 3, store);
    const ExecutionResult result = execute_plan(plan, bucket, {});

    ASSERT_EQ(bucket.batches.size(), 7u);  // 5 x 1250 = 6250 keys: 6 full batches and 250
    for (std::size_t i = 0; i + 1 < bucket.batches.size(); ++i) {
        EXPECT_EQ(bucket.batches[i].size(), 1000u) << "batch " << i;
    }
    EXPECT_EQ(bucket.batches.back().size(), 250u);
    std::set<std::string> sent;
    for (const auto& key : bucket.batch_keys()) {
        EXPECT_TRUE(sent.insert(key).second) << "sent twice: " << key;
        EXPECT_LT(key, "d00005/") << "a kept deployment's key: " << key;
    }
    EXPECT_EQ(sent.size(), 6250u);
    EXPECT_EQ(result.objects_deleted, 6250u);
    EXPECT_EQ(result.entries_answered, 6250u);
    EXPECT_EQ(result.deployments_deleted, 5u);
    EXPECT_TRUE(result.safety_error.empty());
    EXPECT_TRUE(bucket.has("d00005/assets/file-00000.js"));
    EXPECT_FALSE(bucket.has("d00004/assets/file-00000.js"));
}

TEST(Streaming, TheSameRunWithKeysInMemorySendsTheSameKeys) {
    std::map<std::size_t, std::multiset<std::string>> by_budget;
    for (const std::size_t budget : {std::size_t{0}, std::size_t{20} << 10, kDefaultKeyBudget}) {
        MemoryBucket bucket;
        seed(bucket, 7, 900);
        bucket.put("root-file.html", 1);
        const Plan plan = build(bucket, 2, std::make_shared<KeyStore>(budget));
        const ExecutionResult result = execute_plan(plan, bucket, {.concurrency = 3});
        EXPECT_EQ(result.objects_deleted, 5u * 900u) << budget;
        EXPECT_EQ(result.bytes_freed, 5u * (900u * 901u / 2u)) << budget;
        const auto keys = bucket.batch_keys();
        by_budget[budget] = {keys.begin(), keys.end()};
        EXPECT_TRUE(bucket.has("root-file.html"));
    }
    EXPECT_EQ(by_budget[0], by_budget[kDefaultKeyBudget]);
    EXPECT_EQ(by_budget[20 << 10], by_budget[kDefaultKeyBudget]);
}

TEST(Streaming, KeysWrittenAfterTheListingBeganAreNeverSentAndAreReported) {
    MemoryBucket bucket;
    seed(bucket, 5, 20);
    // Written (or overwritten) into doomed d00000 while the run was under way.
    bucket.put("d00000/assets/file-00003.js", 7, kListingBegan + std::chrono::seconds{1});
    bucket.put("d00000/late.html", 7, kListingBegan + std::chrono::seconds{2});
    Policy policy;
    policy.keep = 2;
    policy.sort_by = SortBy::kName;  // by name d00000 stays doomed, however new
    BuildOptions options;
    options.key_store = std::make_shared<KeyStore>(0);
    options.now = [] { return kListingBegan; };
    const Plan plan = build_plan(bucket, "site", "", policy, options);
    const Deployment& d0 = plan.decisions.back().deployment;
    ASSERT_EQ(d0.name, "d00000");
    EXPECT_EQ(d0.objects, 21u);
    EXPECT_EQ(d0.held_back, 2u);
    EXPECT_EQ(plan.summary.objects_to_delete, 2u * 20u + 21u - 2u);

    const ExecutionResult result = execute_plan(plan, bucket, {});
    const auto sent = bucket.batch_keys();
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "d00000/assets/file-00003.js"), 0);
    EXPECT_EQ(std::count(sent.begin(), sent.end(), "d00000/late.html"), 0);
    EXPECT_TRUE(bucket.has("d00000/late.html"));
    EXPECT_TRUE(bucket.has("d00000/assets/file-00003.js"));
    EXPECT_EQ(result.objects_deleted, 59u);
    ASSERT_EQ(result.appeared.size(), 1u);
    EXPECT_EQ(result.appeared[0].deployment, "d00000");
    EXPECT_EQ(result.appeared[0].objects, 2u);
    EXPECT_EQ(result.deployments_deleted, 2u) << "d00001 and d00002; d00000 is not gone";
}

TEST(Streaming, AKeyOutsideItsDeploymentInASpilledChunkStopsTheRunAtThatBatch) {
    MemoryBucket bucket;
    auto store = std::make_shared<KeyStore>(0);
    Deployment keep_me;
    keep_me.name = "new";
    keep_me.prefix = "new/";
    keep_me.objects = 1;
    keep_me.newest = kListingBegan;
    auto doomed = [&](const std::string& name, int objects, const std::string& odd = "") {
        Deployment d;
        d.name = name;
        d.prefix = name + "/";
        ObjectList list;
        for (int i = 0; i < objects; ++i) list.add(d.prefix + "k" + padded(i), 1);
        if (!odd.empty()) list.add(odd, 1);
        d.chunks.push_back({nullptr, store->spill(list)});
        d.objects = d.stored_entries();
        d.newest = kBefore;
        return d;
    };
    Policy policy;
    policy.keep = 1;
    std::vector<Deployment> deps;
    deps.push_back(keep_me);
    deps.push_back(doomed("b", 1000));
    deps.push_back(doomed("a", 500, "new/index.html"));  // a chunk that lies
    deps.back().newest = kBefore - std::chrono::hours{1};
    Plan plan = make_plan("site", "", std::move(deps), policy);
    plan.key_store = store;
    EXPECT_NO_THROW(check_plan_safety(plan)) << "spilled keys are checked batch by batch";

    const ExecutionResult result = execute_plan(plan, bucket, {});
    ASSERT_EQ(bucket.batches.size(), 1u) << "b's full batch went; a's never did";
    EXPECT_EQ(bucket.batches[0].front(), "b/k00000");
    EXPECT_NE(result.safety_error.find("new/index.html"), std::string::npos) << result.safety_error;
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_deleted, 1000u);
    EXPECT_EQ(result.objects_not_attempted, 501u);
    for (const auto& key : bucket.batch_keys()) EXPECT_TRUE(key.starts_with("b/")) << key;
}

TEST(Streaming, SpilledKeysWithoutTheirStoreAreRefusedBeforeAnythingIsSent) {
    auto store = std::make_shared<KeyStore>(0);
    MemoryBucket bucket;
    seed(bucket, 4, 10);
    Plan plan = build(bucket, 1, store);
    plan.key_store.reset();
    EXPECT_THROW(execute_plan(plan, bucket, {}), PlanSafetyError);
    EXPECT_TRUE(bucket.batches.empty());
}

TEST(Streaming, AStopMidStreamLeavesTheRestNotAttemptedAndTheTotalsAddUp) {
    MemoryBucket bucket;
    seed(bucket, 6, 1000);
    const Plan plan = build(bucket, 1, std::make_shared<KeyStore>(0));
    int batches = 0;
    ExecutorHooks hooks;
    hooks.stop_requested = [&batches] { return batches >= 2; };
    hooks.on_batch_done = [&batches](const ExecutionResult&) { ++batches; };
    const ExecutionResult result = execute_plan(plan, bucket, hooks);
    EXPECT_EQ(bucket.batches.size(), 2u);
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_deleted, 2000u);
    EXPECT_EQ(result.objects_not_attempted, 3000u);
    EXPECT_EQ(result.objects_deleted + result.failed.size() + result.objects_not_attempted,
              plan.summary.objects_to_delete);
}

TEST(Streaming, RefusedSpilledKeysAreReportedByNameWithTheStoresCode) {
    MemoryBucket bucket;
    seed(bucket, 3, 1500);
    bucket.refuse_key = [](std::string_view key) -> std::optional<Refusal> {
        if (key == "d00000/assets/file-01499.js") return Refusal{"AccessDenied", "Access Denied"};
        return std::nullopt;
    };
    const Plan plan = build(bucket, 1, std::make_shared<KeyStore>(0));
    std::vector<std::string> audit;
    ExecutorHooks hooks;
    hooks.on_key_done = [&audit](const KeyOutcome& outcome) {
        if (!outcome.deleted)
            audit.push_back(std::string(outcome.key) + " " + std::string(outcome.code));
    };
    const ExecutionResult result = execute_plan(plan, bucket, hooks);
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].key, "d00000/assets/file-01499.js");
    EXPECT_EQ(result.failed[0].code, "AccessDenied");
    EXPECT_EQ(audit, std::vector<std::string>{"d00000/assets/file-01499.js AccessDenied"});
    EXPECT_EQ(result.objects_deleted, 2999u);
    EXPECT_EQ(result.deployments_deleted, 1u);
    EXPECT_TRUE(bucket.has("d00000/assets/file-01499.js"));
}

TEST(Streaming, APurgeOfVersionsStreamsByVersionId) {
    MemoryBucket bucket;
    bucket.versioning_status = Versioning::kEnabled;
    for (int d = 0; d < 3; ++d) {
        const std::string name = "d" + padded(d);
        bucket.put(name + "/index.html", 4, kBefore + std::chrono::minutes{d});
        bucket.put_version(name + "/index.html", "v2", 4, true);
        bucket.put_version(name + "/index.html", "v1", 3, false);
        bucket.put_version(name + "/gone.txt", "m1", 0, true, true);
    }
    Policy policy;
    policy.keep = 1;
    BuildOptions options;
    options.purge_versions = true;
    options.key_store = std::make_shared<KeyStore>(0);
    options.now = [] { return kListingBegan; };
    const Plan plan = build_plan(bucket, "site", "", policy, options);
    EXPECT_EQ(plan.summary.versions_to_delete, 6u);
    const ExecutionResult result = execute_plan(plan, bucket, {});
    EXPECT_EQ(result.versions_deleted, 4u);
    EXPECT_EQ(result.delete_markers_deleted, 2u);
    EXPECT_EQ(result.objects_deleted, 2u);
    EXPECT_TRUE(result.failed.empty());
}

}  // namespace
}  // namespace retention
