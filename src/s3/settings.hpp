// S3's own settings: its endpoint and how buckets are addressed, from the
// flags, the AWS_ENDPOINT_URL_* variables and the profile (aws_settings.hpp).
#pragma once

#include <optional>
#include <string>

#include "aws/aws_config.hpp"
#include "aws/aws_settings.hpp"
#include "s3/endpoint.hpp"

namespace s3 {

struct SettingsRequest {
    std::string endpoint_url;      // --endpoint-url, empty when not given
    std::string addressing_style;  // --addressing-style, empty when not given
};

struct Settings {
    std::string endpoint_url;  // empty: AWS itself
    AddressingStyle addressing = AddressingStyle::kAuto;
};

// nullopt for anything but auto, path, virtual.
std::optional<AddressingStyle> parse_addressing_style(const std::string& text);

// --endpoint-url, else aws::endpoint_url("s3"); --addressing-style, else the
// profile's s3.addressing_style, else auto. Throws aws::ConfigError (exit 2).
Settings resolve_settings(const SettingsRequest& request, const aws::AwsSettings& aws,
                          const aws::EnvLookup& env);

}  // namespace s3
