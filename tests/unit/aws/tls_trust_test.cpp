// Unit tests for src/aws/tls_trust.hpp: which CA bundle a run trusts, in the
// AWS CLI's order (--ca-bundle, AWS_CA_BUNDLE, the profile's ca_bundle).
#include "aws/tls_trust.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "credential_test_support.hpp"

namespace {

using aws::AwsConfigFiles;
using aws::ConfigError;
using aws::resolve_tls_trust;
using awstest::fake_env;

struct Bundles {
    awstest::ScratchDir dir;
    std::string flag = dir.path() + "/flag.pem";
    std::string env = dir.path() + "/env.pem";
    std::string profile = dir.path() + "/profile.pem";
    Bundles() {
        for (const auto& path : {flag, env, profile}) std::ofstream(path) << "PEM\n";
    }
    AwsConfigFiles files() const {
        aws::IniSections config{{"profile onprem", {{"ca_bundle", profile}}},
                                {"default", {{"region", "eu-west-1"}}}};
        return AwsConfigFiles("credentials", std::nullopt, "config", config);
    }
};

TEST(TlsTrust, NothingConfiguredTrustsTheSystemAndVerifies) {
    const Bundles b;
    const auto trust = resolve_tls_trust({}, b.files(), "default", fake_env({}));
    EXPECT_EQ(trust.ca_bundle, "");
    EXPECT_TRUE(trust.verify);
}

TEST(TlsTrust, FlagThenEnvironmentThenProfile) {
    const Bundles b;
    const auto files = b.files();
    auto trust =
        resolve_tls_trust({b.flag, false}, files, "onprem", fake_env({{"AWS_CA_BUNDLE", b.env}}));
    EXPECT_EQ(trust.ca_bundle, b.flag);
    EXPECT_EQ(trust.source, "--ca-bundle");
    trust = resolve_tls_trust({}, files, "onprem", fake_env({{"AWS_CA_BUNDLE", b.env}}));
    EXPECT_EQ(trust.ca_bundle, b.env);
    EXPECT_EQ(trust.source, "AWS_CA_BUNDLE");
    // An empty variable is as good as unset, as for every AWS_* setting.
    trust = resolve_tls_trust({}, files, "onprem", fake_env({{"AWS_CA_BUNDLE", ""}}));
    EXPECT_EQ(trust.ca_bundle, b.profile);
    EXPECT_EQ(trust.source, "ca_bundle of profile onprem (config)");
    trust = resolve_tls_trust({}, files, "default", fake_env({}));
    EXPECT_EQ(trust.ca_bundle, "");
}

TEST(TlsTrust, NoVerifyIsKeptBesideABundle) {
    const Bundles b;
    const auto trust = resolve_tls_trust({b.flag, true}, b.files(), "default", fake_env({}));
    EXPECT_FALSE(trust.verify);
    EXPECT_EQ(trust.ca_bundle, b.flag);
}

TEST(TlsTrust, AnUnreadableBundleIsAConfigErrorNamingItAndWhereItCameFrom) {
    const Bundles b;
    const std::string missing = b.dir.path() + "/missing.pem";
    try {
        (void)resolve_tls_trust({}, b.files(), "default", fake_env({{"AWS_CA_BUNDLE", missing}}));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.message, "the CA bundle " + missing +
                                     " (AWS_CA_BUNDLE) cannot be read: No such file or directory");
    }
}

}  // namespace
