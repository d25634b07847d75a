#include "aws/credential_chain.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "aws/aws_settings.hpp"
#include "aws/credential_process.hpp"
#include "aws/metadata_credentials.hpp"
#include "aws/redaction.hpp"
#include "aws/sts.hpp"

namespace aws {

namespace {

// Where ECS serves AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
constexpr const char* kEcsEndpoint = "http://169.254.170.2";
constexpr const char* kImdsEndpoint = "http://169.254.169.254";
// AWS CLI defaults: one attempt, one second, for a service that answers at once or never.
constexpr long kImdsDefaultTimeoutSeconds = 1;
constexpr int kImdsDefaultAttempts = 1;
constexpr long kContainerTimeoutMs = 5'000;
constexpr long kStsTimeoutMs = 30'000;

class Chain {
public:
    Chain(const ChainInput& input, const AwsConfigFiles& files, const EnvLookup& env,
          const net::TransportFactory& transports)
        : input_(input), files_(files), env_(env), transports_(transports) {}

    std::shared_ptr<CredentialsProvider> resolve();

private:
    std::optional<std::string> env(const std::string& name) const { return env_value(env_, name); }

    std::shared_ptr<CredentialsProvider> from_environment_keys() const;
    std::shared_ptr<CredentialsProvider> from_environment_web_identity() const;
    std::shared_ptr<CredentialsProvider> from_profile(const std::string& profile,
                                                      std::vector<std::string> visiting) const;
    std::shared_ptr<CredentialsProvider> assume_role(
        const std::string& profile, const std::shared_ptr<CredentialsProvider>& source) const;
    std::shared_ptr<CredentialsProvider> web_identity(const std::string& token_file,
                                                      const AssumeRoleParams& params,
                                                      const std::string& source) const;
    std::shared_ptr<CredentialsProvider> from_container() const;
    std::shared_ptr<CredentialsProvider> from_instance_metadata(std::string& why_not) const;
    AssumeRoleParams role_params(const std::string& profile) const;
    StsEndpoint sts() const;

