// Unit tests for src/s3/settings.hpp: S3's endpoint and addressing style,
// from the flags, the environment and the profile, with temporary ~/.aws files.
#include "s3/settings.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../aws/credential_test_support.hpp"

namespace {

using aws::ConfigError;
using awstest::Env;
using FakeHome = awstest::ScratchDir;

// The profile and region as the run finds them, then S3's settings.
s3::Settings resolve(const s3::SettingsRequest& request, const Env& env) {
    const auto lookup = awstest::fake_env(env);
    return s3::resolve_settings(request, aws::resolve_profile({}, lookup), lookup);
}

const char* kCredentials =
    "[default]\n"
    "aws_access_key_id = AKID_DEFAULT\n"
    "aws_secret_access_key = SECRET_DEFAULT\n";

const char* kConfig =
    "[default]\n"
    "region = eu-west-1\n"
    "\n"
    "[profile nokeys]\n"
    "region = sa-east-1\n"
    "s3 =\n"
    "  addressing_style = path\n";

TEST(S3SettingsEndpoint, NoneByDefault) {
    FakeHome home;
    home.credentials(kCredentials);
    const auto settings = resolve({}, home.env());
    EXPECT_EQ(settings.endpoint_url, "");
    EXPECT_EQ(settings.addressing, s3::AddressingStyle::kAuto);
}

TEST(S3SettingsEndpoint, PrecedenceTable) {
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
        EXPECT_EQ(resolve({c.flag, ""}, home.env(c.env)).endpoint_url, c.expected);
    }
}

TEST(S3SettingsEndpoint, FromProfile) {
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

TEST(S3SettingsAddressing, ParseTable) {
    EXPECT_EQ(s3::parse_addressing_style("auto"), s3::AddressingStyle::kAuto);
    EXPECT_EQ(s3::parse_addressing_style("path"), s3::AddressingStyle::kPath);
    EXPECT_EQ(s3::parse_addressing_style("virtual"), s3::AddressingStyle::kVirtual);
    for (const char* bad : {"", "Path", "VIRTUAL", "dns", "path "}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(s3::parse_addressing_style(bad).has_value());
    }
}

TEST(S3SettingsAddressing, FlagThenProfileThenAuto) {
    FakeHome home;
    home.credentials(kCredentials);
    home.config(kConfig);  // profile nokeys has s3 = addressing_style = path
    const Env keys{{"AWS_ACCESS_KEY_ID", "AKID_ENV"}, {"AWS_SECRET_ACCESS_KEY", "SECRET_ENV"}};
    EXPECT_EQ(resolve({}, home.env(keys)).addressing, s3::AddressingStyle::kAuto);
    EXPECT_EQ(resolve({"", "virtual"}, home.env(keys)).addressing, s3::AddressingStyle::kVirtual);
    Env with_profile = keys;
    with_profile["AWS_PROFILE"] = "nokeys";
    EXPECT_EQ(resolve({}, home.env(with_profile)).addressing, s3::AddressingStyle::kPath);
    EXPECT_EQ(resolve({"", "virtual"}, home.env(with_profile)).addressing,
              s3::AddressingStyle::kVirtual);
}

TEST(S3SettingsAddressing, BadValuesAreConfigErrors) {
    FakeHome home;
    home.credentials(kCredentials);
    try {
        (void)resolve({"", "dns"}, home.env());
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

}  // namespace
