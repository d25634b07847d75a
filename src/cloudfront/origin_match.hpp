// Which CloudFront origins are the bucket being cleaned, and what an origin's
// path says is live. Pure: tested with every domain form S3 has.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cloudfront {

// Where the bucket is served from: its name, and the host of a custom S3
// endpoint (--endpoint-url; empty for AWS itself).
struct BucketAddress {
    std::string bucket;
    std::string custom_host;
};

// How an origin reaches the bucket, when it does.
enum class OriginMatch {
    kNone,
    kVirtualHost,  // BUCKET.s3[.-]REGION.amazonaws.com and the other AWS forms
    kPathStyle,    // the custom endpoint's bare host: the path starts with /BUCKET
};

// Whether an origin DomainName is this bucket: BUCKET.s3.amazonaws.com,
// BUCKET.s3.REGION.amazonaws.com, BUCKET.s3-REGION.amazonaws.com,
// BUCKET.s3.dualstack.REGION.amazonaws.com, BUCKET.s3-website-REGION.amazonaws.com,
// BUCKET.s3-website.REGION.amazonaws.com (also under amazonaws.com.cn); for a
// custom endpoint, also its host with or without BUCKET. in front. Case does
// not matter (DNS); a trailing dot neither.
OriginMatch match_origin(std::string_view domain_name, const BucketAddress& bucket);

// The key prefix an origin serves, without slashes at either end: the origin
// path, less a leading /BUCKET for a path-style origin ("" is the whole
// bucket); nullopt for a path-style origin of another bucket.
std::optional<std::string> served_prefix(std::string_view origin_path, OriginMatch match,
                                         std::string_view bucket);

}  // namespace cloudfront
