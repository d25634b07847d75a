// Which certificates HTTPS connections trust, found as the AWS CLI finds them:
// --ca-bundle, then AWS_CA_BUNDLE, then the profile's ca_bundle, else the
// system's store. One answer for every endpoint of a run (S3, STS,
// CloudFront, container credentials over https).
#pragma once

#include <string>

#include "aws/aws_config.hpp"

namespace aws {

struct TlsTrust {
    std::string ca_bundle;  // empty: the system's certificates
    std::string source;     // "--ca-bundle", "AWS_CA_BUNDLE", "ca_bundle of profile NAME"
    bool verify = true;     // false: --no-verify-ssl
};

struct TlsTrustRequest {
    std::string ca_bundle;   // --ca-bundle, empty when not given
    bool no_verify = false;  // --no-verify-ssl
};

// Throws ConfigError (exit 2, before any request) when the chosen bundle
// cannot be read.
TlsTrust resolve_tls_trust(const TlsTrustRequest& request, const AwsConfigFiles& files,
                           const std::string& profile, const EnvLookup& env);

}  // namespace aws
