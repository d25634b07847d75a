// Which origin domains are the bucket, and what their paths serve.
#include "cloudfront/origin_match.hpp"

#include <gtest/gtest.h>

namespace cloudfront {
namespace {

const BucketAddress kSite{"site", ""};
const BucketAddress kDotted{"my.site.example", ""};

TEST(OriginMatch, EveryAwsDomainFormOfTheBucket) {
    for (const char* domain :
         {"site.s3.amazonaws.com", "site.s3.eu-west-1.amazonaws.com",
          "site.s3-eu-west-1.amazonaws.com", "site.s3-website-us-east-1.amazonaws.com",
          "site.s3-website.eu-central-1.amazonaws.com",
          "site.s3.dualstack.ap-south-1.amazonaws.com", "site.s3.cn-north-1.amazonaws.com.cn"}) {
        EXPECT_EQ(match_origin(domain, kSite), OriginMatch::kVirtualHost) << domain;
    }
}

TEST(OriginMatch, CaseAndATrailingDotDoNotMatter) {
    EXPECT_EQ(match_origin("Site.S3.Amazonaws.COM", kSite), OriginMatch::kVirtualHost);
    EXPECT_EQ(match_origin("site.s3.us-east-1.amazonaws.com.", kSite), OriginMatch::kVirtualHost);
}

TEST(OriginMatch, ABucketNameWithDots) {
    EXPECT_EQ(match_origin("my.site.example.s3.us-east-1.amazonaws.com", kDotted),
              OriginMatch::kVirtualHost);
    EXPECT_EQ(match_origin("site.example.s3.amazonaws.com", kDotted), OriginMatch::kNone);
    EXPECT_EQ(match_origin("my.site.example.s3.amazonaws.com", kSite), OriginMatch::kNone);
}

TEST(OriginMatch, OtherBucketsAndOtherHostsAreNotTheBucket) {
    for (const char* domain :
         {"site2.s3.amazonaws.com", "xsite.s3.amazonaws.com", "site.s3.amazonaws.com.evil.net",
          "site.example.com", "site.s3.us_east.amazonaws.com", "site.ec2.amazonaws.com",
          "site.s3..amazonaws.com", "s3.amazonaws.com", "d111111abcdef8.cloudfront.net", ""}) {
        EXPECT_EQ(match_origin(domain, kSite), OriginMatch::kNone) << domain;
    }
}

TEST(OriginMatch, ACustomEndpointWithOrWithoutTheBucketInFront) {
    const BucketAddress minio{"site", "minio.internal"};
    EXPECT_EQ(match_origin("minio.internal", minio), OriginMatch::kPathStyle);
    EXPECT_EQ(match_origin("site.minio.internal", minio), OriginMatch::kVirtualHost);
    EXPECT_EQ(match_origin("MINIO.internal", minio), OriginMatch::kPathStyle);
    EXPECT_EQ(match_origin("other.minio.internal", minio), OriginMatch::kNone);
    // The AWS forms still count: protecting too much never deletes what is served.
    EXPECT_EQ(match_origin("site.s3.amazonaws.com", minio), OriginMatch::kVirtualHost);
}

TEST(ServedPrefix, SlashesAtEitherEndGo) {
    EXPECT_EQ(served_prefix("/d04", OriginMatch::kVirtualHost, "site"), "d04");
    EXPECT_EQ(served_prefix("/sites/web/d02/public/", OriginMatch::kVirtualHost, "site"),
              "sites/web/d02/public");
    EXPECT_EQ(served_prefix("", OriginMatch::kVirtualHost, "site"), "");
}

TEST(ServedPrefix, APathStyleOriginStartsWithTheBucket) {
    EXPECT_EQ(served_prefix("/site/d04", OriginMatch::kPathStyle, "site"), "d04");
    EXPECT_EQ(served_prefix("/site", OriginMatch::kPathStyle, "site"), "");
    EXPECT_EQ(served_prefix("/site2/d04", OriginMatch::kPathStyle, "site"), std::nullopt);
    EXPECT_EQ(served_prefix("/sitex", OriginMatch::kPathStyle, "site"), std::nullopt);
    EXPECT_EQ(served_prefix("/site/d04", OriginMatch::kVirtualHost, "site"), "site/d04");
}

}  // namespace
}  // namespace cloudfront
