// Unit tests for src/retention/planner.hpp: make_plan as a pure function,
// table-driven, plus a seeded property test over random deployment sets.
#include "retention/planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using retention::Action;
using retention::Deployment;
using retention::Plan;
using retention::Policy;
using retention::Reason;
using retention::SortBy;
using retention::TimePoint;

// A day as a time point: day 0 is 2026-01-01T00:00:00Z.
TimePoint day(int n) {
    using namespace std::chrono;
    return TimePoint{milliseconds{(1767225600LL + static_cast<long long>(n) * 86400) * 1000}};
}

Deployment dep(const std::string& name, int newest_day, int oldest_day = -1000,
               std::uint64_t objects = 1, std::uint64_t bytes = 100) {
    Deployment d;
    d.name = name;
    d.prefix = "sites/" + name + "/";
    d.newest = day(newest_day);
    d.oldest = day(oldest_day == -1000 ? newest_day : oldest_day);
    d.objects = objects;
    d.bytes = bytes;
    return d;
}

Policy policy(int keep, SortBy sort_by = SortBy::kNewest,
              std::optional<int> cutoff_day = std::nullopt, std::vector<std::string> protect = {}) {
    Policy p;
    p.keep = keep;
    p.sort_by = sort_by;
    if (cutoff_day) p.cutoff = day(*cutoff_day);
    p.protect = std::move(protect);
    return p;
}

// One expected decision: "name:keep:newest" style, in plan order.
struct Expect {
    std::string name;
    Action action;
    Reason reason;
};

std::string describe(const Plan& plan) {
    std::string out;
    for (const auto& d : plan.decisions) {
        out += d.deployment.name + ":" + retention::to_string(d.action) + ":" +
               retention::to_string(d.reason) + " ";
    }
    return out;
}

struct PlanCase {
    const char* name;
    std::vector<Deployment> deployments;
    Policy policy;
    std::vector<Expect> expected;
};

void PrintTo(const PlanCase& c, std::ostream* os) { *os << c.name; }

constexpr Action K = Action::kKeep;
constexpr Action D = Action::kDelete;

