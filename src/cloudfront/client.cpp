#include "cloudfront/client.hpp"

#include <array>

#include "aws/send_attempt.hpp"
#include "aws/sigv4.hpp"
#include "aws/timestamp.hpp"
#include "aws/url_encoding.hpp"

namespace cloudfront {

namespace {

// CloudFront's own codes; the rest (AccessDenied, Throttling, ...) are in the
// core table. https://docs.aws.amazon.com/cloudfront/latest/APIReference/CommonErrors.html
constexpr std::array kCodes{
    aws::CodeClass{"NoSuchDistribution", aws::ErrorKind::kNotFound},
    aws::CodeClass{"InvalidArgument", aws::ErrorKind::kInvalid},
};

}  // namespace

Client::Client(aws::HttpUrl endpoint, std::shared_ptr<aws::CredentialsProvider> credentials,
               std::shared_ptr<net::HttpTransport> transport, const aws::RetryControl& retry,
               Clock clock)
    : endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      transport_(std::move(transport)),
      retry_(retry),
      clock_(std::move(clock)) {}

net::HttpResponse Client::attempt(int n, const std::string& path, const std::string& label) {
    net::HttpRequest request;
    request.method = "GET";
    request.scheme = endpoint_.scheme;
    request.host = endpoint_.host;
    request.path = path;
    request.attempt = n;
    // Signed afresh each attempt: a new date, and renewed credentials.
    aws::sigv4::sign_request(request, credentials_->current(), kSigningRegion, kServiceId,
                             aws::amz_date(retry_.clock_skew->corrected(clock_())), false);
    return aws::send_attempt(*transport_, request, kServiceId, kCodes, label);
}

DistributionConfig Client::get_distribution_config(const std::string& id) {
    const std::string path = endpoint_.path + "/" + kApiVersion + "/distribution/" +
                             aws::uri_encode(id, true) + "/config";
    const std::string label = "GET cloudfront " + path;
    return aws::with_retries<DistributionConfig>(
        retry_,
        [&](int n) {
            const auto response = attempt(n, path, label);
            try {
                return parse_distribution_config(response.body);
            } catch (const DistributionXmlError& error) {
                throw aws::ServiceError(kServiceId, aws::ErrorKind::kBadResponse, response.status,
                                        "", error.message, "", label);
            }
        },
        {kServiceId, label});
}

}  // namespace cloudfront
