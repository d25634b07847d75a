// s3://BUCKET[/ROOT/] as the user typed it.
#pragma once

#include <string>
#include <variant>

namespace cli {

struct S3Url {
    std::string bucket;
    std::string root;  // empty, or the path with exactly one trailing '/'
};

struct UsageError {
    std::string message;
};

// "s3://BUCKET/PATH": how every message and document names a place.
inline std::string s3_url(const std::string& bucket, const std::string& path) {
    return "s3://" + bucket + "/" + path;
}

// Returns the URL or a UsageError naming what is wrong with it.
std::variant<S3Url, UsageError> parse_s3_url(const std::string& text);

// S3 bucket naming rules (general purpose buckets):
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
// Returns an empty string when valid, else why not.
std::string bucket_name_problem(const std::string& bucket);

}  // namespace cli
