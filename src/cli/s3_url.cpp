#include "cli/s3_url.hpp"

namespace cli {

namespace {

constexpr std::size_t kBucketNameMin = 3;  // S3 bucket naming rules
constexpr std::size_t kBucketNameMax = 63;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string bucket_name_problem(const std::string& bucket) {
    if (bucket.size() < kBucketNameMin || bucket.size() > kBucketNameMax) {
        return "must be 3 to 63 characters long";
    }
    for (char c : bucket) {
        if (!is_lower_alnum(c) && c != '-' && c != '.') {
            return "may hold only lower-case letters, digits, '.' and '-'";
        }
    }
    if (!is_lower_alnum(bucket.front()) || !is_lower_alnum(bucket.back())) {
        return "must begin and end with a letter or digit";
    }
    if (bucket.find("..") != std::string::npos) return "must not contain '..'";
    return {};
}

std::variant<S3Url, UsageError> parse_s3_url(const std::string& text) {
    constexpr std::string_view kScheme = "s3://";
    if (text.compare(0, kScheme.size(), kScheme) != 0) {
        return UsageError{"'" + text + "' is not an S3 URL (expected s3://BUCKET[/ROOT/])"};
    }
    std::string rest = text.substr(kScheme.size());
    auto slash = rest.find('/');
    S3Url url;
    url.bucket = rest.substr(0, slash);
    if (url.bucket.empty()) return UsageError{"'" + text + "' names no bucket"};
    if (auto problem = bucket_name_problem(url.bucket); !problem.empty()) {
        return UsageError{"bucket name '" + url.bucket + "' " + problem};
    }
    if (slash == std::string::npos) return url;
    std::string path = rest.substr(slash + 1);
    if (path.empty()) return url;
    // An empty segment ("a//b") would make a root no upload tool produces and
    // is almost surely a typo; refuse rather than guess.
    if (path.front() == '/' || path.find("//") != std::string::npos) {
        return UsageError{"root '" + path + "' in '" + text + "' has an empty path segment ('//')"};
    }
    if (path.back() != '/') path += '/';  // as `aws s3 rm --recursive` does
    url.root = path;
    return url;
}

}  // namespace cli
