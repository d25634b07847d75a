// GetDistributionConfig answers (CloudFront XML) and what their origins serve:
// never a crash, and a parsed origin always has a domain name.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloudfront/distribution_xml.hpp"
#include "cloudfront/origin_match.hpp"
#include "retention/live.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    try {
        const auto config = cloudfront::parse_distribution_config(input);
        for (const auto& origin : config.origins) {
            if (origin.domain_name.empty()) __builtin_trap();
            const auto match =
                cloudfront::match_origin(origin.domain_name, {"site", std::string()});
            if (auto served = cloudfront::served_prefix(origin.origin_path, match, "site")) {
                (void)retention::deployment_of_prefix(*served, "sites/");
            }
        }
    } catch (const cloudfront::DistributionXmlError&) {
    }
    // The same bytes as a pointer object's body.
    (void)retention::referenced_deployments(input, {"d1", "build-1", "build-11", "a.b"}, "r/");
    return 0;
}