class PlannerTableTest : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlannerTableTest, Decisions) {
    const auto& c = GetParam();
    const auto plan = retention::make_plan("my-bucket", "sites/", c.deployments, c.policy);
    SCOPED_TRACE(describe(plan));
    ASSERT_EQ(plan.decisions.size(), c.expected.size());
    for (std::size_t i = 0; i < c.expected.size(); ++i) {
        SCOPED_TRACE("position " + std::to_string(i));
        EXPECT_EQ(plan.decisions[i].deployment.name, c.expected[i].name);
        EXPECT_EQ(plan.decisions[i].action, c.expected[i].action);
        EXPECT_EQ(plan.decisions[i].reason, c.expected[i].reason);
    }
    EXPECT_EQ(plan.bucket, "my-bucket");
    EXPECT_EQ(plan.root, "sites/");
    EXPECT_EQ(plan.policy.keep, c.policy.keep);
    EXPECT_EQ(plan.summary.deployments, c.expected.size());
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlannerTableTest,
    ::testing::Values(
        PlanCase{"empty", {}, policy(3), {}},
        PlanCase{"keep_two_newest",
                 {dep("a", 1), dep("c", 3), dep("b", 2), dep("d", 4)},
                 policy(2),
                 {{"d", K, Reason::kNewest},
                  {"c", K, Reason::kNewest},
                  {"b", D, Reason::kPastKeep},
                  {"a", D, Reason::kPastKeep}}},
        PlanCase{"keep_one_of_one", {dep("only", 1)}, policy(1), {{"only", K, Reason::kNewest}}},
        PlanCase{"keep_more_than_count",
                 {dep("a", 1), dep("b", 2)},
                 policy(5),
                 {{"b", K, Reason::kNewest}, {"a", K, Reason::kNewest}}},
        PlanCase{"keep_equal_to_count",
                 {dep("a", 1), dep("b", 2), dep("c", 3)},
                 policy(3),
                 {{"c", K, Reason::kNewest}, {"b", K, Reason::kNewest}, {"a", K, Reason::kNewest}}},
        PlanCase{"ties_go_to_greater_name",
                 {dep("build-1", 5), dep("build-3", 5), dep("build-2", 5)},
                 policy(1),
                 {{"build-3", K, Reason::kNewest},
                  {"build-2", D, Reason::kPastKeep},
                  {"build-1", D, Reason::kPastKeep}}},
        PlanCase{
            "sort_by_oldest_disagrees_with_newest",
            // x: created day 1, rewritten day 10; y: created day 5, last written day 6.
            {dep("x", 10, 1), dep("y", 6, 5), dep("z", 3, 2)},
            policy(1, SortBy::kOldest),
            {{"y", K, Reason::kNewest}, {"z", D, Reason::kPastKeep}, {"x", D, Reason::kPastKeep}}},
        PlanCase{
            "sort_by_newest_same_data",
            {dep("x", 10, 1), dep("y", 6, 5), dep("z", 3, 2)},
            policy(1, SortBy::kNewest),
            {{"x", K, Reason::kNewest}, {"y", D, Reason::kPastKeep}, {"z", D, Reason::kPastKeep}}},
        PlanCase{
            "sort_by_name_disagrees_with_newest",
            {dep("v1", 30), dep("v2", 20), dep("v3", 10)},
            policy(2, SortBy::kName),
            {{"v3", K, Reason::kNewest}, {"v2", K, Reason::kNewest}, {"v1", D, Reason::kPastKeep}}},
        PlanCase{"sort_by_oldest_ties_by_name",
                 {dep("a", 9, 1), dep("b", 2, 1)},
                 policy(1, SortBy::kOldest),
                 {{"b", K, Reason::kNewest}, {"a", D, Reason::kPastKeep}}},
        PlanCase{"cutoff_keeps_newer_ones_past_n",
                 {dep("a", 1), dep("b", 2), dep("c", 3), dep("d", 4), dep("e", 5)},
                 policy(1, SortBy::kNewest, 3),
                 {{"e", K, Reason::kNewest},
                  {"d", K, Reason::kNewerThanCutoff},
                  {"c", K, Reason::kNewerThanCutoff},  // newest == cutoff: not before it
                  {"b", D, Reason::kPastKeep},
                  {"a", D, Reason::kPastKeep}}},
        PlanCase{"cutoff_cannot_reduce_below_n",
                 {dep("a", 1), dep("b", 2), dep("c", 3), dep("d", 4)},
                 policy(2, SortBy::kNewest, 100),
                 {{"d", K, Reason::kNewest},
                  {"c", K, Reason::kNewest},
                  {"b", D, Reason::kPastKeep},
                  {"a", D, Reason::kPastKeep}}},
        PlanCase{"cutoff_older_than_all_deletes_nothing",
                 {dep("a", 1), dep("b", 2), dep("c", 3)},
                 policy(1, SortBy::kNewest, -50),
                 {{"c", K, Reason::kNewest},
                  {"b", K, Reason::kNewerThanCutoff},
                  {"a", K, Reason::kNewerThanCutoff}}},
        PlanCase{"cutoff_uses_newest_even_when_sorted_by_oldest",
                 // q was created long ago but written recently: past N, yet not before the cutoff.
                 {dep("p", 8, 7), dep("q", 9, 1), dep("r", 2, 2)},
                 policy(1, SortBy::kOldest, 5),
                 {{"p", K, Reason::kNewest},
                  {"r", D, Reason::kPastKeep},
                  {"q", K, Reason::kNewerThanCutoff}}},
        PlanCase{"protected_not_counted_toward_n",
                 {dep("release-2", 10), dep("build-9", 9), dep("build-8", 8), dep("release-1", 1),
                  dep("build-7", 7)},
                 policy(2, SortBy::kNewest, std::nullopt, {"release-*"}),
                 {{"release-2", K, Reason::kProtected},
                  {"build-9", K, Reason::kNewest},
                  {"build-8", K, Reason::kNewest},
                  {"build-7", D, Reason::kPastKeep},
                  {"release-1", K, Reason::kProtected}}},
        PlanCase{"protect_question_mark_glob",
                 {dep("v", 1), dep("v1", 2), dep("x", 3), dep("vv", 4)},
                 policy(1, SortBy::kNewest, std::nullopt, {"?"}),
                 {{"vv", K, Reason::kNewest},
                  {"x", K, Reason::kProtected},
                  {"v1", D, Reason::kPastKeep},
                  {"v", K, Reason::kProtected}}},
        PlanCase{"protect_bracket_glob",
                 {dep("alpha", 1), dep("beta", 2), dep("gamma", 3), dep("delta", 4), dep("abc", 5)},
                 policy(1, SortBy::kNewest, std::nullopt, {"[ab]*"}),
                 {{"abc", K, Reason::kProtected},
                  {"delta", K, Reason::kNewest},
                  {"gamma", D, Reason::kPastKeep},
                  {"beta", K, Reason::kProtected},
                  {"alpha", K, Reason::kProtected}}},
        PlanCase{"several_globs_and_exact_name",
                 {dep("main", 1), dep("pr-1", 2), dep("pr-2", 3), dep("tag-1", 4)},
                 policy(1, SortBy::kNewest, std::nullopt, {"main", "tag-*"}),
                 {{"tag-1", K, Reason::kProtected},
                  {"pr-2", K, Reason::kNewest},
                  {"pr-1", D, Reason::kPastKeep},
                  {"main", K, Reason::kProtected}}},
        PlanCase{"glob_is_whole_name_not_substring",
                 {dep("my-release-1", 1), dep("z", 2)},
                 policy(1, SortBy::kNewest, std::nullopt, {"release-*"}),
                 {{"z", K, Reason::kNewest}, {"my-release-1", D, Reason::kPastKeep}}},
        PlanCase{"all_protected",
                 {dep("a", 1), dep("b", 2)},
                 policy(1, SortBy::kNewest, std::nullopt, {"*"}),
                 {{"b", K, Reason::kProtected}, {"a", K, Reason::kProtected}}},
        PlanCase{"protect_cutoff_and_keep_together",
                 {dep("release-1", 1), dep("a", 2), dep("b", 3), dep("c", 20), dep("d", 21),
                  dep("e", 22)},
                 policy(2, SortBy::kNewest, 10, {"release-*"}),
                 {{"e", K, Reason::kNewest},
                  {"d", K, Reason::kNewest},
                  {"c", K, Reason::kNewerThanCutoff},
                  {"b", D, Reason::kPastKeep},
                  {"a", D, Reason::kPastKeep},
                  {"release-1", K, Reason::kProtected}}}),
    [](const ::testing::TestParamInfo<PlanCase>& case_info) {
        return std::string(case_info.param.name);
    });

