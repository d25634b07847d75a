#include "aws/aws_config.hpp"

#include <cstdlib>

namespace aws {

namespace {

std::optional<std::string> lookup(const std::map<std::string, std::string>* section,
                                  const std::string& key) {
    if (section == nullptr) return std::nullopt;
    auto it = section->find(key);
    if (it == section->end() || it->second.empty()) return std::nullopt;
    return it->second;
}

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::optional<std::string> env_value(const EnvLookup& env, const std::string& name) {
    auto value = env(name);
    if (value && !value->empty()) return value;
    return std::nullopt;
}

AwsConfigFiles::AwsConfigFiles(std::string credentials_path, std::optional<IniSections> credentials,
                               std::string config_path, std::optional<IniSections> config)
    : credentials_path_(std::move(credentials_path)),
      credentials_(std::move(credentials)),
      config_path_(std::move(config_path)),
      config_(std::move(config)) {}

AwsConfigFiles AwsConfigFiles::load(const EnvLookup& env) {
    const std::string home = env_value(env, "HOME").value_or("");
    std::string credentials_path =
        env_value(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
    std::string config_path = env_value(env, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
    try {
        auto credentials = read_ini_file(credentials_path);
        auto config = read_ini_file(config_path);
        return AwsConfigFiles(std::move(credentials_path), std::move(credentials),
                              std::move(config_path), std::move(config));
    } catch (const IniParseError& error) {
        throw ConfigError{error.message};
    }
}

const std::map<std::string, std::string>* AwsConfigFiles::credentials_section(
    const std::string& profile) const {
    if (!credentials_) return nullptr;
    auto it = credentials_->find(profile);
    return it == credentials_->end() ? nullptr : &it->second;
}

// In ~/.aws/config every profile but the default is "[profile NAME]".
const std::map<std::string, std::string>* AwsConfigFiles::config_section(
    const std::string& profile) const {
    if (!config_) return nullptr;
    auto it = config_->find(profile == "default" ? profile : "profile " + profile);
    if (it == config_->end() && profile == "default") it = config_->find("profile default");
    return it == config_->end() ? nullptr : &it->second;
}

bool AwsConfigFiles::has_profile(const std::string& profile) const {
    return credentials_section(profile) != nullptr || config_section(profile) != nullptr;
}

std::optional<std::string> AwsConfigFiles::get(const std::string& profile,
                                               const std::string& key) const {
    if (auto value = lookup(credentials_section(profile), key)) return value;
    return lookup(config_section(profile), key);
}

std::string AwsConfigFiles::where(const std::string& profile, const std::string& key) const {
    return lookup(credentials_section(profile), key) ? credentials_path_ : config_path_;
}

}  // namespace aws
