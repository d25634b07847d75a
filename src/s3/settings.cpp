#include "s3/settings.hpp"

namespace s3 {

std::optional<AddressingStyle> parse_addressing_style(const std::string& text) {
    if (text == "auto") return AddressingStyle::kAuto;
    if (text == "path") return AddressingStyle::kPath;
    if (text == "virtual") return AddressingStyle::kVirtual;
    return std::nullopt;
}

Settings resolve_settings(const SettingsRequest& request, const aws::AwsSettings& aws,
                          const aws::EnvLookup& env) {
    Settings settings;
    settings.endpoint_url = request.endpoint_url;
    if (settings.endpoint_url.empty()) {
        settings.endpoint_url = aws::endpoint_url(kServiceId, aws, env).value_or("");
    }

    std::string style = request.addressing_style;
    std::string style_from = "--addressing-style";
    if (style.empty()) {
        style = aws.files.get(aws.profile, "s3.addressing_style").value_or("auto");
        style_from = "addressing_style in profile " + aws.profile;
    }
    auto addressing = parse_addressing_style(style);
    if (!addressing) {
        throw aws::ConfigError{style_from + " must be auto, path or virtual, got '" + style + "'"};
    }
    settings.addressing = *addressing;
    return settings;
}

}  // namespace s3
