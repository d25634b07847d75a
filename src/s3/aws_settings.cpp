#include "s3/aws_settings.hpp"

namespace s3 {

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
    settings.region = request.region;
    if (settings.region.empty()) {
        settings.region =
            env_value(env, "AWS_REGION")
                .value_or(env_value(env, "AWS_DEFAULT_REGION")
                              .value_or(files.get(profile, "region").value_or(kDefaultRegion)));
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
