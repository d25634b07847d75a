// ~/.aws/credentials and ~/.aws/config, read once, looked up by profile.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "aws/ini_file.hpp"

namespace aws {

// Reads an environment variable; nullopt when unset. A seam for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();
// The variable when set and not empty.
std::optional<std::string> env_value(const EnvLookup& env, const std::string& name);

// The configuration is wrong (malformed file, unknown --profile, a role chain
// that loops): a usage problem, exit 2.
struct ConfigError {
    std::string message;
};

class AwsConfigFiles {
public:
    // Throws ConfigError for an unreadable or malformed file; a missing one is empty.
    static AwsConfigFiles load(const EnvLookup& env);
    AwsConfigFiles() = default;
    AwsConfigFiles(std::string credentials_path, std::optional<IniSections> credentials,
                   std::string config_path, std::optional<IniSections> config);

    bool has_profile(const std::string& profile) const;
    // A key of the profile: the credentials file wins over the config file,
    // as in the AWS CLI. nullopt when absent or empty.
    std::optional<std::string> get(const std::string& profile, const std::string& key) const;
    // Which file a key came from, for messages.
    std::string where(const std::string& profile, const std::string& key) const;

    const std::string& credentials_path() const { return credentials_path_; }
    const std::string& config_path() const { return config_path_; }

private:
    const std::map<std::string, std::string>* credentials_section(const std::string& p) const;
    const std::map<std::string, std::string>* config_section(const std::string& p) const;

    std::string credentials_path_;
    std::optional<IniSections> credentials_;
    std::string config_path_;
    std::optional<IniSections> config_;
};

}  // namespace aws
