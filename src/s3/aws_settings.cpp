#include "s3/aws_settings.hpp"

namespace s3 {

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

std::optional<AddressingStyle> parse_addressing_style(const std::string& text) {
    if (text == "auto") return AddressingStyle::kAuto;
    if (text == "path") return AddressingStyle::kPath;
    if (text == "virtual") return AddressingStyle::kVirtual;
    return std::nullopt;
}

AwsSettings resolve_settings(const SettingsRequest& request, const EnvLookup& env,
                             const net::TransportFactory& transports) {
    const AwsConfigFiles files = AwsConfigFiles::load(env);
    const bool profile_explicit = !request.profile.empty();
    const std::string profile =
        profile_explicit ? request.profile : env_value(env, "AWS_PROFILE").value_or("default");
    if ((profile_explicit || profile != "default") && !files.has_profile(profile)) {
        throw ConfigError{"profile '" + profile + "' not found in " + files.credentials_path() +
                          " or " + files.config_path()};
    }

    AwsSettings settings;
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

    settings.endpoint_url = request.endpoint_url;
    if (settings.endpoint_url.empty()) {
        settings.endpoint_url =
            env_value(env, "AWS_ENDPOINT_URL_S3")
                .value_or(
                    env_value(env, "AWS_ENDPOINT_URL")
                        .value_or(files.get(profile, "s3.endpoint_url")
                                      .value_or(files.get(profile, "endpoint_url").value_or(""))));
    }

    std::string style = request.addressing_style;
    std::string style_from = "--addressing-style";
    if (style.empty()) {
        style = files.get(profile, "s3.addressing_style").value_or("auto");
        style_from = "addressing_style in profile " + profile;
    }
    auto addressing = parse_addressing_style(style);
    if (!addressing) {
        throw ConfigError{style_from + " must be auto, path or virtual, got '" + style + "'"};
    }
    settings.addressing = *addressing;

    settings.credentials =
        resolve_credentials({profile, profile_explicit, settings.region}, files, env, transports);
    return settings;
}

}  // namespace s3
