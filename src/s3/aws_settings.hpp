// Credentials, region, endpoint and addressing, found the way the AWS CLI
// finds them: flags, then AWS_* variables, then ~/.aws/config.
#pragma once

#include <memory>
#include <string>

#include "net/transport_options.hpp"
#include "s3/aws_config.hpp"
#include "s3/credential_chain.hpp"
#include "s3/credentials_provider.hpp"
#include "s3/endpoint.hpp"

namespace s3 {

struct SettingsRequest {
    std::string profile;           // --profile, empty when not given
    std::string region;            // --region, empty when not given
    std::string endpoint_url;      // --endpoint-url, empty when not given
    std::string addressing_style;  // --addressing-style, empty when not given
};

struct AwsSettings {
    std::shared_ptr<CredentialsProvider> credentials;
    std::string region;
    std::string endpoint_url;  // empty: AWS itself
    AddressingStyle addressing = AddressingStyle::kAuto;
};

inline constexpr const char* kDefaultRegion = "us-east-1";

inline constexpr std::size_t kRegionNameMax = 64;
// Empty when region can be used, else why not.
std::string region_name_problem(const std::string& region);

// nullopt for anything but auto, path, virtual.
std::optional<AddressingStyle> parse_addressing_style(const std::string& text);

// Throws ConfigError (exit 2), NoCredentialsError or CredentialsError (exit 1).
AwsSettings resolve_settings(const SettingsRequest& request, const EnvLookup& env,
                             const net::TransportFactory& transports);

}  // namespace s3
