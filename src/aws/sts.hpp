// The two STS calls that turn a role into temporary credentials, retried by the
// shared retry loop (retry_loop.hpp) as every service client is.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
#pragma once

#include <optional>
#include <string>

#include "aws/credentials_provider.hpp"
#include "aws/http_url.hpp"
#include "aws/retry_loop.hpp"
#include "net/http.hpp"

namespace aws {

// For signing, for AWS_ENDPOINT_URL_STS and the profile's `sts =` block, and
// as ServiceError::service while retrying.
inline constexpr const char* kStsServiceId = "sts";

struct StsEndpoint {
    HttpUrl url;
    std::string region;
};

// override_url (endpoint_url(kStsServiceId, ...) in aws_settings.hpp: the
// environment, then the profile) when not empty, else https://sts.REGION.amazonaws.com.
// Throws CredentialsError for an override that is not an http(s) URL.
StsEndpoint sts_endpoint(const std::string& override_url, const std::string& region);

struct AssumeRoleParams {
    std::string role_arn;
    std::string session_name;  // empty: a default is chosen
    std::string external_id;
    std::optional<int> duration_seconds;
};

// Both calls retry what `retry` says is passing (throttling, 5xx, transport
// failures, IDPCommunicationError), then throw CredentialsError naming the
// last failure: "STS ACTION for ARN failed: CODE: MESSAGE (HTTP N)", "... failed:
// HTTP N" without an error code, "STS ACTION for ARN: WHAT" when no answer
// came (a transport failure, or a stop requested before an attempt).

// Signed with `source`, afresh for each attempt at clock()'s time.
TimedCredentials assume_role(net::HttpTransport& transport, const RetryControl& retry,
                             const StsEndpoint& endpoint, const sigv4::Credentials& source,
                             const AssumeRoleParams& params, const WallClock& clock);

// Unsigned, as STS allows for this call: the token is the proof.
TimedCredentials assume_role_with_web_identity(net::HttpTransport& transport,
                                               const RetryControl& retry,
                                               const StsEndpoint& endpoint,
                                               const std::string& token,
                                               const AssumeRoleParams& params);

// Parses an AssumeRole / AssumeRoleWithWebIdentity answer; exposed for tests.
TimedCredentials parse_sts_credentials(const std::string& xml, const std::string& action);

}  // namespace aws
