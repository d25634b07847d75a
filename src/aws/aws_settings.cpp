#include "aws/aws_settings.hpp"

namespace aws {

std::string region_name_problem(const std::string& region) {
    // It becomes part of a host name (s3.REGION.amazonaws.com) and of the
    // signature's scope: letters, digits, '-' and '_' only, so no value can
    // steer a signed request to another host.
    if (region.empty() || region.size() > kRegionNameMax) {
        return "must be 1 to " + std::to_string(kRegionNameMax) + " characters";
    }
    for (char c : region) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return "may hold only letters, digits, '-' and '_'";
    }
    return {};
}

AwsSettings resolve_profile(const SettingsRequest& request, const EnvLookup& env) {
    AwsSettings settings;
    settings.files = AwsConfigFiles::load(env);
    const AwsConfigFiles& files = settings.files;
    settings.profile_explicit = !request.profile.empty();
    settings.profile = settings.profile_explicit
                           ? request.profile
                           : env_value(env, "AWS_PROFILE").value_or("default");
    const std::string& profile = settings.profile;
    if ((settings.profile_explicit || profile != "default") && !files.has_profile(profile)) {
        throw ConfigError{"profile '" + profile + "' not found in " + files.credentials_path() +
                          " or " + files.config_path()};
    }

    // Where the region came from, to name it when it is unusable.
    std::string region_from = "--region";
    settings.region = request.region;
    if (settings.region.empty()) {
        const std::pair<const char*, std::optional<std::string>> sources[] = {
            {"AWS_REGION", env_value(env, "AWS_REGION")},
            {"AWS_DEFAULT_REGION", env_value(env, "AWS_DEFAULT_REGION")},
        };
        region_from = "region of profile " + profile;
        settings.region = files.get(profile, "region").value_or(kDefaultRegion);
        for (const auto& [name, value] : sources) {
            if (value) {
                region_from = name;
                settings.region = *value;
                break;
            }
        }
    }
    if (auto problem = region_name_problem(settings.region); !problem.empty()) {
        throw ConfigError{region_from + " '" + settings.region + "' " + problem};
    }
    return settings;
}

void resolve_credentials(AwsSettings& settings, const EnvLookup& env,
                         const net::TransportFactory& transports, const RetryControl& sts_retry) {
    settings.credentials = resolve_credentials(
        {settings.profile, settings.profile_explicit, settings.region, sts_retry}, settings.files,
        env, transports);
}

AwsSettings resolve_settings(const SettingsRequest& request, const EnvLookup& env,
                             const net::TransportFactory& transports,
                             const RetryControl& sts_retry) {
    AwsSettings settings = resolve_profile(request, env);
    resolve_credentials(settings, env, transports, sts_retry);
    return settings;
}

std::optional<std::string> env_endpoint_url(const std::string& service_id, const EnvLookup& env) {
    std::string name = "AWS_ENDPOINT_URL_";
    for (const char c : service_id) {
        const bool lower = c >= 'a' && c <= 'z';
        name += c == ' ' || c == '-' ? '_' : lower ? static_cast<char>(c - 'a' + 'A') : c;
    }
    if (auto url = env_value(env, name)) return url;
    return env_value(env, "AWS_ENDPOINT_URL");
}

std::optional<std::string> endpoint_url(const std::string& service_id, const AwsSettings& settings,
                                        const EnvLookup& env) {
    return endpoint_url(service_id, settings.files, settings.profile, env);
}

std::optional<std::string> endpoint_url(const std::string& service_id, const AwsConfigFiles& files,
                                        const std::string& profile, const EnvLookup& env) {
    if (auto url = env_endpoint_url(service_id, env)) return url;
    if (auto url = files.get(profile, service_id + ".endpoint_url")) return url;
    return files.get(profile, "endpoint_url");
}

}  // namespace aws
