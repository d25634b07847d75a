// Listing one deployment: on a versioned bucket the version listing gives the
// current objects and what the folder stores, in one listing.
#include "retention/inventory.hpp"

#include <gtest/gtest.h>

#include "memory_bucket.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;

Deployment folder(const std::string& name) {
    Deployment d;
    d.name = name;
    d.prefix = name + "/";
    d.listed = false;
    return d;
}

TEST(ListDeployment, AVersionedListingCountsCurrentObjectsAndStoredVersions) {
    MemoryBucket bucket;
    bucket.put_version("d1/a", "a2", 5, true);
    bucket.put_version("d1/a", "a1", 4, false);
    bucket.put_version("d1/b", "bm", 0, true, true);  // b is deleted: a marker over b1
    bucket.put_version("d1/b", "b1", 7, false);
    bucket.put_version("d1/css/", "m1", 0, true);  // a folder marker
    Deployment d = folder("d1");
    list_deployment(bucket, d, true);
    EXPECT_TRUE(d.listed);
    EXPECT_TRUE(d.versions_counted);
    EXPECT_FALSE(d.versions_listed);  // contents hold the current keys, not versions
    EXPECT_EQ(d.objects, 2u);         // a and the marker
    EXPECT_EQ(d.folder_markers, 1u);
    EXPECT_EQ(d.bytes, 5u);
    EXPECT_EQ(d.versions, 4u);
    EXPECT_EQ(d.delete_markers, 1u);
    EXPECT_EQ(d.version_bytes, 16u);
    EXPECT_EQ(d.content_versions, 4u);  // the marker's version is no content
    ASSERT_EQ(d.contents.size(), 2u);
    EXPECT_EQ(d.contents.key(0), "d1/a");
    EXPECT_FALSE(d.contents.has_versions());
    ASSERT_EQ(bucket.listings.size(), 1u);
    EXPECT_TRUE(bucket.listings[0].versions);
}

TEST(ListDeployment, AnUnversionedListingCountsNoVersions) {
    MemoryBucket bucket;
    bucket.put("d1/a", 3);
    Deployment d = folder("d1");
    list_deployment(bucket, d);
    EXPECT_EQ(d.objects, 1u);
    EXPECT_FALSE(d.versions_counted);
    EXPECT_FALSE(bucket.listings[0].versions);
}

TEST(ListVersions, ARelistingForPurgeCountsOnce) {
    MemoryBucket bucket;
    bucket.put_version("d1/a", "a2", 5, true);
    bucket.put_version("d1/a", "a1", 4, false);
    Deployment d = folder("d1");
    list_deployment(bucket, d, true);
    list_versions(bucket, d);
    EXPECT_EQ(d.versions, 2u);
    EXPECT_EQ(d.content_versions, 2u);
    EXPECT_TRUE(d.contents.has_versions());
    EXPECT_EQ(d.contents.size(), 2u);
}

}  // namespace
}  // namespace retention
