// What a served prefix and a pointer object's body make live.
#include "retention/live.hpp"

#include <gtest/gtest.h>

namespace retention {
namespace {

using Names = std::vector<std::string>;

TEST(DeploymentOfPrefix, RootNameOrDeeper) {
    EXPECT_EQ(deployment_of_prefix("d04", ""), "d04");
    EXPECT_EQ(deployment_of_prefix("d04/public/v2", ""), "d04");
    EXPECT_EQ(deployment_of_prefix("sites/web/d02/public", "sites/web/"), "d02");
    EXPECT_EQ(deployment_of_prefix("sites/web/d02", "sites/web/"), "d02");
}

TEST(DeploymentOfPrefix, OutsideTheRootOrAtItNamesNothing) {
    EXPECT_EQ(deployment_of_prefix("elsewhere/x", "sites/web/"), std::nullopt);
    EXPECT_EQ(deployment_of_prefix("sites/web", "sites/web/"), std::nullopt);
    EXPECT_EQ(deployment_of_prefix("sites/webx/d1", "sites/web/"), std::nullopt);
    EXPECT_EQ(deployment_of_prefix("sites", "sites/web/"), std::nullopt);
    EXPECT_EQ(deployment_of_prefix("", ""), std::nullopt);
}

TEST(ReferencedDeployments, AWholePathSegment) {
    const Names names{"d04", "d06", "d10"};
    EXPECT_EQ(referenced_deployments(R"(<script src="/d06/static/app.js"></script>)", names, ""),
              Names{"d06"});
    EXPECT_EQ(referenced_deployments("d04/index.html", names, ""), Names{"d04"});
    EXPECT_EQ(referenced_deployments("url(d10/a.png) url('/d04/b.png')", names, ""),
              (Names{"d04", "d10"}));
    EXPECT_EQ(
        referenced_deployments("https://cdn.example.com/sites/web/d06/x.js", names, "sites/web/"),
        Names{"d06"});
}

TEST(ReferencedDeployments, NamesThatArePartOfLongerNamesDoNotCount) {
    const Names names{"build-1", "build-11", "1"};
    EXPECT_EQ(referenced_deployments("/build-11/app.js", names, ""), Names{"build-11"});
    EXPECT_EQ(referenced_deployments("/build-1/app.js", names, ""), Names{"build-1"});
    EXPECT_EQ(referenced_deployments("xbuild-1/ build.1/ build_1/ 1.1/", names, ""), Names{});
    EXPECT_EQ(referenced_deployments("/d04 d04.js d04", Names{"d04"}, ""), Names{});
}

TEST(ReferencedDeployments, AWholeBodyThatIsTheName) {
    const Names names{"d03", "d04"};
    EXPECT_EQ(referenced_deployments("d03\n", names, ""), Names{"d03"});
    EXPECT_EQ(referenced_deployments("  d03/ \r\n", names, ""), Names{"d03"});
    EXPECT_EQ(referenced_deployments("sites/web/d04", names, "sites/web/"), Names{"d04"});
    EXPECT_EQ(referenced_deployments("sites/web/d04/\n", names, "sites/web/"), Names{"d04"});
    EXPECT_EQ(referenced_deployments("d0", names, ""), Names{});
    EXPECT_EQ(referenced_deployments("", names, ""), Names{});
}

TEST(ReferencedDeployments, OnlyKnownNamesAndEachOnce) {
    EXPECT_EQ(referenced_deployments("/a/ /b/ /a/", Names{"a"}, ""), Names{"a"});
    EXPECT_EQ(referenced_deployments("/a/", Names{}, ""), Names{});
}

}  // namespace
}  // namespace retention
