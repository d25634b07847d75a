// The answer of CloudFront's GetDistributionConfig, as far as s3-cleanup reads
// it: the origins (every one counts, whether a cache behaviour targets it or an
// origin group's failover does).
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionConfig.html
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudfront {

struct Origin {
    std::string id;
    std::string domain_name;
    std::string origin_path;  // "" or "/a/b": no trailing slash, as CloudFront keeps it
};

struct DistributionConfig {
    std::vector<Origin> origins;
};

// Thrown when the answer is not a DistributionConfig document.
struct DistributionXmlError {
    std::string message;
};

DistributionConfig parse_distribution_config(std::string_view xml);

}  // namespace cloudfront
