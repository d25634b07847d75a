#include "aws/tls_trust.hpp"

#include <cerrno>
#include <fstream>
#include <system_error>

namespace aws {

TlsTrust resolve_tls_trust(const TlsTrustRequest& request, const AwsConfigFiles& files,
                           const std::string& profile, const EnvLookup& env) {
    TlsTrust trust;
    trust.verify = !request.no_verify;
    if (!request.ca_bundle.empty()) {
        trust.ca_bundle = request.ca_bundle;
        trust.source = "--ca-bundle";
    } else if (auto from_env = env_value(env, "AWS_CA_BUNDLE")) {
        trust.ca_bundle = *from_env;
        trust.source = "AWS_CA_BUNDLE";
    } else if (auto from_profile = files.get(profile, "ca_bundle")) {
        trust.ca_bundle = *from_profile;
        trust.source =
            "ca_bundle of profile " + profile + " (" + files.where(profile, "ca_bundle") + ")";
    }
    if (trust.ca_bundle.empty()) return trust;
    // Found now rather than by the first TLS handshake, which would say only
    // that some certificate file was unusable, after credentials were asked for.
    std::ifstream file(trust.ca_bundle);
    if (!file) {
        throw ConfigError{"the CA bundle " + trust.ca_bundle + " (" + trust.source +
                          ") cannot be read: " + std::generic_category().message(errno)};
    }
    return trust;
}

}  // namespace aws
