// S3's limits per request, each with the API page that sets it.
#pragma once

#include <cstddef>

namespace s3 {

// ListObjectsV2 returns at most 1000 keys a page whatever max-keys asks for.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
inline constexpr int kListPageMaxKeys = 1000;

// DeleteObjects takes at most 1000 keys a request.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
inline constexpr std::size_t kDeleteObjectsMaxKeys = 1000;

}  // namespace s3