TEST(PlannerSummary, CountsAndBytes) {
    const std::vector<Deployment> deployments{dep("a", 1, 1, 10, 1000), dep("b", 2, 2, 20, 2000),
                                              dep("c", 3, 3, 30, 3000), dep("d", 4, 4, 40, 4000),
                                              dep("release-0", 0, 0, 5, 500)};
    const auto plan = retention::make_plan("b", "", deployments,
                                           policy(2, SortBy::kNewest, std::nullopt, {"release-*"}));
    EXPECT_EQ(plan.summary.deployments, 5u);
    EXPECT_EQ(plan.summary.keep, 3u);
    EXPECT_EQ(plan.summary.remove, 2u);
    EXPECT_EQ(plan.summary.objects_to_delete, 30u);  // a + b
    EXPECT_EQ(plan.summary.bytes_to_delete, 3000u);  // a + b
    EXPECT_EQ(plan.root, "");
}

TEST(PlannerSummary, EmptyPlan) {
    const auto plan = retention::make_plan("b", "r/", {}, policy(1));
    EXPECT_TRUE(plan.decisions.empty());
    EXPECT_EQ(plan.summary.deployments, 0u);
    EXPECT_EQ(plan.summary.keep, 0u);
    EXPECT_EQ(plan.summary.remove, 0u);
    EXPECT_EQ(plan.summary.objects_to_delete, 0u);
    EXPECT_EQ(plan.summary.bytes_to_delete, 0u);
}

