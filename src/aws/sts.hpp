// The two STS calls that turn a role into temporary credentials.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
#pragma once

#include <optional>
#include <string>

#include "aws/credentials_provider.hpp"
#include "aws/http_url.hpp"
#include "net/http.hpp"

namespace aws {

// For signing, and for AWS_ENDPOINT_URL_STS.
inline constexpr const char* kStsServiceId = "sts";

struct StsEndpoint {
    HttpUrl url;
    std::string region;
};

// override_url (AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL: env_endpoint_url in
// aws_settings.hpp) when not empty, else https://sts.REGION.amazonaws.com.
// Throws CredentialsError for an override that is not an http(s) URL.
StsEndpoint sts_endpoint(const std::string& override_url, const std::string& region);

struct AssumeRoleParams {
    std::string role_arn;
    std::string session_name;  // empty: a default is chosen
    std::string external_id;
    std::optional<int> duration_seconds;
};

// Signed with `source`. Throws CredentialsError naming the STS error code.
TimedCredentials assume_role(net::HttpTransport& transport, const StsEndpoint& endpoint,
                             const sigv4::Credentials& source, const AssumeRoleParams& params,
                             TimePoint now);

// Unsigned, as STS allows for this call: the token is the proof.
TimedCredentials assume_role_with_web_identity(net::HttpTransport& transport,
                                               const StsEndpoint& endpoint,
                                               const std::string& token,
                                               const AssumeRoleParams& params);

// Parses an AssumeRole / AssumeRoleWithWebIdentity answer; exposed for tests.
TimedCredentials parse_sts_credentials(const std::string& xml, const std::string& action);

}  // namespace aws
