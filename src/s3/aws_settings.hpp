// Credentials, region and endpoint, found the way the AWS CLI finds them:
// flags, then AWS_* variables, then ~/.aws/credentials and ~/.aws/config.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "s3/sigv4.hpp"

namespace s3 {

// Reads an environment variable; nullopt when unset. A seam for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

struct SettingsRequest {
    std::string profile;       // --profile, empty when not given
    std::string region;        // --region, empty when not given
    std::string endpoint_url;  // --endpoint-url, empty when not given
};

struct AwsSettings {
    sigv4::Credentials credentials;
    std::string credentials_source;  // "environment", "profile default (~/.aws/credentials)", ...
    std::string region;
    std::string endpoint_url;  // empty: AWS itself
};

// The configuration is wrong (malformed file, unknown --profile): a usage problem.
struct ConfigError {
    std::string message;
};
// Nothing provided credentials: a runtime failure.
struct NoCredentialsError {
    std::string message;
};

inline constexpr const char* kDefaultRegion = "us-east-1";

AwsSettings resolve_settings(const SettingsRequest& request, const EnvLookup& env);

}  // namespace s3
