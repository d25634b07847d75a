// Credentials from the services AWS runs beside a workload: the ECS / EKS Pod
// Identity container endpoint and the EC2 instance metadata service (IMDSv2).
#pragma once

#include <optional>
#include <string>

#include "aws/credentials_provider.hpp"
#include "aws/http_url.hpp"
#include "net/http.hpp"

namespace aws {

// {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"} as both services
// answer. Throws CredentialsError.
TimedCredentials parse_metadata_credentials(const std::string& json, const std::string& source);

struct ContainerEndpoint {
    HttpUrl url;
    std::string authorization;  // header value, may be empty
};

TimedCredentials fetch_container_credentials(net::HttpTransport& transport,
                                             const ContainerEndpoint& endpoint);

// IMDSv2: a session token by PUT, then the role name, then its credentials.
// Throws CredentialsError (including when the service is absent or slow).
TimedCredentials fetch_instance_credentials(net::HttpTransport& transport, const HttpUrl& endpoint,
                                            int attempts);

}  // namespace aws
