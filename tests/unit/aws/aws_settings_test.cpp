// Unit tests for src/aws/aws_settings.hpp: profile, region, credentials and
// the endpoint per service, with a fake environment, temporary ~/.aws files and
// a fake transport factory (nothing listens: no container endpoint, no IMDS).
#include "aws/aws_settings.hpp"

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

using aws::AwsSettings;
using aws::ConfigError;
using aws::NoCredentialsError;
using aws::SettingsRequest;
using awstest::Env;
using awstest::fake_env;
using FakeHome = awstest::ScratchDir;

// The transports refuse every connection, as on a machine that is neither an
// EC2 instance nor a container: the chain ends without credentials from there.
AwsSettings resolve(const SettingsRequest& request, const Env& env) {
    const awstest::FakeTransports transports;
    return aws::resolve_settings(request, fake_env(env), transports.factory());
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
    const auto settings = resolve({"dev", ""}, home.env({{"AWS_ACCESS_KEY_ID", "AKID_ENV"},
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
    const auto settings = resolve({"dev", ""}, home.env({{"AWS_ACCESS_KEY_ID", "AKID_ENV"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_DEV");
}

TEST(AwsSettingsCredentials, ProfileFromConfigFile) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    const auto settings = resolve({"cfgonly", ""}, home.env());
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKID_CFG");
    EXPECT_EQ(settings.credentials->current().secret_access_key, "SECRET_CFG");
    EXPECT_NE(settings.credentials->source().find(home.config_path()), std::string::npos);
    EXPECT_EQ(settings.region, "ap-south-1");
}

TEST(AwsSettingsCredentials, ConfigProfileNeedsProfilePrefix) {
    // In the config file a named profile is "[profile NAME]"; "[NAME]" is not it.
    FakeHome home;
    home.config("[bare]\naws_access_key_id = A\naws_secret_access_key = B\n");
    EXPECT_THROW((void)resolve({"bare", ""}, home.env()), ConfigError);
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
        const auto settings = resolve({"", c.flag}, home.env(c.env));
        EXPECT_EQ(settings.region, c.expected);
    }
}

TEST(AwsSettingsRegion, EnvironmentBeatsProfileFlagRegion) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    EXPECT_EQ(resolve({"dev", ""}, home.env({{"AWS_REGION", "env-region"}})).region, "env-region");
    EXPECT_EQ(resolve({"dev", ""}, home.env()).region, "eu-central-1");
    EXPECT_EQ(resolve({"dev", "flag-region"}, home.env()).region, "flag-region");
}

TEST(AwsSettingsRegion, DefaultConstantIsUsEast1) {
    EXPECT_STREQ(aws::kDefaultRegion, "us-east-1");
}

// --------------------------------------------------------------- endpoint

TEST(AwsSettingsEndpoint, EnvironmentNameFollowsTheServiceId) {
    const auto env = fake_env({{"AWS_ENDPOINT_URL_S3", "http://s3:1"},
                               {"AWS_ENDPOINT_URL_STS", "http://sts:2"},
                               {"AWS_ENDPOINT_URL_CLOUDFRONT", "http://cf:3"},
                               {"AWS_ENDPOINT_URL_ELASTIC_BEANSTALK", "http://eb:4"},
                               {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:5"}});
    EXPECT_EQ(aws::env_endpoint_url("s3", env), "http://s3:1");
    EXPECT_EQ(aws::env_endpoint_url("sts", env), "http://sts:2");
    EXPECT_EQ(aws::env_endpoint_url("cloudfront", env), "http://cf:3");
    EXPECT_EQ(aws::env_endpoint_url("elastic beanstalk", env), "http://eb:4");
    EXPECT_EQ(aws::env_endpoint_url("secrets-manager", env), "http://sm:5");
    EXPECT_EQ(aws::env_endpoint_url("iam", env), std::nullopt);
}

TEST(AwsSettingsEndpoint, ServiceVariableThenGlobalVariable) {
    EXPECT_EQ(aws::env_endpoint_url("sts", fake_env({{"AWS_ENDPOINT_URL_STS", "http://sts:1"},
                                                     {"AWS_ENDPOINT_URL", "http://all:2"}})),
              "http://sts:1");
    EXPECT_EQ(aws::env_endpoint_url("sts", fake_env({{"AWS_ENDPOINT_URL", "http://all:2"}})),
              "http://all:2");
    // An empty variable counts as unset.
    EXPECT_EQ(aws::env_endpoint_url("sts", fake_env({{"AWS_ENDPOINT_URL_STS", ""},
                                                     {"AWS_ENDPOINT_URL", "http://all:2"}})),
              "http://all:2");
    EXPECT_EQ(aws::env_endpoint_url("sts", fake_env({{"AWS_ENDPOINT_URL", ""}})), std::nullopt);
}

TEST(AwsSettingsEndpoint, ProfileAfterTheEnvironment) {
    struct Case {
        const char* name;
        std::string config;
        Env env;
        std::optional<std::string> expected;
    };
    const std::vector<Case> cases = {
        {"own_block",
         "[default]\ncloudfront =\n  endpoint_url = http://cfcfg:1\n",
         {},
         "http://cfcfg:1"},
        {"global_key", "[default]\nendpoint_url = http://cfg:2\n", {}, "http://cfg:2"},
        {"own_block_beats_global_key",
         "[default]\nendpoint_url = http://cfg:2\ncloudfront =\n  endpoint_url = http://cfcfg:1\n",
         {},
         "http://cfcfg:1"},
        {"another_service_block_is_not_ours",
         "[default]\ns3 =\n  endpoint_url = http://s3cfg:3\n",
         {},
         std::nullopt},
        {"environment_wins",
         "[default]\nendpoint_url = http://cfg:2\n",
         {{"AWS_ENDPOINT_URL_CLOUDFRONT", "http://env:4"}},
         "http://env:4"},
        {"none", "", {}, std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeHome home;
        home.config(c.config);
        const auto env = fake_env(home.env(c.env));
        EXPECT_EQ(aws::endpoint_url("cloudfront", aws::resolve_profile({}, env), env), c.expected);
    }
}

// The credential chain asks for a profile of the files, before any AwsSettings
// exist: the same order, for the profile named.
TEST(AwsSettingsEndpoint, ForAProfileOfTheFiles) {
    FakeHome home;
    home.config(
        "[default]\nendpoint_url = http://default:1\n"
        "[profile web]\nendpoint_url = http://web:2\nsts =\n  endpoint_url = http://websts:3\n");
    const auto env = fake_env(home.env());
    const auto files = aws::AwsConfigFiles::load(env);
    EXPECT_EQ(aws::endpoint_url("sts", files, "web", env), "http://websts:3");
    EXPECT_EQ(aws::endpoint_url("s3", files, "web", env), "http://web:2");
    EXPECT_EQ(aws::endpoint_url("sts", files, "default", env), "http://default:1");
    EXPECT_EQ(aws::endpoint_url("sts", files, "none", env), std::nullopt);
    const auto with_variable = fake_env(home.env({{"AWS_ENDPOINT_URL_STS", "http://env:4"}}));
    EXPECT_EQ(aws::endpoint_url("sts", files, "web", with_variable), "http://env:4");
}

TEST(AwsSettingsProfile, ResolvesWithoutAskingForCredentials) {
    FakeHome home;  // no files, no keys: resolve_settings would throw NoCredentialsError
    const auto settings = aws::resolve_profile({"", "eu-north-1"}, fake_env(home.env()));
    EXPECT_EQ(settings.profile, "default");
    EXPECT_FALSE(settings.profile_explicit);
    EXPECT_EQ(settings.region, "eu-north-1");
    EXPECT_EQ(settings.credentials, nullptr);
}

// ----------------------------------------------------------------- errors

TEST(AwsSettingsErrors, UnknownProfileFlagIsConfigError) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);
    try {
        (void)resolve({"nosuch", ""},
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
    EXPECT_THROW((void)resolve({"dev", ""}, home.env()), ConfigError);
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
        (void)resolve({"nokeys", ""}, home.env());
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
    EXPECT_THROW((void)resolve({}, home.env({{"AWS_CONFIG_FILE", home.path()}})), ConfigError);
}

}  // namespace
