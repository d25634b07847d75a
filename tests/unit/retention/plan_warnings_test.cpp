// plan_warnings: what looks like a user's mistake, from a plan alone.
#include "retention/plan_warnings.hpp"

#include <gtest/gtest.h>

#include "retention/planner.hpp"

namespace retention {
namespace {

Deployment dep(const std::string& name, bool direct, bool subfolders) {
    Deployment d;
    d.name = name;
    d.prefix = "apps/" + name + "/";
    d.objects = 2;
    d.has_direct_objects = direct;
    d.has_subfolders = subfolders;
    return d;
}

Plan plan_of(std::vector<Deployment> deployments, std::vector<std::string> protect = {}) {
    Policy policy;
    policy.keep = 1;
    policy.protect = std::move(protect);
    return make_plan("multi", "apps/", std::move(deployments), policy);
}

RootFacts folders(std::uint64_t count) { return RootFacts{count, 0, false}; }

TEST(PlanWarnings, NoneForAnOrdinaryRoot) {
    const Plan plan = plan_of({dep("b1", true, true), dep("b2", true, false)}, {"b*"});
    EXPECT_TRUE(plan_warnings(plan, folders(2)).empty());
}

TEST(PlanWarnings, AnEmptyRoot) {
    EXPECT_EQ(plan_warnings(plan_of({}), folders(0)),
              (std::vector<std::string>{"s3://multi/apps/ is empty: no folder and no object "
                                        "under it; check the bucket and the path for a typo"}));
}

TEST(PlanWarnings, ARootOfOnlyObjects) {
    EXPECT_EQ(plan_warnings(plan_of({}), RootFacts{0, 1, false}),
              (std::vector<std::string>{"s3://multi/apps/ holds no folder, only 1 object "
                                        "directly under it (never deployments): is the URL one "
                                        "level too deep?"}));
}

TEST(PlanWarnings, ARootThatIsAnObject) {
    EXPECT_EQ(plan_warnings(plan_of({}), RootFacts{0, 0, true}),
              (std::vector<std::string>{"s3://multi/apps is an object, not a folder: give the "
                                        "folder that holds the deployments"}));
}

TEST(PlanWarnings, OnlyEmptyFoldersOrGhostsAreNoMistake) {
    EXPECT_TRUE(plan_warnings(plan_of({}), folders(3)).empty());
    Plan with_ghost = plan_of({});
    with_ghost.ghosts.push_back(dep("g", false, false));
    EXPECT_TRUE(plan_warnings(with_ghost, folders(0)).empty());
}

TEST(PlanWarnings, AProtectGlobThatMatchesNothing) {
    const Plan plan = plan_of({dep("d01", true, false), dep("d02", true, false),
                               dep("d03", true, false), dep("d04", true, false)},
                              {"d4", "d0[12]"});
    EXPECT_EQ(plan_warnings(plan, folders(4)),
              (std::vector<std::string>{"--protect 'd4' matches no deployment under "
                                        "s3://multi/apps/ (deployments: d04, d03, d02, ...): "
                                        "check the name"}));
}

TEST(PlanWarnings, FoldersOfOnlySubFoldersLookLikeApps) {
    const Plan plan = plan_of({dep("web", false, true), dep("api", false, true)});
    const auto warnings = plan_warnings(plan, folders(2));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0],
              "no folder under s3://multi/apps/ (web, api) has an object of its own, every one "
              "holds only sub-folders: these look like apps, not deployments: did you mean "
              "s3://multi/apps/*/ (keep N per app), or one app, such as s3://multi/apps/web/?");
}

TEST(PlanWarnings, OneDirectObjectOrOneFolderIsNotEnoughToCallThemApps) {
    EXPECT_TRUE(
        plan_warnings(plan_of({dep("web", false, true), dep("api", true, true)}), folders(2))
            .empty());
    EXPECT_TRUE(plan_warnings(plan_of({dep("web", false, true)}), folders(1)).empty());
    Deployment unlisted = dep("api", false, false);
    unlisted.listed = false;  // kept by name alone: not known, not counted
    EXPECT_TRUE(plan_warnings(plan_of({dep("web", false, true), unlisted}), folders(2)).empty());
}

}  // namespace
}  // namespace retention
