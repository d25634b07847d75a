#include "cloudfront/origin_match.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cloudfront {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool is_region(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// What follows "BUCKET." in an AWS S3 domain, less the partition's suffix:
// "s3", "s3.REGION", "s3-REGION", "s3.dualstack.REGION", "s3-website-REGION",
// "s3-website.REGION".
bool is_s3_service_label(std::string_view rest) {
    if (rest == "s3") return true;
    constexpr std::array kDotted{std::string_view("s3.dualstack."), std::string_view("s3."),
                                 std::string_view("s3-website."), std::string_view("s3-website-"),
                                 std::string_view("s3-")};
    return std::any_of(kDotted.begin(), kDotted.end(), [&](std::string_view head) {
        return rest.starts_with(head) && is_region(rest.substr(head.size()));
    });
}

}  // namespace

OriginMatch match_origin(std::string_view domain_name, const BucketAddress& bucket) {
    std::string domain = lower(domain_name);
    if (!domain.empty() && domain.back() == '.') domain.pop_back();
    const std::string name = lower(bucket.bucket);
    if (name.empty()) return OriginMatch::kNone;
    // With a custom endpoint the AWS forms still count: naming a bucket as live
    // once too often only keeps more, never deletes what is served.
    if (!bucket.custom_host.empty()) {
        const std::string host = lower(bucket.custom_host);
        if (domain == host) return OriginMatch::kPathStyle;
        if (domain == name + "." + host) return OriginMatch::kVirtualHost;
    }
    if (!domain.starts_with(name + ".")) return OriginMatch::kNone;
    std::string_view rest = std::string_view(domain).substr(name.size() + 1);
    for (const std::string_view suffix : {".amazonaws.com", ".amazonaws.com.cn"}) {
        if (rest.ends_with(suffix) &&
            is_s3_service_label(rest.substr(0, rest.size() - suffix.size()))) {
            return OriginMatch::kVirtualHost;
        }
    }
    return OriginMatch::kNone;
}

std::optional<std::string> served_prefix(std::string_view origin_path, OriginMatch match,
                                         std::string_view bucket) {
    std::string_view path = origin_path;
    while (path.starts_with('/')) path.remove_prefix(1);
    while (path.ends_with('/')) path.remove_suffix(1);
    if (match == OriginMatch::kPathStyle) {
        // The bare host serves every bucket: the path's first segment says which.
        if (!path.starts_with(bucket) ||
            (path.size() != bucket.size() && path[bucket.size()] != '/')) {
            return std::nullopt;
        }
        path.remove_prefix(bucket.size());
        while (path.starts_with('/')) path.remove_prefix(1);
    }
    return std::string(path);
}

}  // namespace cloudfront
