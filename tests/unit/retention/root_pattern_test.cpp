// Wildcard roots: which segments are globs, and how a pattern expands over a
// bucket (in memory) level by level.
#include "retention/root_pattern.hpp"

#include <gtest/gtest.h>

#include "memory_bucket.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;

TEST(RootPattern, GlobSegmentsAreThoseWithAnUnescapedMetacharacter) {
    EXPECT_TRUE(is_glob_segment("*"));
    EXPECT_TRUE(is_glob_segment("shop-*"));
    EXPECT_TRUE(is_glob_segment("v?"));
    EXPECT_TRUE(is_glob_segment("[ab]"));
    EXPECT_FALSE(is_glob_segment("shop"));
    EXPECT_FALSE(is_glob_segment("\\*"));
    EXPECT_FALSE(is_glob_segment("a\\[b"));
    EXPECT_TRUE(is_glob_segment("\\\\*"));  // an escaped backslash, then a glob
    EXPECT_TRUE(has_glob("apps/*/"));
    EXPECT_TRUE(has_glob("a/b/c*/"));
    EXPECT_FALSE(has_glob("apps/shop/"));
    EXPECT_FALSE(has_glob(""));
}

TEST(RootPattern, ALiteralRootHasItsEscapesResolved) {
    EXPECT_EQ(literal_root("apps/\\*/"), "apps/*/");
    EXPECT_EQ(literal_root("a\\?b/c\\[d/"), "a?b/c[d/");
    EXPECT_EQ(literal_root("a\\\\b/"), "a\\b/");
    EXPECT_EQ(literal_root("a\\xb/"), "a\\xb/");  // not an escape: a name's backslash
    EXPECT_EQ(literal_root(""), "");
}

struct ExpandTest : ::testing::Test {
    MemoryBucket bucket;
    void SetUp() override {
        for (const char* key :
             {"apps/README.md", "apps/blog/d1/a", "apps/shop/d1/a", "apps/shop-eu/d1/a",
              "apps2/blog/d1/a", "serverless/api/dev/b1/x", "serverless/api/prod/b1/x",
              "serverless/api/notes.txt", "serverless/worker/dev/b1/x", "top.html"}) {
            bucket.put(key);
        }
    }
};

TEST_F(ExpandTest, OneLevelGivesOneRootPerFolderAndNeverAKey) {
    const auto expansion = expand_root(bucket, "apps/*/");
    EXPECT_EQ(expansion.roots,
              (std::vector<std::string>{"apps/blog/", "apps/shop-eu/", "apps/shop/"}));
    EXPECT_FALSE(expansion.matched_nothing);
    ASSERT_EQ(bucket.listings.size(), 1u);
    EXPECT_TRUE(bucket.listings[0].by_folder);
    EXPECT_EQ(bucket.listings[0].prefix, "apps/");
}

TEST_F(ExpandTest, APrefixGlobSkipsTheOthers) {
    EXPECT_EQ(expand_root(bucket, "apps/shop-*/").roots,
              (std::vector<std::string>{"apps/shop-eu/"}));
}

TEST_F(ExpandTest, TwoLevelsListEachFolderOfTheFirst) {
    const auto expansion = expand_root(bucket, "serverless/*/*/");
    EXPECT_EQ(expansion.roots,
              (std::vector<std::string>{"serverless/api/dev/", "serverless/api/prod/",
                                        "serverless/worker/dev/"}));
    EXPECT_EQ(bucket.listings.size(), 3u);  // serverless/, then api/ and worker/
}

TEST_F(ExpandTest, LiteralSegmentsAfterAGlobAreAppended) {
    EXPECT_EQ(expand_root(bucket, "serverless/*/dev/").roots,
              (std::vector<std::string>{"serverless/api/dev/", "serverless/worker/dev/"}));
}

TEST_F(ExpandTest, AGlobMatchingNothingSaysSo) {
    const auto expansion = expand_root(bucket, "apps/nothing-*/");
    EXPECT_TRUE(expansion.roots.empty());
    EXPECT_TRUE(expansion.matched_nothing);
    EXPECT_TRUE(expand_root(bucket, "nowhere/*/x/*/").matched_nothing);
}

TEST_F(ExpandTest, ARootWithoutGlobsSendsNothing) {
    EXPECT_EQ(expand_root(bucket, "apps/\\*/").roots, (std::vector<std::string>{"apps/*/"}));
    EXPECT_EQ(expand_root(bucket, "").roots, (std::vector<std::string>{""}));
    EXPECT_TRUE(bucket.listings.empty());
}

TEST_F(ExpandTest, TheWholeBucketAtTheTop) {
    EXPECT_EQ(expand_root(bucket, "*/").roots,
              (std::vector<std::string>{"apps/", "apps2/", "serverless/"}));
}

}  // namespace
}  // namespace retention
