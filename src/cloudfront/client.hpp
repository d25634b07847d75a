// CloudFront, as far as s3-cleanup calls it: GetDistributionConfig, to learn
// which deployment a distribution serves. A global service: always signed for
// us-east-1, whatever the bucket's region.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionConfig.html
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "aws/credentials_provider.hpp"
#include "aws/http_url.hpp"
#include "aws/retry_loop.hpp"
#include "cloudfront/distribution_xml.hpp"
#include "net/http.hpp"

namespace cloudfront {

// The service id of AWS_ENDPOINT_URL_CLOUDFRONT and of the SigV4 scope.
inline constexpr const char* kServiceId = "cloudfront";
inline constexpr const char* kSigningRegion = "us-east-1";
inline constexpr const char* kDefaultEndpoint = "https://cloudfront.amazonaws.com";
// The API version in every CloudFront path.
inline constexpr const char* kApiVersion = "2020-05-31";

using Clock = std::function<std::chrono::system_clock::time_point()>;

class Client {
public:
    Client(
        aws::HttpUrl endpoint, std::shared_ptr<aws::CredentialsProvider> credentials,
        std::shared_ptr<net::HttpTransport> transport, const aws::RetryControl& retry,
        Clock clock = [] { return std::chrono::system_clock::now(); });

    // Throws aws::ServiceError (service "cloudfront"): NoSuchDistribution,
    // AccessDenied, ..., or kBadResponse for an answer that is not a
    // DistributionConfig; retried as the retry control says.
    DistributionConfig get_distribution_config(const std::string& id);

private:
    net::HttpResponse attempt(int n, const std::string& path, const std::string& label);

    aws::HttpUrl endpoint_;
    std::shared_ptr<aws::CredentialsProvider> credentials_;
    std::shared_ptr<net::HttpTransport> transport_;
    const aws::RetryControl& retry_;
    Clock clock_;
};

}  // namespace cloudfront
