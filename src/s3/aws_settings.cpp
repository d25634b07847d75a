#include "s3/aws_settings.hpp"

#include <cstdlib>
#include <vector>

#include "s3/ini_file.hpp"

namespace s3 {

namespace {

std::optional<std::string> non_empty(const EnvLookup& env, const std::string& name) {
    auto value = env(name);
    if (value && !value->empty()) return value;
    return std::nullopt;
}

struct ProfileFiles {
    std::string credentials_path;
    std::string config_path;
    std::optional<IniSections> credentials;
    std::optional<IniSections> config;
};

ProfileFiles load_files(const EnvLookup& env) {
    ProfileFiles files;
    std::string home = non_empty(env, "HOME").value_or("");
    files.credentials_path =
        non_empty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
    files.config_path = non_empty(env, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
    try {
        files.credentials = read_ini_file(files.credentials_path);
        files.config = read_ini_file(files.config_path);
    } catch (const IniParseError& error) {
        throw ConfigError{error.message};
    }
    return files;
}

// In ~/.aws/config every profile but the default is "[profile NAME]".
const std::map<std::string, std::string>* config_section(const ProfileFiles& files,
                                                         const std::string& profile) {
    if (!files.config) return nullptr;
    auto it = files.config->find(profile == "default" ? profile : "profile " + profile);
    if (it == files.config->end() && profile == "default")
        it = files.config->find("profile default");
    return it == files.config->end() ? nullptr : &it->second;
}

const std::map<std::string, std::string>* credentials_section(const ProfileFiles& files,
                                                              const std::string& profile) {
    if (!files.credentials) return nullptr;
    auto it = files.credentials->find(profile);
    return it == files.credentials->end() ? nullptr : &it->second;
}

std::optional<std::string> lookup(const std::map<std::string, std::string>* section,
                                  const std::string& key) {
    if (section == nullptr) return std::nullopt;
    auto it = section->find(key);
    if (it == section->end() || it->second.empty()) return std::nullopt;
    return it->second;
}

std::optional<sigv4::Credentials> static_keys(const std::map<std::string, std::string>* section) {
    auto id = lookup(section, "aws_access_key_id");
    auto secret = lookup(section, "aws_secret_access_key");
    if (!id || !secret) return std::nullopt;
    return sigv4::Credentials{*id, *secret, lookup(section, "aws_session_token").value_or("")};
}

}  // namespace

EnvLookup process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

AwsSettings resolve_settings(const SettingsRequest& request, const EnvLookup& env) {
    ProfileFiles files = load_files(env);
    const bool profile_from_flag = !request.profile.empty();
    const std::string profile =
        profile_from_flag ? request.profile : non_empty(env, "AWS_PROFILE").value_or("default");

    const auto* creds_section = credentials_section(files, profile);
    const auto* conf_section = config_section(files, profile);
    if ((profile_from_flag || profile != "default") && creds_section == nullptr &&
        conf_section == nullptr) {
        throw ConfigError{"profile '" + profile + "' not found in " + files.credentials_path +
                          " or " + files.config_path};
    }

    AwsSettings settings;
    settings.region = request.region;
    if (settings.region.empty()) {
        settings.region =
            non_empty(env, "AWS_REGION")
                .value_or(non_empty(env, "AWS_DEFAULT_REGION")
                              .value_or(lookup(conf_section, "region").value_or(kDefaultRegion)));
    }

    settings.endpoint_url = request.endpoint_url;
    if (settings.endpoint_url.empty()) {
        settings.endpoint_url = non_empty(env, "AWS_ENDPOINT_URL_S3")
                                    .value_or(non_empty(env, "AWS_ENDPOINT_URL").value_or(""));
    }

    // With --profile the AWS CLI uses that profile only, environment keys ignored.
    std::vector<std::string> looked;
    if (!profile_from_flag) {
        auto id = non_empty(env, "AWS_ACCESS_KEY_ID");
        auto secret = non_empty(env, "AWS_SECRET_ACCESS_KEY");
        if (id && secret) {
            settings.credentials = {*id, *secret, non_empty(env, "AWS_SESSION_TOKEN").value_or("")};
            settings.credentials_source = "environment";
            return settings;
        }
        if (id || secret) {
            throw ConfigError{std::string(id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY "
                                               "is not"
                                             : "AWS_SECRET_ACCESS_KEY is set but "
                                               "AWS_ACCESS_KEY_ID is not")};
        }
        looked.emplace_back("environment (AWS_ACCESS_KEY_ID)");
    }
    if (auto keys = static_keys(creds_section)) {
        settings.credentials = *keys;
        settings.credentials_source = "profile " + profile + " in " + files.credentials_path;
        return settings;
    }
    looked.push_back("profile " + profile + " in " + files.credentials_path);
    if (auto keys = static_keys(conf_section)) {
        settings.credentials = *keys;
        settings.credentials_source = "profile " + profile + " in " + files.config_path;
        return settings;
    }
    looked.push_back("profile " + profile + " in " + files.config_path);

    std::string where;
    for (const auto& place : looked) where += (where.empty() ? "" : ", ") + place;
    throw NoCredentialsError{"no AWS credentials found; looked in: " + where};
}

}  // namespace s3
