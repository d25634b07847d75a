// Unit tests for src/s3/aws_settings.hpp: credentials, region, endpoint and
// addressing resolution with a fake environment, temporary ~/.aws files and a
// fake transport factory (nothing listens: no container endpoint, no IMDS).
#include "s3/aws_settings.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "credential_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using s3::AwsSettings;
using s3::ConfigError;
using s3::NoCredentialsError;
using s3::SettingsRequest;

using Env = std::map<std::string, std::string>;

s3::EnvLookup fake_env(Env env) {
    return [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
}

// A fake HOME under ::testing::TempDir(), unique per test, removed afterwards.
class FakeHome {
public:
    FakeHome() {
        static std::atomic<int> counter{0};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        home_ = fs::path(::testing::TempDir()) / ("s3c_home_" + std::to_string(::getpid()) + "_" +
                                                  info->name() + "_" + std::to_string(counter++));
        fs::remove_all(home_);
        fs::create_directories(home_ / ".aws");
    }
    ~FakeHome() {
        std::error_code ignored;
        fs::remove_all(home_, ignored);
    }
    FakeHome(const FakeHome&) = delete;
    FakeHome& operator=(const FakeHome&) = delete;

    std::string home() const { return home_.string(); }
    std::string credentials_path() const { return (home_ / ".aws" / "credentials").string(); }
    std::string config_path() const { return (home_ / ".aws" / "config").string(); }

    void credentials(const std::string& text) const { write(credentials_path(), text); }
    void config(const std::string& text) const { write(config_path(), text); }

    // An environment with HOME pointing here, plus extra variables.
    Env env(Env extra = {}) const {
        extra.emplace("HOME", home());
        return extra;
    }

private:
    static void write(const std::string& path, const std::string& text) {
        std::ofstream out(path, std::ios::binary);
        out << text;
    }
    fs::path home_;
};

// The transports refuse every connection, as on a machine that is neither an
// EC2 instance nor a container: the chain ends without credentials from there.
AwsSettings resolve(const SettingsRequest& request, const Env& env) {
    const s3test::FakeTransports transports;
    return s3::resolve_settings(request, fake_env(env), transports.factory());
}

const char* kCredentials =
    "[default]\n"
    "aws_access_key_id = AKID_DEFAULT\n"
    "aws_secret_access_key = SECRET_DEFAULT\n"
    "\n"
    "[dev]\n"
    "aws_access_key_id = AKID_DEV\n"
    "aws_secret_access_key = SECRET_DEV\n"
    "aws_session_token = TOKEN_DEV\n";

const char* kConfig =
    "[default]\n"
    "region = eu-west-1\n"
    "\n"
    "[profile dev]\n"
    "region = eu-central-1\n"
    "\n"
    "[profile cfgonly]\n"
    "region = ap-south-1\n"
    "aws_access_key_id = AKID_CFG\n"
    "aws_secret_access_key = SECRET_CFG\n"
    "\n"
    "[profile nokeys]\n"
    "region = sa-east-1\n"
    "s3 =\n"
    "  addressing_style = path\n";

// ------------------------------------------------------------ credentials

TEST(AwsSettingsCredentials, EnvironmentKeysWinWithoutProfileFlag) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    const auto settings = resolve({}, home.env({{"AWS_ACCESS_KEY_ID", "AKID_ENV"},
                                                {"AWS_SECRET_ACCESS_KEY", "SECRET_ENV"},
                                                {"AWS_SESSION_TOKEN", "TOKEN_ENV"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_ENV");
    EXPECT_EQ(settings.credentials->current().secret_access_key, "SECRET_ENV");
    EXPECT_EQ(settings.credentials->current().session_token, "TOKEN_ENV");
    EXPECT_EQ(settings.credentials->source(), "environment");
    EXPECT_EQ(settings.region, "eu-west-1");  // region still from the default profile
}

TEST(AwsSettingsCredentials, EnvironmentKeysWinOverAwsProfile) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    const auto settings = resolve({}, home.env({{"AWS_ACCESS_KEY_ID", "AKID_ENV"},
                                                {"AWS_SECRET_ACCESS_KEY", "SECRET_ENV"},
                                                {"AWS_PROFILE", "dev"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_ENV");
    EXPECT_EQ(settings.credentials->current().session_token, "");
    EXPECT_EQ(settings.region, "eu-central-1");  // but AWS_PROFILE picks the region
}

TEST(AwsSettingsCredentials, ProfileFlagIgnoresEnvironmentKeys) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    const auto settings =
        resolve({"dev", "", "", ""}, home.env({{"AWS_ACCESS_KEY_ID", "AKID_ENV"},
                                               {"AWS_SECRET_ACCESS_KEY", "SECRET_ENV"},
                                               {"AWS_PROFILE", "default"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_DEV");
    EXPECT_EQ(settings.credentials->current().secret_access_key, "SECRET_DEV");
    EXPECT_EQ(settings.credentials->current().session_token, "TOKEN_DEV");
    EXPECT_NE(settings.credentials->source().find("dev"), std::string::npos);
    EXPECT_NE(settings.credentials->source().find(home.credentials_path()), std::string::npos);
    EXPECT_EQ(settings.region, "eu-central-1");
}

TEST(AwsSettingsCredentials, ProfileFlagWithHalfEnvironmentKeysIsFine) {
    // With --profile the environment keys are not looked at, so a lone one is no error.
    FakeHome home;
    home.credentials(kCredentials);
    const auto settings =
        resolve({"dev", "", "", ""}, home.env({{"AWS_ACCESS_KEY_ID", "AKID_ENV"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_DEV");
}

TEST(AwsSettingsCredentials, ProfileFromConfigFile) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    const auto settings = resolve({"cfgonly", "", "", ""}, home.env());
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_CFG");
    EXPECT_EQ(settings.credentials->current().secret_access_key, "SECRET_CFG");
    EXPECT_NE(settings.credentials->source().find(home.config_path()), std::string::npos);
    EXPECT_EQ(settings.region, "ap-south-1");
}

TEST(AwsSettingsCredentials, ConfigProfileNeedsProfilePrefix) {
    // In the config file a named profile is "[profile NAME]"; "[NAME]" is not it.
    FakeHome home;
    home.config("[bare]\naws_access_key_id = A\naws_secret_access_key = B\n");
    EXPECT_THROW((void)resolve({"bare", "", "", ""}, home.env()), ConfigError);
}

TEST(AwsSettingsCredentials, AwsProfileSelectsProfile) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    const auto settings = resolve({}, home.env({{"AWS_PROFILE", "dev"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_DEV");
    EXPECT_EQ(settings.region, "eu-central-1");
}

TEST(AwsSettingsCredentials, DefaultProfileFromCredentialsFile) {
    FakeHome home;
    home.credentials(kCredentials);
    const auto settings = resolve({}, home.env());
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_DEFAULT");
    EXPECT_EQ(settings.credentials->current().session_token, "");
    EXPECT_EQ(settings.region, "us-east-1");
    EXPECT_EQ(settings.endpoint_url, "");
}

TEST(AwsSettingsCredentials, DefaultProfileMayBeSpelledProfileDefaultInConfig) {
    FakeHome home;
    home.config(
        "[profile default]\nregion = ca-central-1\n"
        "aws_access_key_id = A\naws_secret_access_key = B\n");
    const auto settings = resolve({}, home.env());
    EXPECT_EQ(settings.credentials->current().access_key_id, "A");
    EXPECT_EQ(settings.region, "ca-central-1");
}

TEST(AwsSettingsCredentials, FileLocationsFromEnvironment) {
    FakeHome home;  // HOME's files stay empty; the variables point elsewhere
    FakeHome other;
    other.credentials("[default]\naws_access_key_id = OTHER\naws_secret_access_key = S\n");
    other.config("[default]\nregion = us-west-2\n");
    const auto settings =
        resolve({}, home.env({{"AWS_SHARED_CREDENTIALS_FILE", other.credentials_path()},
                              {"AWS_CONFIG_FILE", other.config_path()}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "OTHER");
    EXPECT_EQ(settings.region, "us-west-2");
}

TEST(AwsSettingsCredentials, EmptyEnvironmentValuesCountAsUnset) {
    FakeHome home;
    home.credentials(kCredentials);
    const auto settings = resolve({}, home.env({{"AWS_ACCESS_KEY_ID", ""},
                                                {"AWS_SECRET_ACCESS_KEY", ""},
                                                {"AWS_PROFILE", ""},
                                                {"AWS_REGION", ""}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_DEFAULT");
    EXPECT_EQ(settings.region, "us-east-1");
}

// ----------------------------------------------------------------- region

TEST(AwsSettingsRegion, PrecedenceTable) {
    struct Case {
        const char* name;
        std::string flag;
        Env env;
        std::string config;
        std::string expected;
    };
    const std::string with_region = "[default]\nregion = from-config\n";
    const std::vector<Case> cases = {
        {"flag_wins",
         "from-flag",
         {{"AWS_REGION", "from-aws-region"}, {"AWS_DEFAULT_REGION", "from-default-region"}},
         with_region,
         "from-flag"},
        {"aws_region_next",
         "",
         {{"AWS_REGION", "from-aws-region"}, {"AWS_DEFAULT_REGION", "from-default-region"}},
         with_region,
         "from-aws-region"},
        {"aws_default_region_next",
         "",
         {{"AWS_DEFAULT_REGION", "from-default-region"}},
         with_region,
         "from-default-region"},
        {"config_next", "", {}, with_region, "from-config"},
        {"fallback", "", {}, "", "us-east-1"},
        {"config_without_region", "", {}, "[default]\noutput = json\n", "us-east-1"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeHome home;
        home.credentials(kCredentials);
        if (!c.config.empty()) home.config(c.config);
        const auto settings = resolve({"", c.flag, "", ""}, home.env(c.env));
        EXPECT_EQ(settings.region, c.expected);
    }
}

TEST(AwsSettingsRegion, EnvironmentBeatsProfileFlagRegion) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    EXPECT_EQ(resolve({"dev", "", "", ""}, home.env({{"AWS_REGION", "env-region"}})).region,
              "env-region");
    EXPECT_EQ(resolve({"dev", "", "", ""}, home.env()).region, "eu-central-1");
    EXPECT_EQ(resolve({"dev", "flag-region", "", ""}, home.env()).region, "flag-region");
}

TEST(AwsSettingsRegion, DefaultConstantIsUsEast1) { EXPECT_STREQ(s3::kDefaultRegion, "us-east-1"); }

// --------------------------------------------------------------- endpoint

TEST(AwsSettingsEndpoint, PrecedenceTable) {
    struct Case {
        const char* name;
        std::string flag;
        Env env;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"flag_wins",
         "http://flag:9000",
         {{"AWS_ENDPOINT_URL_S3", "http://s3env:9000"}, {"AWS_ENDPOINT_URL", "http://env:9000"}},
         "http://flag:9000"},
        {"service_specific_next",
         "",
         {{"AWS_ENDPOINT_URL_S3", "http://s3env:9000"}, {"AWS_ENDPOINT_URL", "http://env:9000"}},
         "http://s3env:9000"},
        {"global_next", "", {{"AWS_ENDPOINT_URL", "http://env:9000"}}, "http://env:9000"},
        {"empty_service_specific_ignored",
         "",
         {{"AWS_ENDPOINT_URL_S3", ""}, {"AWS_ENDPOINT_URL", "http://env:9000"}},
         "http://env:9000"},
        {"none", "", {}, ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeHome home;
        home.credentials(kCredentials);
        EXPECT_EQ(resolve({"", "", c.flag, ""}, home.env(c.env)).endpoint_url, c.expected);
    }
}

TEST(AwsSettingsEndpoint, FromProfile) {
    struct Case {
        const char* name;
        std::string config;
        Env env;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"s3_section",
         "[default]\ns3 =\n  endpoint_url = http://s3cfg:9000\n",
         {},
         "http://s3cfg:9000"},
        {"global_key", "[default]\nendpoint_url = http://cfg:9000\n", {}, "http://cfg:9000"},
        {"s3_section_beats_global_key",
         "[default]\nendpoint_url = http://cfg:9000\ns3 =\n  endpoint_url = http://s3cfg:9000\n",
         {},
         "http://s3cfg:9000"},
        {"environment_beats_profile",
         "[default]\nendpoint_url = http://cfg:9000\n",
         {{"AWS_ENDPOINT_URL", "http://env:9000"}},
         "http://env:9000"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeHome home;
        home.credentials(kCredentials);
        home.config(c.config);
        EXPECT_EQ(resolve({}, home.env(c.env)).endpoint_url, c.expected);
    }
}

// ------------------------------------------------------------- addressing

TEST(AwsSettingsAddressing, ParseTable) {
    EXPECT_EQ(s3::parse_addressing_style("auto"), s3::AddressingStyle::kAuto);
    EXPECT_EQ(s3::parse_addressing_style("path"), s3::AddressingStyle::kPath);
    EXPECT_EQ(s3::parse_addressing_style("virtual"), s3::AddressingStyle::kVirtual);
    for (const char* bad : {"", "Path", "VIRTUAL", "dns", "path "}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(s3::parse_addressing_style(bad).has_value());
    }
}

TEST(AwsSettingsAddressing, FlagThenProfileThenAuto) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);  // profile nokeys has s3 = addressing_style = path
    const Env keys{{"AWS_ACCESS_KEY_ID", "AKID_ENV"}, {"AWS_SECRET_ACCESS_KEY", "SECRET_ENV"}};
    EXPECT_EQ(resolve({}, home.env(keys)).addressing, s3::AddressingStyle::kAuto);
    EXPECT_EQ(resolve({"", "", "", "virtual"}, home.env(keys)).addressing,
              s3::AddressingStyle::kVirtual);
    Env with_profile = keys;
    with_profile["AWS_PROFILE"] = "nokeys";
    EXPECT_EQ(resolve({}, home.env(with_profile)).addressing, s3::AddressingStyle::kPath);
    EXPECT_EQ(resolve({"", "", "", "virtual"}, home.env(with_profile)).addressing,
              s3::AddressingStyle::kVirtual);
}

TEST(AwsSettingsAddressing, BadValuesAreConfigErrors) {
    FakeHome home;
    home.credentials(kCredentials);
    try {
        (void)resolve({"", "", "", "dns"}, home.env());
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_NE(error.message.find("--addressing-style"), std::string::npos) << error.message;
        EXPECT_NE(error.message.find("dns"), std::string::npos) << error.message;
    }
    home.config("[default]\ns3 =\n  addressing_style = sideways\n");
    try {
        (void)resolve({}, home.env());
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_NE(error.message.find("default"), std::string::npos) << error.message;
        EXPECT_NE(error.message.find("sideways"), std::string::npos) << error.message;
    }
}

// ----------------------------------------------------------------- errors

TEST(AwsSettingsErrors, UnknownProfileFlagIsConfigError) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    try {
        (void)resolve({"nosuch", "", "", ""},
                      home.env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "B"}}));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_NE(error.message.find("nosuch"), std::string::npos) << error.message;
    }
}

TEST(AwsSettingsErrors, UnknownAwsProfileIsConfigError) {
    FakeHome home;
    home.credentials(kCredentials);
    EXPECT_THROW((void)resolve({}, home.env({{"AWS_PROFILE", "nosuch"}})), ConfigError);
}

TEST(AwsSettingsErrors, ProfileFlagWithoutAnyFilesIsConfigError) {
    FakeHome home;
    EXPECT_THROW((void)resolve({"dev", "", "", ""}, home.env()), ConfigError);
}

TEST(AwsSettingsErrors, NothingFoundListsWhereItLooked) {
    FakeHome home;  // no files at all
    try {
        (void)resolve({}, home.env());
        FAIL() << "expected NoCredentialsError";
    } catch (const NoCredentialsError& error) {
        EXPECT_NE(error.message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << error.message;
        EXPECT_NE(error.message.find(home.credentials_path()), std::string::npos) << error.message;
        EXPECT_NE(error.message.find(home.config_path()), std::string::npos) << error.message;
        EXPECT_NE(error.message.find("default"), std::string::npos) << error.message;
        // The chain now goes on to the container and instance metadata services.
        EXPECT_NE(error.message.find("AWS_CONTAINER_CREDENTIALS"), std::string::npos)
            << error.message;
        EXPECT_NE(error.message.find("instance metadata"), std::string::npos) << error.message;
    }
}

TEST(AwsSettingsErrors, ProfileWithoutKeysIsNoCredentials) {
    FakeHome home;
    home.config(kConfig);
    try {
        (void)resolve({"nokeys", "", "", ""}, home.env());
        FAIL() << "expected NoCredentialsError";
    } catch (const NoCredentialsError& error) {
        EXPECT_NE(error.message.find("nokeys"), std::string::npos) << error.message;
        // With --profile the environment is not consulted, so not listed either.
        EXPECT_EQ(error.message.find("environment"), std::string::npos) << error.message;
    }
}

TEST(AwsSettingsErrors, HalfAKeyInProfileIsNotCredentials) {
    FakeHome home;
    home.credentials("[default]\naws_access_key_id = ONLY_ID\n");
    EXPECT_THROW((void)resolve({}, home.env()), NoCredentialsError);
}

TEST(AwsSettingsErrors, OnlyOneEnvironmentKeyIsConfigError) {
    struct Case {
        Env env;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {{{"AWS_ACCESS_KEY_ID", "A"}}, "AWS_SECRET_ACCESS_KEY"},
        {{{"AWS_SECRET_ACCESS_KEY", "B"}}, "AWS_ACCESS_KEY_ID"},
        {{{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", ""}}, "AWS_SECRET_ACCESS_KEY"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.mentions);
        FakeHome home;
        home.credentials(kCredentials);  // a usable profile does not hide the mistake
        try {
            (void)resolve({}, home.env(c.env));
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& error) {
            EXPECT_NE(error.message.find(c.mentions), std::string::npos) << error.message;
        }
    }
}

TEST(AwsSettingsErrors, MalformedFilesAreConfigErrors) {
    struct Case {
        const char* name;
        std::string credentials;
        std::string config;
        bool config_is_bad;
    };
    const std::vector<Case> cases = {
        {"bad_config", kCredentials, "[default]\nregion = x\nthis line is broken\n", true},
        {"bad_credentials", "[default\n", kConfig, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeHome home;
        home.credentials(c.credentials);
        home.config(c.config);
        try {
            (void)resolve({},
                          home.env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "B"}}));
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& error) {
            const auto path = c.config_is_bad ? home.config_path() : home.credentials_path();
            EXPECT_NE(error.message.find(path), std::string::npos) << error.message;
        }
    }
}

TEST(AwsSettingsErrors, ConfigPathIsADirectoryIsConfigError) {
    FakeHome home;
    home.credentials(kCredentials);
    EXPECT_THROW((void)resolve({}, home.env({{"AWS_CONFIG_FILE", home.home()}})), ConfigError);
}

}  // namespace