TEST(PlannerSummary, LargeByteCountsDoNotOverflow32Bits) {
    const std::uint64_t five_tib = 5ULL << 40;
    const auto plan = retention::make_plan(
        "b", "", {dep("a", 1, 1, 100000, five_tib), dep("b", 2, 2, 100000, five_tib), dep("c", 3)},
        policy(1));
    EXPECT_EQ(plan.summary.bytes_to_delete, 2 * five_tib);
    EXPECT_EQ(plan.summary.objects_to_delete, 200000u);
}

TEST(PlannerPlan, DeploymentDataIsCarriedThrough) {
    const auto plan = retention::make_plan("b", "sites/", {dep("a", 1, 0, 7, 700)}, policy(1));
    ASSERT_EQ(plan.decisions.size(), 1u);
    const auto& d = plan.decisions[0].deployment;
    EXPECT_EQ(d.prefix, "sites/a/");
    EXPECT_EQ(d.objects, 7u);
    EXPECT_EQ(d.bytes, 700u);
    EXPECT_EQ(d.newest, day(1));
    EXPECT_EQ(d.oldest, day(0));
}

TEST(PlannerIsProtected, GlobTable) {
    struct Case {
        std::string name;
        std::vector<std::string> globs;
        bool expected;
    };
    const Case cases[] = {
        {"release-1.2", {"release-*"}, true},
        {"release-", {"release-*"}, true},
        {"prerelease-1", {"release-*"}, false},
        {"a", {"?"}, true},
        {"ab", {"?"}, false},
        {"alpha", {"[ab]*"}, true},
        {"beta", {"[ab]*"}, true},
        {"gamma", {"[ab]*"}, false},
        {"x", {}, false},
        {"x", {"y", "x"}, true},
        {"Release-1", {"release-*"}, false},  // case-sensitive
        {".hidden", {"*"}, true},
        {"v1.0", {"v[0-9].*"}, true},
        {"v10", {"v[!0-9]*"}, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(retention::is_protected(c.name, c.globs), c.expected);
    }
}

TEST(PlannerSort, NewestFirstByEachKey) {
    struct Case {
        SortBy sort_by;
        std::vector<std::string> expected;
    };
    const std::vector<Deployment> deployments{dep("b", 5, 1), dep("a", 3, 4), dep("c", 1, 0),
                                              dep("d", 5, 2)};
    const Case cases[] = {
        {SortBy::kNewest, {"d", "b", "a", "c"}},
        {SortBy::kOldest, {"a", "d", "b", "c"}},
        {SortBy::kName, {"d", "c", "b", "a"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(retention::to_string(c.sort_by));
        auto sorted = deployments;
        retention::sort_newest_first(sorted, c.sort_by);
        std::vector<std::string> names;
        for (const auto& d : sorted) names.push_back(d.name);
        EXPECT_EQ(names, c.expected);
    }
}

TEST(PlannerToString, Names) {
    EXPECT_STREQ(retention::to_string(Action::kKeep), "keep");
    EXPECT_STREQ(retention::to_string(Action::kDelete), "delete");
    EXPECT_STREQ(retention::to_string(Reason::kNewest), "newest");
    EXPECT_STREQ(retention::to_string(Reason::kProtected), "protected");
    EXPECT_STREQ(retention::to_string(Reason::kNewerThanCutoff), "newer-than-cutoff");
    EXPECT_STREQ(retention::to_string(Reason::kPastKeep), "past-keep");
    EXPECT_STREQ(retention::to_string(SortBy::kNewest), "newest");
    EXPECT_STREQ(retention::to_string(SortBy::kOldest), "oldest");
    EXPECT_STREQ(retention::to_string(SortBy::kName), "name");
}

// ------------------------------------------------------------- property test

// True when a counts as newer than b under sort_by (the documented order:
// the sort key, then the greater name).
bool newer_than(const Deployment& a, const Deployment& b, SortBy sort_by) {
    switch (sort_by) {
        case SortBy::kNewest:
            if (a.newest != b.newest) return a.newest > b.newest;
            break;
        case SortBy::kOldest:
            if (a.oldest != b.oldest) return a.oldest > b.oldest;
            break;
        case SortBy::kName:
            break;
    }
    return a.name > b.name;
}

TEST(PlannerProperty, InvariantsHoldOnRandomInputs) {
    std::mt19937 rng(20261120);
    const std::vector<std::string> glob_pool{"release-*", "?",      "[ab]*", "keep",
                                             "*-prod",    "v[0-9]", "zz*"};
    const std::vector<std::string> stems{"a", "b", "release-", "v", "build-", "x", "keep", "zz"};
    auto uniform = [&rng](int lo, int hi) {
        return std::uniform_int_distribution<int>(lo, hi)(rng);
    };

    int plans_with_deletions = 0;
    for (int iteration = 0; iteration < 2000; ++iteration) {
        SCOPED_TRACE("iteration " + std::to_string(iteration));
        // Deployments: unique names, times in a small range so ties are common.
        std::vector<Deployment> deployments;
        std::set<std::string> names;
        const int count = uniform(0, 14);
        while (static_cast<int>(deployments.size()) < count) {
            std::string name = stems[static_cast<std::size_t>(uniform(0, 7))];
            if (uniform(0, 3) != 0) name += std::to_string(uniform(0, 30));
            if (uniform(0, 5) == 0) name += "-prod";
            if (!names.insert(name).second) continue;
            const int newest = uniform(0, 20);
            const int oldest = newest - uniform(0, 10);
            deployments.push_back(dep(name, newest, oldest,
                                      static_cast<std::uint64_t>(uniform(1, 1000)),
                                      static_cast<std::uint64_t>(uniform(0, 1 << 30))));
        }
        Policy p;
        p.keep = uniform(1, 16);
        p.sort_by = static_cast<SortBy>(uniform(0, 2));
        if (uniform(0, 1) == 1) p.cutoff = day(uniform(-2, 22));
        for (int g = uniform(0, 2); g > 0; --g) {
            p.protect.push_back(glob_pool[static_cast<std::size_t>(uniform(0, 6))]);
        }

        const auto plan = retention::make_plan("bucket", "root/", deployments, p);
        const auto& decisions = plan.decisions;

        // Same deployments, each once.
        ASSERT_EQ(decisions.size(), deployments.size());
        std::set<std::string> planned;
        for (const auto& d : decisions) planned.insert(d.deployment.name);
        ASSERT_EQ(planned, names);

        // Newest first in the policy's order.
        for (std::size_t i = 1; i < decisions.size(); ++i) {
            ASSERT_TRUE(newer_than(decisions[i - 1].deployment, decisions[i].deployment, p.sort_by))
                << decisions[i - 1].deployment.name << " before " << decisions[i].deployment.name;
        }

        std::uint64_t keep = 0, remove = 0, objects = 0, bytes = 0;
        int unprotected_seen = 0;
        for (const auto& d : decisions) {
            const bool is_protected = retention::is_protected(d.deployment.name, p.protect);
            SCOPED_TRACE(d.deployment.name);
            if (is_protected) {
                // No protected deployment is ever deleted.
                EXPECT_EQ(d.action, Action::kKeep);
                EXPECT_EQ(d.reason, Reason::kProtected);
            } else {
                ++unprotected_seen;
                if (unprotected_seen <= p.keep) {
                    // None of the N newest unprotected is deleted.
                    EXPECT_EQ(d.action, Action::kKeep);
                    EXPECT_EQ(d.reason, Reason::kNewest);
                } else if (p.cutoff && d.deployment.newest >= *p.cutoff) {
                    EXPECT_EQ(d.action, Action::kKeep);
                    EXPECT_EQ(d.reason, Reason::kNewerThanCutoff);
                } else {
                    EXPECT_EQ(d.action, Action::kDelete);
                    EXPECT_EQ(d.reason, Reason::kPastKeep);
                }
            }
            if (d.action == Action::kDelete) {
                // Nothing written at or after the cutoff is deleted.
                if (p.cutoff) {
                    EXPECT_LT(d.deployment.newest, *p.cutoff);
                }
                EXPECT_FALSE(is_protected);
                ++remove;
                objects += d.deployment.objects;
                bytes += d.deployment.bytes;
            } else {
                ++keep;
            }
        }
        // At least min(N, unprotected) kept among the unprotected.
        std::uint64_t kept_unprotected = 0;
        for (const auto& d : decisions) {
            if (d.action == Action::kKeep && d.reason != Reason::kProtected) ++kept_unprotected;
        }
        EXPECT_GE(kept_unprotected, static_cast<std::uint64_t>(std::min(p.keep, unprotected_seen)));

        // Summary consistent with the decisions.
        EXPECT_EQ(plan.summary.deployments, decisions.size());
        EXPECT_EQ(plan.summary.keep, keep);
        EXPECT_EQ(plan.summary.remove, remove);
        EXPECT_EQ(plan.summary.keep + plan.summary.remove, plan.summary.deployments);
        EXPECT_EQ(plan.summary.objects_to_delete, objects);
        EXPECT_EQ(plan.summary.bytes_to_delete, bytes);

        // The newest deployment (first in the policy's order) is never deleted; with
        // --sort-by newest that is the one written last.
        if (!decisions.empty()) {
            EXPECT_EQ(decisions.front().action, Action::kKeep);
            if (p.sort_by == SortBy::kNewest) {
                const auto last_written = std::max_element(
                    deployments.begin(), deployments.end(),
                    [](const Deployment& a, const Deployment& b) { return a.newest < b.newest; });
                EXPECT_EQ(decisions.front().deployment.newest, last_written->newest);
            }
        }
        if (remove > 0) ++plans_with_deletions;
        if (::testing::Test::HasFailure()) break;  // one failing seed is enough to read
    }
    // The generator must actually exercise deletions.
    EXPECT_GT(plans_with_deletions, 300);
}

}  // namespace

namespace {

TEST(PlannerLive, ALiveDeploymentIsKeptOutsideTheN) {
    // The rollback: d04 is live, d08..d10 are the newest.
    std::vector<Deployment> deployments;
    for (int i = 1; i <= 10; ++i) deployments.push_back(dep("d" + std::to_string(100 + i), i));
    Policy p = policy(3, SortBy::kNewest, std::nullopt, {"d102"});
    p.live = {"d104"};
    const Plan plan = retention::make_plan("b", "sites/", std::move(deployments), p);
    EXPECT_EQ(describe(plan),
              "d110:keep:newest d109:keep:newest d108:keep:newest d107:delete:past-keep "
              "d106:delete:past-keep d105:delete:past-keep d104:keep:live "
              "d103:delete:past-keep d102:keep:protected d101:delete:past-keep ");
    EXPECT_EQ(plan.summary.keep, 5u);
}

TEST(PlannerLive, LiveWinsOverProtectedAndTheCutoff) {
    Policy p = policy(1, SortBy::kNewest, 5, {"old"});
    p.live = {"old"};
    const Plan plan = retention::make_plan("b", "", {dep("new", 9), dep("old", 1)}, p);
    EXPECT_EQ(describe(plan), "new:keep:newest old:keep:live ");
}

}  // namespace
