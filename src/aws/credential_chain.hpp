// The AWS SDKs' credential chain, first hit wins:
//   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
//   2. AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN -> AssumeRoleWithWebIdentity
//   3. the profile: role_arn (source_profile | credential_source |
//      web_identity_token_file), static keys, credential_process
//   4. container credentials (ECS, EKS Pod Identity)
//   5. EC2 instance metadata (IMDSv2)
// With --profile, only step 3 for that profile.
#pragma once

#include <memory>
#include <string>

#include "aws/aws_config.hpp"
#include "aws/credentials_provider.hpp"
#include "aws/retry_loop.hpp"
#include "net/transport_options.hpp"

namespace aws {

// Nothing provided credentials: exit 1, naming every place looked at.
struct NoCredentialsError {
    std::string message;
};

struct ChainInput {
    std::string profile;            // resolved profile name
    bool profile_explicit = false;  // --profile: that profile only
    std::string region;             // for STS
    // How STS calls are retried, then and at every renewal: copied into each
    // provider that calls STS, so it outlives the caller's.
    RetryControl retry;
};

// Returns a provider whose credentials have been fetched once already, so a
// failing source fails here with its own message. Throws NoCredentialsError,
// CredentialsError or ConfigError.
std::shared_ptr<CredentialsProvider> resolve_credentials(const ChainInput& input,
                                                         const AwsConfigFiles& files,
                                                         const EnvLookup& env,
                                                         const net::TransportFactory& transports);

}  // namespace aws