    const ChainInput& input_;
    const AwsConfigFiles& files_;
    const EnvLookup& env_;
    const net::TransportFactory& transports_;
};

std::string read_token_file(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CredentialsError{what + " '" + path + "' cannot be read"};
    std::ostringstream content;
    content << in.rdbuf();
    std::string token = content.str();
    while (!token.empty() &&
           (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
        token.pop_back();
    }
    if (token.empty()) throw CredentialsError{what + " '" + path + "' is empty"};
    register_secret(token);
    return token;
}

bool allowed_plain_http_host(const std::string& host_port) {
    std::string host = host_port;
    if (!host.empty() && host.front() == '[') {
        host = host.substr(1, host.find(']') - 1);
    } else {
        host = host.substr(0, host.find(':'));
    }
    in_addr v4{};
    const bool loopback_v4 =
        ::inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
    return host == "localhost" || loopback_v4 || host == "::1" || host == "169.254.170.2" ||
           host == "169.254.170.23" || host == "fd00:ec2::23";
}

std::shared_ptr<CredentialsProvider> checked(std::shared_ptr<CredentialsProvider> provider) {
    provider->current();  // fail here, with the source's own message
    return provider;
}

// As the AWS SDKs find it: the environment, then the resolved profile's
// `sts =` block and endpoint_url (the profile asked for, not a source_profile).
StsEndpoint Chain::sts() const {
    return sts_endpoint(endpoint_url(kStsServiceId, files_, input_.profile, env_).value_or(""),
                        input_.region);
}

std::shared_ptr<CredentialsProvider> Chain::from_environment_keys() const {
    auto id = env("AWS_ACCESS_KEY_ID");
    auto secret = env("AWS_SECRET_ACCESS_KEY");
    if (id && secret) {
        return std::make_shared<StaticProvider>(
            sigv4::Credentials{*id, *secret, env("AWS_SESSION_TOKEN").value_or("")}, "environment");
    }
    if (id || secret) {
        throw ConfigError{id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                             : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"};
    }
    return nullptr;
}

std::shared_ptr<CredentialsProvider> Chain::web_identity(const std::string& token_file,
                                                         const AssumeRoleParams& params,
                                                         const std::string& source) const {
    auto transport = transports_({.total_timeout_ms = kStsTimeoutMs});
    auto endpoint = sts();
    auto fetch = [transport, retry = input_.retry, endpoint, token_file, params] {
        // Re-read every time: the token file is rotated by the platform (EKS).
        std::string token = read_token_file(token_file, "web identity token file");
        return assume_role_with_web_identity(*transport, retry, endpoint, token, params);
    };
    return std::make_shared<RefreshingProvider>(fetch, source);
}

std::shared_ptr<CredentialsProvider> Chain::from_environment_web_identity() const {
    auto token_file = env("AWS_WEB_IDENTITY_TOKEN_FILE");
    auto role_arn = env("AWS_ROLE_ARN");
    if (!token_file || !role_arn) return nullptr;
    AssumeRoleParams params;
    params.role_arn = *role_arn;
    params.session_name = env("AWS_ROLE_SESSION_NAME").value_or("");
    return web_identity(*token_file, params, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
}

AssumeRoleParams Chain::role_params(const std::string& profile) const {
    AssumeRoleParams params;
    params.role_arn = files_.get(profile, "role_arn").value_or("");
    params.session_name = files_.get(profile, "role_session_name").value_or("");
    params.external_id = files_.get(profile, "external_id").value_or("");
    if (auto duration = files_.get(profile, "duration_seconds")) {
        int seconds = 0;
        auto [ptr, ec] =
            std::from_chars(duration->data(), duration->data() + duration->size(), seconds);
        if (ec != std::errc() || ptr != duration->data() + duration->size() || seconds <= 0) {
            throw ConfigError{"profile " + profile + ": duration_seconds '" + *duration +
                              "' is not a positive whole number"};
        }
        params.duration_seconds = seconds;
    }
    return params;
}

std::shared_ptr<CredentialsProvider> Chain::assume_role(
    const std::string& profile, const std::shared_ptr<CredentialsProvider>& source) const {
    auto transport = transports_({.total_timeout_ms = kStsTimeoutMs});
    auto endpoint = sts();
    auto params = role_params(profile);
    auto fetch = [transport, retry = input_.retry, endpoint, params, source] {
        return aws::assume_role(*transport, retry, endpoint, source->current(), params,
                                system_wall_clock());
    };
    return std::make_shared<RefreshingProvider>(
        fetch, "role " + params.role_arn + " (profile " + profile + ")");
}

std::shared_ptr<CredentialsProvider> Chain::from_profile(const std::string& profile,
                                                         std::vector<std::string> visiting) const {
    if (!files_.has_profile(profile)) {
        throw ConfigError{"profile '" + profile + "' not found in " + files_.credentials_path() +
                          " or " + files_.config_path()};
    }
    const bool looping = std::find(visiting.begin(), visiting.end(), profile) != visiting.end();
    visiting.push_back(profile);
    auto static_keys = [&]() -> std::shared_ptr<CredentialsProvider> {
        auto id = files_.get(profile, "aws_access_key_id");
        auto secret = files_.get(profile, "aws_secret_access_key");
        if (!id || !secret) return nullptr;
        return std::make_shared<StaticProvider>(
            sigv4::Credentials{*id, *secret, files_.get(profile, "aws_session_token").value_or("")},
            "profile " + profile + " in " + files_.where(profile, "aws_access_key_id"));
    };

    if (auto role_arn = files_.get(profile, "role_arn"); role_arn && !looping) {
        auto source_profile = files_.get(profile, "source_profile");
        auto credential_source = files_.get(profile, "credential_source");
        auto token_file = files_.get(profile, "web_identity_token_file");
        if ((source_profile ? 1 : 0) + (credential_source ? 1 : 0) + (token_file ? 1 : 0) != 1) {
            throw ConfigError{"profile " + profile +
                              ": role_arn needs exactly one of source_profile, credential_source "
                              "and web_identity_token_file"};
        }
        if (token_file) {
            return web_identity(*token_file, role_params(profile),
                                "web identity (profile " + profile + ")");
        }
        std::shared_ptr<CredentialsProvider> source;
        if (source_profile) {
            if (*source_profile == profile) {
                // A profile may name itself: its own static keys assume its role.
                source = static_keys();
                if (!source)
                    throw ConfigError{"profile " + profile +
                                      " is its own source_profile "
                                      "but has no static keys"};
            } else if (!files_.has_profile(*source_profile)) {
                // Name the profile that refers to it: that is the line to fix.
                throw ConfigError{"profile '" + profile +
                                  "' has source_profile = " + *source_profile +
                                  ", but there is no profile '" + *source_profile + "' in " +
                                  files_.config_path() + " or " + files_.credentials_path()};
            } else {
                source = from_profile(*source_profile, visiting);
            }
        } else if (*credential_source == "Environment") {
            source = from_environment_keys();
            if (!source)
                throw CredentialsError{"profile " + profile +
                                       ": credential_source Environment, but "
                                       "AWS_ACCESS_KEY_ID is not set"};
        } else if (*credential_source == "EcsContainer") {
            source = from_container();
            if (!source)
                throw CredentialsError{"profile " + profile +
                                       ": credential_source EcsContainer, but no "
                                       "AWS_CONTAINER_CREDENTIALS_* variable is set"};
        } else if (*credential_source == "Ec2InstanceMetadata") {
            std::string why_not;
            source = from_instance_metadata(why_not);
            if (!source) throw CredentialsError{"profile " + profile + ": " + why_not};
        } else {
            throw ConfigError{"profile " + profile + ": credential_source '" + *credential_source +
                              "' is not Environment, Ec2InstanceMetadata or EcsContainer"};
        }
        return assume_role(profile, source);
    }
    if (looping) {
        // Only a profile naming itself may use its own keys (handled above); any
        // other way back to a visited profile is a loop, as the AWS CLI says.
        std::string chain;
        for (const auto& p : visiting) chain += (chain.empty() ? "" : " -> ") + p;
        throw ConfigError{"source_profile chain loops: " + chain};
    }
    if (auto keys = static_keys()) return keys;
    if (auto command = files_.get(profile, "credential_process")) {
        auto fetch = [command = *command] { return run_credential_process(command); };
        return std::make_shared<RefreshingProvider>(fetch,
                                                    "credential_process (profile " + profile + ")");
    }
    return nullptr;
}

std::shared_ptr<CredentialsProvider> Chain::from_container() const {
    ContainerEndpoint endpoint;
    std::string url;
    if (auto relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
        // S3_CLEANUP_TEST_ECS_ENDPOINT exists for the test suite only: the real
        // endpoint is a link-local address that only ECS serves.
        url = env("S3_CLEANUP_TEST_ECS_ENDPOINT").value_or(kEcsEndpoint) + *relative;
    } else if (auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        url = *full;
    } else {
        return nullptr;
    }
    auto parsed = parse_http_url(url);
    if (!parsed) throw ConfigError{"container credentials URL '" + url + "' is not an http(s) URL"};
    if (parsed->scheme == "http" && !allowed_plain_http_host(parsed->host)) {
        // As the AWS SDKs: plain http only to loopback or the ECS / EKS agents,
        // so credentials never cross a network unencrypted.
        throw ConfigError{"container credentials URL '" + url +
                          "' must be https, or http to loopback, 169.254.170.2 or 169.254.170.23"};
    }
    endpoint.url = *parsed;
    if (auto token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
        endpoint.authorization =
            read_token_file(*token_file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    } else if (auto token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        endpoint.authorization = *token;
        register_secret(*token);
    }
    // Local to the machine (or the task): never through a proxy.
    auto transport = transports_({.connect_timeout_ms = kContainerTimeoutMs,
                                  .total_timeout_ms = kContainerTimeoutMs,
                                  .use_proxy = false});
    auto fetch = [transport, endpoint] {
        return fetch_container_credentials(*transport, endpoint);
    };
    return std::make_shared<RefreshingProvider>(fetch, "container credentials (" + url + ")");
}

std::shared_ptr<CredentialsProvider> Chain::from_instance_metadata(std::string& why_not) const {
    if (auto disabled = env("AWS_EC2_METADATA_DISABLED");
        disabled && (*disabled == "true" || *disabled == "TRUE" || *disabled == "True")) {
        why_not = "instance metadata disabled (AWS_EC2_METADATA_DISABLED)";
        return nullptr;
    }
    const std::string url = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(kImdsEndpoint);
    auto parsed = parse_http_url(url);
    if (!parsed) {
        throw ConfigError{"AWS_EC2_METADATA_SERVICE_ENDPOINT '" + url + "' is not an http(s) URL"};
    }
    // The AWS CLI's variables: seconds (may be fractional) and a whole count.
    auto number = [&](const char* name, double fallback, double high, bool whole) {
        auto text = env(name);
        if (!text) return fallback;
        try {
            std::size_t used = 0;
            const double value = std::stod(*text, &used);
            if (used == text->size() && std::isfinite(value) && value > 0 && value <= high &&
                (!whole || value == std::floor(value))) {
                return value;
            }
        } catch (const std::exception&) {
        }
        throw ConfigError{std::string(name) + " '" + *text + "' must be " +
                          (whole ? "a whole number from 1" : "a number above 0") + " to " +
                          std::to_string(static_cast<int>(high))};
    };
    const auto timeout_ms = static_cast<long>(
        number("AWS_METADATA_SERVICE_TIMEOUT", kImdsDefaultTimeoutSeconds, 3600, false) * 1000);
    const int attempts = static_cast<int>(
        number("AWS_METADATA_SERVICE_NUM_ATTEMPTS", kImdsDefaultAttempts, 10, true));
    // A link-local address of this machine: never through a proxy.
    auto transport = transports_(
        {.connect_timeout_ms = timeout_ms, .total_timeout_ms = timeout_ms, .use_proxy = false});
    auto provider = std::make_shared<RefreshingProvider>(
        [transport, endpoint = *parsed, attempts] {
            return fetch_instance_credentials(*transport, endpoint, attempts);
        },
        "instance metadata (" + url + ")");
    try {
        provider->current();
    } catch (const CredentialsError& error) {
        why_not = error.message;
        return nullptr;
    }
    return provider;
}

std::shared_ptr<CredentialsProvider> Chain::resolve() {
    if (input_.profile_explicit) {
        auto provider = from_profile(input_.profile, {});
        if (!provider) {
            throw NoCredentialsError{"profile " + input_.profile + " has no credentials in " +
                                     files_.credentials_path() + " or " + files_.config_path()};
        }
        return checked(provider);
    }
    std::vector<std::string> looked;
    if (auto p = from_environment_keys()) return checked(p);
    looked.emplace_back("environment (AWS_ACCESS_KEY_ID)");
    if (auto p = from_environment_web_identity()) return checked(p);
    looked.emplace_back("web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)");
    if (files_.has_profile(input_.profile) || input_.profile != "default") {
        if (auto p = from_profile(input_.profile, {})) return checked(p);
    }
    looked.push_back("profile " + input_.profile + " (" + files_.credentials_path() + ", " +
                     files_.config_path() + ")");
    if (auto p = from_container()) return checked(p);
    looked.emplace_back("container credentials (AWS_CONTAINER_CREDENTIALS_*)");
    std::string why_not;
    if (auto p = from_instance_metadata(why_not)) return p;
    looked.push_back(why_not);

    std::string where;
    for (const auto& place : looked) where += (where.empty() ? "" : "; ") + place;
    throw NoCredentialsError{"no AWS credentials found; looked in: " + where};
}

}  // namespace

std::shared_ptr<CredentialsProvider> resolve_credentials(const ChainInput& input,
                                                         const AwsConfigFiles& files,
                                                         const EnvLookup& env,
                                                         const net::TransportFactory& transports) {
    return Chain(input, files, env, transports).resolve();
}

}  // namespace aws
