// The profile, region and credentials of a run, found the way the AWS CLI
// finds them: flags, then AWS_* variables, then ~/.aws/config; and where each
// service's endpoint is. A service's own settings (S3's addressing style, ...)
// live with its client and are read between resolve_profile() and
// resolve_credentials(): checked before any credential source is asked.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/aws_config.hpp"
#include "aws/credential_chain.hpp"
#include "aws/credentials_provider.hpp"
#include "aws/retry_loop.hpp"
#include "net/transport_options.hpp"

namespace aws {

struct SettingsRequest {
    std::string profile;  // --profile, empty when not given
    std::string region;   // --region, empty when not given
};

struct AwsSettings {
    AwsConfigFiles files;
    std::string profile;            // --profile, else AWS_PROFILE, else default
    bool profile_explicit = false;  // --profile: that profile only
    std::string region;
    std::shared_ptr<CredentialsProvider> credentials;  // set by resolve_credentials
};

inline constexpr const char* kDefaultRegion = "us-east-1";

inline constexpr std::size_t kRegionNameMax = 64;
// Empty when region can be used, else why not.
std::string region_name_problem(const std::string& region);

// The files, the profile and the region; nothing is sent. Throws ConfigError (exit 2).
AwsSettings resolve_profile(const SettingsRequest& request, const EnvLookup& env);

// The credential chain for the profile and region (may ask STS or a metadata
// service; STS calls are retried as `sts_retry` says). Throws ConfigError
// (exit 2), NoCredentialsError or CredentialsError (exit 1).
void resolve_credentials(AwsSettings& settings, const EnvLookup& env,
                         const net::TransportFactory& transports,
                         const RetryControl& sts_retry = RetryControl());

// resolve_profile, then resolve_credentials.
AwsSettings resolve_settings(const SettingsRequest& request, const EnvLookup& env,
                             const net::TransportFactory& transports,
                             const RetryControl& sts_retry = RetryControl());

// A service's endpoint override. service_id as AWS spells it in lower case
// ("s3", "sts", "cloudfront"): AWS_ENDPOINT_URL_<SERVICE> (upper-cased, ' ' and
// '-' as '_'), else AWS_ENDPOINT_URL. nullopt when neither is set.
std::optional<std::string> env_endpoint_url(const std::string& service_id, const EnvLookup& env);

// env_endpoint_url, else the profile's `<service_id> =` block's endpoint_url
// (s3.endpoint_url), else the profile's endpoint_url. nullopt: the service's
// own AWS endpoint.
std::optional<std::string> endpoint_url(const std::string& service_id, const AwsSettings& settings,
                                        const EnvLookup& env);
// The same for `profile` of `files`: for the credential chain, which has no
// AwsSettings yet.
std::optional<std::string> endpoint_url(const std::string& service_id, const AwsConfigFiles& files,
                                        const std::string& profile, const EnvLookup& env);

}  // namespace aws
