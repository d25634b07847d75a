// --expire-with-lifecycle against a bucket in memory: which rules planning
// adds, removes and retires, and how the write merges, checks and verifies.
#include "retention/lifecycle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "memory_bucket.hpp"
#include "retention/executor.hpp"
#include "retention/plan_builder.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;
using std::chrono::hours;

const aws::TimePoint kNow{std::chrono::hours{500'000}};

// Deployment i was written i hours after the epoch of the bucket: d10 is the newest.
struct LifecycleTest : ::testing::Test {
    MemoryBucket bucket;

    void SetUp() override {
        for (int i = 1; i <= 10; ++i) deploy("site/d" + std::to_string(i) + "/", i, i);
        bucket.put("site/index.html", 1, aws::TimePoint{hours{490'000}});
    }
    void deploy(const std::string& prefix, int hour, int objects) {
        for (int k = 0; k < objects; ++k) {
            bucket.put(prefix + "f" + std::to_string(k), 10, aws::TimePoint{hours{490'000 + hour}});
        }
    }

    Plan plan(int keep, LifecycleOptions options = {true, 0}, Policy policy = {}) {
        policy.keep = keep;
        Plan p = build_plan(bucket, "b", "site/", policy, BuildOptions{});
        plan_lifecycle(bucket, p, bucket.lifecycle_rules(), options, kNow);
        return p;
    }
    static const Decision& of(const Plan& p, const std::string& name) {
        for (const auto& d : p.decisions) {
            if (d.deployment.name == name) return d;
        }
        throw std::runtime_error("no deployment " + name);
    }
    LifecycleRule foreign(const std::string& id) {
        LifecycleRule rule;
        rule.id = id;
        rule.source = "<Rule><ID>" + id + "</ID></Rule>";
        rule.meaning = rule.source;
        return rule;
    }
};

TEST_F(LifecycleTest, DoomedDeploymentsGetOneRuleEachAndAreNotDeletedByRequests) {
    Plan p = plan(3);
    ASSERT_TRUE(p.lifecycle);
    EXPECT_EQ(p.lifecycle->add.size(), 7u);
    EXPECT_EQ(p.summary.remove, 0u);
    EXPECT_EQ(p.summary.objects_to_delete, 0u);
    EXPECT_EQ(p.summary.expire, 7u);
    EXPECT_EQ(p.summary.objects_to_expire, 1u + 2 + 3 + 4 + 5 + 6 + 7);
    EXPECT_EQ(of(p, "d1").action, Action::kExpire);
    EXPECT_EQ(of(p, "d1").rule.prefix, "site/d1/");
    EXPECT_EQ(of(p, "d10").action, Action::kKeep);
    EXPECT_TRUE(doomed_deployments(p).empty());
    // Biggest first: d7 (7 objects) is the first rule.
    EXPECT_EQ(p.lifecycle->add.front().deployment, "d7");
    EXPECT_EQ(p.lifecycle->rules_after, 7u);
    EXPECT_TRUE(p.changes_anything());
    EXPECT_FALSE(p.deletes_anything());

    const LifecycleWrite write = apply_lifecycle(bucket, {&p});
    EXPECT_TRUE(write.written);
    EXPECT_EQ(write.rules, 7u);
    EXPECT_EQ(bucket.lifecycle_puts, 1);
    EXPECT_EQ(bucket.lifecycle.size(), 7u);
}

TEST_F(LifecycleTest, AKeptSetIsTheSameWithOrWithoutTheMode) {
    Policy policy;
    policy.keep = 3;
    const Plan without = build_plan(bucket, "b", "site/", policy, BuildOptions{});
    const Plan with = plan(3);
    for (std::size_t i = 0; i < without.decisions.size(); ++i) {
        EXPECT_EQ(without.decisions[i].deployment.name, with.decisions[i].deployment.name);
        EXPECT_EQ(without.decisions[i].action == Action::kKeep,
                  with.decisions[i].action == Action::kKeep);
    }
}

TEST_F(LifecycleTest, APendingRuleMakesItExpiringAndARuleOfAKeptDeploymentIsRemoved) {
    bucket.lifecycle.push_back(foreign("logs"));
    bucket.lifecycle.push_back(bucket.owned_rule("site/d2/", kNow - hours{5}, false));
    bucket.lifecycle.push_back(bucket.owned_rule("site/d9/", kNow - hours{5}, false));
    Plan p = plan(3);
    EXPECT_EQ(of(p, "d2").action, Action::kExpiring);
    EXPECT_EQ(p.summary.expiring, 1u);
    ASSERT_EQ(p.lifecycle->remove.size(), 1u);
    EXPECT_EQ(p.lifecycle->remove[0].deployment, "d9");
    EXPECT_EQ(p.lifecycle->remove[0].reason, "newest");
    EXPECT_EQ(p.lifecycle->add.size(), 6u);  // d1, d3..d7
    EXPECT_EQ(p.lifecycle->rules_before, 3u);
    EXPECT_EQ(p.lifecycle->rules_after, 3u - 1 + 6);

    apply_lifecycle(bucket, {&p});
    ASSERT_EQ(bucket.lifecycle.size(), 8u);
    EXPECT_EQ(bucket.lifecycle[0].id, "logs");  // foreign rules first, as they were
    for (const auto& rule : bucket.lifecycle) EXPECT_NE(rule.prefix, "site/d9/");
}

TEST_F(LifecycleTest, ALiveDeploymentsRuleIsRemoved) {
    bucket.lifecycle.push_back(bucket.owned_rule("site/d4/", kNow - hours{1}, false));
    Policy policy;
    policy.keep = 3;
    BuildOptions options;
    LiveSource source;
    source.deployments = {"d4"};  // CloudFront serves it: a rollback
    options.live = {source};
    Plan p = build_plan(bucket, "b", "site/", policy, options);
    plan_lifecycle(bucket, p, bucket.lifecycle_rules(), {true, 0}, kNow);
    EXPECT_EQ(of(p, "d4").action, Action::kKeep);
    ASSERT_EQ(p.lifecycle->remove.size(), 1u);
    EXPECT_EQ(p.lifecycle->remove[0].reason, "live");
    apply_lifecycle(bucket, {&p});
    for (const auto& rule : bucket.lifecycle) EXPECT_NE(rule.prefix, "site/d4/");
}

TEST_F(LifecycleTest, ARuleWhosePrefixIsEmptyIsRetiredAndOneStillHoldingIsPending) {
    bucket.lifecycle.push_back(bucket.owned_rule("site/gone/", kNow - hours{50}, false));
    bucket.lifecycle.push_back(bucket.owned_rule("other/d1/", kNow - hours{50}, false));
    Plan p = plan(10);
    ASSERT_EQ(p.lifecycle->retire.size(), 1u);
    EXPECT_EQ(p.lifecycle->retire[0].rule.prefix, "site/gone/");
    EXPECT_TRUE(p.lifecycle->add.empty());
    // Another root's rule is none of this plan's business.
    EXPECT_EQ(p.lifecycle->rules_after, 1u);
    apply_lifecycle(bucket, {&p});
    ASSERT_EQ(bucket.lifecycle.size(), 1u);
    EXPECT_EQ(bucket.lifecycle[0].prefix, "other/d1/");
}

TEST_F(LifecycleTest, TheLastRuleRetiredDeletesTheConfiguration) {
    bucket.lifecycle.push_back(bucket.owned_rule("site/gone/", kNow - hours{50}, false));
    Plan p = plan(10);
    apply_lifecycle(bucket, {&p});
    EXPECT_TRUE(bucket.lifecycle.empty());
    EXPECT_EQ(bucket.lifecycle_puts, 1);
}

TEST_F(LifecycleTest, SmallDeploymentsAndTheRuleLimitGoTheRequestWay) {
    bucket.rule_limit = 4;
    bucket.lifecycle.push_back(foreign("a"));
    // Over 2 objects: d3..d7 qualify; 3 rules of room: d7, d6, d5.
    Plan p = plan(3, {true, 2});
    EXPECT_EQ(p.lifecycle->add.size(), 3u);
    EXPECT_EQ(of(p, "d7").action, Action::kExpire);
    EXPECT_EQ(of(p, "d5").action, Action::kExpire);
    EXPECT_EQ(of(p, "d4").action, Action::kDelete);
    EXPECT_EQ(of(p, "d1").action, Action::kDelete);
    EXPECT_EQ(p.summary.remove, 4u);
    EXPECT_EQ(p.summary.objects_to_delete, 1u + 2 + 3 + 4);
    std::map<std::string, ByRequests> why(p.lifecycle->by_requests.begin(),
                                          p.lifecycle->by_requests.end());
    EXPECT_EQ(why["d1"], ByRequests::kSmall);
    EXPECT_EQ(why["d2"], ByRequests::kSmall);
    EXPECT_EQ(why["d3"], ByRequests::kLimit);
    EXPECT_EQ(why["d4"], ByRequests::kLimit);
    EXPECT_EQ(p.lifecycle->rules_after, 4u);
    EXPECT_EQ(doomed_deployments(p).size(), 4u);
}

TEST_F(LifecycleTest, APrefixNoRuleCanCarryGoesTheRequestWay) {
    bucket.can_batch = [](std::string_view key) { return key.find("d1/") == std::string::npos; };
    Plan p = plan(3);
    EXPECT_EQ(of(p, "d1").action, Action::kDelete);
    ASSERT_FALSE(p.lifecycle->by_requests.empty());
    EXPECT_EQ(p.lifecycle->by_requests[0].second, ByRequests::kNotCarriable);
}

TEST_F(LifecycleTest, ObjectsWrittenDuringTheRunKeepTheDeploymentOnRequests) {
    Policy policy;
    policy.keep = 3;
    BuildOptions options;
    // The listing began before d1's objects were written: they are held back.
    options.now = [] { return aws::TimePoint{hours{490'001}} - hours{1}; };
    Plan p = build_plan(bucket, "b", "site/", policy, options);
    plan_lifecycle(bucket, p, {}, {true, 0}, kNow);
    EXPECT_EQ(of(p, "d1").action, Action::kDelete);
    EXPECT_EQ(p.lifecycle->by_requests[0].second, ByRequests::kWrittenDuring);
}

TEST_F(LifecycleTest, AnOwnedRuleCoveringTheRootIsRefused) {
    bucket.lifecycle.push_back(bucket.owned_rule("site/", kNow, false));
    Policy policy;
    policy.keep = 3;
    Plan p = build_plan(bucket, "b", "site/", policy, BuildOptions{});
    EXPECT_THROW(plan_lifecycle(bucket, p, bucket.lifecycle_rules(), {true, 0}, kNow),
                 LifecycleError);
}

TEST_F(LifecycleTest, AnOwnedRuleInsideAKeptDeploymentIsRefused) {
    bucket.lifecycle.push_back(bucket.owned_rule("site/d10/css/", kNow, false));
    Policy policy;
    policy.keep = 3;
    Plan p = build_plan(bucket, "b", "site/", policy, BuildOptions{});
    EXPECT_THROW(plan_lifecycle(bucket, p, bucket.lifecycle_rules(), {true, 0}, kNow),
                 LifecycleError);
}

TEST_F(LifecycleTest, TheWriteMergesWithRulesAddedSincePlanning) {
    Plan p = plan(8);  // d1, d2
    bucket.before_read = [this](std::vector<LifecycleRule>& rules) {
        if (rules.empty()) {
            rules.push_back(foreign("added-meanwhile"));
            rules.push_back(bucket.owned_rule("site/d1/", kNow, false));  // another run's
        }
    };
    apply_lifecycle(bucket, {&p});
    ASSERT_EQ(bucket.lifecycle.size(), 3u);
    EXPECT_EQ(bucket.lifecycle[0].id, "added-meanwhile");
    EXPECT_EQ(bucket.lifecycle[2].prefix, "site/d2/");
}

TEST_F(LifecycleTest, AChangeReadBackIsAnErrorNamingTheRule) {
    bucket.lifecycle.push_back(foreign("mine"));
    Plan p = plan(8);
    bucket.alter_read_back = [](std::vector<LifecycleRule>& rules) {
        rules[0].meaning = "changed";
        rules.pop_back();
    };
    try {
        apply_lifecycle(bucket, {&p});
        FAIL() << "no error";
    } catch (const LifecycleError& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("rule 'mine' came back changed"), std::string::npos) << what;
        EXPECT_NE(what.find("is missing"), std::string::npos) << what;
    }
}

TEST_F(LifecycleTest, RulesWithoutIdAreMatchedByPlace) {
    LifecycleRule unnamed = foreign("");
    unnamed.meaning = "unnamed";
    bucket.lifecycle.push_back(unnamed);
    Plan p = plan(9);
    EXPECT_NO_THROW(apply_lifecycle(bucket, {&p}));
    // Each read after a write returns the rule without ID changed anew.
    bucket.alter_read_back = [this](std::vector<LifecycleRule>& rules) {
        rules[0].meaning = "changed by write " + std::to_string(bucket.lifecycle_puts);
    };
    bucket.lifecycle.pop_back();  // d1's rule: written again below
    Plan again = plan(9);
    ASSERT_EQ(again.lifecycle->add.size(), 1u);
    EXPECT_THROW(apply_lifecycle(bucket, {&again}), LifecycleError);
}

TEST_F(LifecycleTest, NothingChangedIsNotWritten) {
    Plan p = plan(3);
    apply_lifecycle(bucket, {&p});
    Plan same = plan(3);
    EXPECT_FALSE(same.lifecycle->writes());
    EXPECT_EQ(same.summary.expiring, 7u);
    // A plan with nothing to change leaves the configuration alone.
    const LifecycleWrite write = apply_lifecycle(bucket, {&same});
    EXPECT_FALSE(write.written);
    EXPECT_EQ(bucket.lifecycle_puts, 1);
}

TEST_F(LifecycleTest, TheSafetyCheckRefusesARuleForAKeptOrLiveDeployment) {
    Plan p = plan(3);
    Plan tampered = p;
    tampered.lifecycle->add[0].rule.prefix = "site/";
    EXPECT_THROW(apply_lifecycle(bucket, {&tampered}), PlanSafetyError);
    Plan live = p;
    live.policy.live = {live.lifecycle->add[0].deployment};
    EXPECT_THROW(apply_lifecycle(bucket, {&live}), PlanSafetyError);
    Plan incomplete = p;
    incomplete.incomplete = true;
    EXPECT_THROW(apply_lifecycle(bucket, {&incomplete}), PlanSafetyError);
    EXPECT_EQ(bucket.lifecycle_puts, 0);
}

TEST_F(LifecycleTest, AFullConfigurationAtWriteTimeIsRefused) {
    bucket.rule_limit = 8;
    Plan p = plan(3);  // 7 rules, with room for 8
    bucket.before_read = [this](std::vector<LifecycleRule>& rules) {
        if (rules.empty()) {
            rules.push_back(foreign("x"));
            rules.push_back(foreign("y"));
        }
    };
    EXPECT_THROW(apply_lifecycle(bucket, {&p}), LifecycleError);
    EXPECT_EQ(bucket.lifecycle_puts, 0);
}

TEST_F(LifecycleTest, OnAVersionedBucketNoncurrentVersionsExpireToo) {
    bucket.versioning_status = Versioning::kEnabled;
    for (int i = 1; i <= 4; ++i) {
        bucket.put_version("site/d" + std::to_string(i) + "/f0", "v" + std::to_string(i), 10, true);
    }
    Policy policy;
    policy.keep = 3;
    Plan p = build_plan(bucket, "b", "site/", policy, BuildOptions{});
    plan_lifecycle(bucket, p, {}, {true, 0}, kNow);
    ASSERT_FALSE(p.lifecycle->add.empty());
    EXPECT_TRUE(p.lifecycle->add[0].rule.noncurrent);
}

TEST_F(LifecycleTest, DeleteMarkersARuleLeftAloneAreDeletedAndItsRuleRetired) {
    bucket.versioning_status = Versioning::kEnabled;
    for (int i = 1; i <= 3; ++i) {
        bucket.put_version("site/d" + std::to_string(i) + "/f0", "v" + std::to_string(i), 10, true);
    }
    // d0 was expired by its rule down to two delete markers (RGW leaves them).
    bucket.put_version("site/d0/a", "m1", 0, true, true);
    bucket.put_version("site/d0/b", "m2", 0, true, true);
    bucket.lifecycle.push_back(bucket.owned_rule("site/d0/", kNow - hours{72}, true));
    Policy policy;
    policy.keep = 3;
    Plan p = build_plan(bucket, "b", "site/", policy, BuildOptions{});
    plan_lifecycle(bucket, p, bucket.lifecycle_rules(), {true, 0}, kNow);
    ASSERT_EQ(p.lifecycle->retire.size(), 1u);
    ASSERT_EQ(p.leftover_markers.size(), 1u);
    EXPECT_EQ(p.leftover_markers[0].delete_markers, 2u);
    EXPECT_TRUE(p.changes_anything());
    apply_lifecycle(bucket, {&p});
    EXPECT_TRUE(bucket.lifecycle.empty());
    const ExecutionResult result = execute_plan(p, bucket, ExecutorHooks{});
    EXPECT_TRUE(result.failed.empty());
    std::vector<std::string> left;
    bucket.list({.prefix = "site/d0/", .versions = true}, [&](ListedPage& listed) {
        for (const auto& o : listed.objects) left.emplace_back(o.key);
        return true;
    });
    EXPECT_TRUE(left.empty());
}

TEST_F(LifecycleTest, AGhostWithVersionsLeftStaysPending) {
    bucket.versioning_status = Versioning::kEnabled;
    bucket.put_version("site/d0/a", "v1", 5, false);
    bucket.put_version("site/d0/a", "m1", 0, true, true);
    bucket.lifecycle.push_back(bucket.owned_rule("site/d0/", kNow - hours{72}, true));
    Policy policy;
    policy.keep = 3;
    Plan p = build_plan(bucket, "b", "site/", policy, BuildOptions{});
    plan_lifecycle(bucket, p, bucket.lifecycle_rules(), {true, 0}, kNow);
    EXPECT_TRUE(p.leftover_markers.empty());
    ASSERT_EQ(p.lifecycle->pending.size(), 1u);
}

TEST(ByRequestsNames, AreTheJsonWords) {
    EXPECT_STREQ(to_string(ByRequests::kSmall), "small");
    EXPECT_STREQ(to_string(ByRequests::kLimit), "limit");
    EXPECT_STREQ(to_string(ByRequests::kNotCarriable), "xml");
    EXPECT_STREQ(to_string(ByRequests::kWrittenDuring), "written-during-run");
    EXPECT_STREQ(to_string(Action::kExpire), "expire");
    EXPECT_STREQ(to_string(Action::kExpiring), "expiring");
}

}  // namespace
}  // namespace retention
