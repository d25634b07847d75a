// Unit tests for src/aws/credential_chain.hpp through resolve_settings: which
// source wins, what --profile and AWS_PROFILE change, role profiles and the
// STS calls they make, and the errors. Fake environment, temporary ~/.aws
// files, and a scripted transport that records every request.
#include "aws/credential_chain.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "aws/aws_settings.hpp"
#include "aws/redaction.hpp"
#include "aws/sigv4.hpp"
#include "credential_test_support.hpp"

namespace {

using aws::ConfigError;
using aws::CredentialsError;
using aws::NoCredentialsError;
using awstest::Env;
using awstest::FakeTransports;
using awstest::form_fields;
using awstest::header;
using awstest::http;
using awstest::ScratchDir;

constexpr const char* kFarFuture = "2099-01-01T00:00:00Z";

constexpr const char* kImdsToken = "PUT http://169.254.169.254/latest/api/token";
constexpr const char* kImdsRoles =
    "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/";
constexpr const char* kImdsCreds =
    "GET http://169.254.169.254/latest/meta-data/iam/security-credentials/ec2-role";
constexpr const char* kContainerRoute = "GET http://127.0.0.1:18080/v2/credentials/task";
constexpr const char* kStsRoute = "POST https://sts.eu-west-1.amazonaws.com/";

std::string metadata_json(const std::string& key, const std::string& secret,
                          const std::string& token) {
    return R"({"Code": "Success", "AccessKeyId": ")" + key + R"(", "SecretAccessKey": ")" + secret +
           R"(", "Token": ")" + token + R"(", "Expiration": ")" + kFarFuture + R"("})";
}

std::string sts_xml(const std::string& action, const std::string& key, const std::string& secret,
                    const std::string& token) {
    return "<" + action + R"(Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">)" + "<" +
           action + "Result><Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>" +
           secret + "</SecretAccessKey><SessionToken>" + token + "</SessionToken><Expiration>" +
           kFarFuture + "</Expiration></Credentials></" + action +
           "Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></" + action +
           "Response>";
}

std::string sts_error(const std::string& code, const std::string& message) {
    return R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>)"
           "<Type>Sender</Type><Code>" +
           code + "</Code><Message>" + message +
           "</Message></Error><RequestId>r-err</RequestId></ErrorResponse>";
}

void serve_imds(const FakeTransports& net, const std::string& key = "ASIAIMDSKEY0001") {
    net.on(kImdsToken, http(200, "IMDS-SESSION-TOKEN-0001"));
    net.on(kImdsRoles, http(200, "ec2-role\n"));
    net.on(kImdsCreds, http(200, metadata_json(key, "IMDSSECRET0001", "IMDSTOKEN0001")));
}

Env container_env() {
    return {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/task"},
            {"S3_CLEANUP_TEST_ECS_ENDPOINT", "http://127.0.0.1:18080"}};
}

void serve_container(const FakeTransports& net, const std::string& key = "ASIACONTAINER001") {
    net.on(kContainerRoute, http(200, metadata_json(key, "CONTAINERSECRET1", "CONTAINERTOKEN01")));
}

Env merged(Env a, const Env& b) {
    for (const auto& [name, value] : b) a[name] = value;
    return a;
}

std::string authorization(const net::HttpRequest& request) {
    return header(request, "authorization").value_or("");
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string hex_sha256(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0x0F];
    }
    return out;
}

// STS calls retried as by default, but without waiting.
aws::RetryControl no_wait_retry() {
    aws::RetryControl retry;
    retry.random01 = [] { return 0.0; };
    retry.sleep = [](std::chrono::milliseconds, const std::function<bool()>&) {};
    return retry;
}

class CredentialChain : public ::testing::Test {
protected:
    aws::AwsSettings resolve(const Env& extra, const std::string& profile_flag = "") {
        return aws::resolve_settings({profile_flag, ""}, awstest::fake_env(dir.env(extra)),
                                     net.factory(), no_wait_retry());
    }
    std::vector<std::string> sent() const { return net.transport->sent_routes(); }

    ScratchDir dir;
    FakeTransports net;
};

// ------------------------------------------------------- order and shadowing

TEST_F(CredentialChain, EachSourceShadowsTheOnesAfterIt) {
    struct Source {
        const char* name;
        Env env;
        std::string key;
        std::string source_mentions;
        std::vector<std::string> routes;
    };
    const std::string web_token_file = dir.file("web-token", "WEB-IDENTITY-JWT-0001\n");
    const std::vector<Source> sources = {
        {"environment keys",
         {{"AWS_ACCESS_KEY_ID", "AKIAENVKEY000001"}, {"AWS_SECRET_ACCESS_KEY", "ENVSECRET0001"}},
         "AKIAENVKEY000001",
         "environment",
         {}},
        {"environment web identity",
         {{"AWS_WEB_IDENTITY_TOKEN_FILE", web_token_file},
          {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web"}},
         "ASIAWEBENV000001",
         "AWS_WEB_IDENTITY_TOKEN_FILE",
         {kStsRoute}},
        {"profile", {}, "AKIAPROFILEKEY01", "profile default", {}},
        {"container",
         container_env(),
         "ASIACONTAINER001",
         "container credentials",
         {kContainerRoute}},
        {"instance metadata",
         {},
         "ASIAIMDSKEY0001",
         "instance metadata",
         {kImdsToken, kImdsRoles, kImdsCreds}},
    };
    const std::string profile_keys =
        "[default]\naws_access_key_id = AKIAPROFILEKEY01\n"
        "aws_secret_access_key = PROFILESECRET01\n";

    for (std::size_t first = 0; first < sources.size(); ++first) {
        SCOPED_TRACE(sources[first].name);
        ScratchDir home;
        FakeTransports transports;
        Env env{{"AWS_REGION", "eu-west-1"}};
        for (std::size_t i = first; i < sources.size(); ++i) env = merged(env, sources[i].env);
        home.credentials(first <= 2 ? profile_keys : "");
        transports.on(kStsRoute, http(200, sts_xml("AssumeRoleWithWebIdentity", "ASIAWEBENV000001",
                                                   "WEBSECRET0001", "WEBTOKEN0001")));
        serve_container(transports);
        serve_imds(transports);

        const auto settings =
            aws::resolve_settings({}, awstest::fake_env(home.env(env)), transports.factory());
        EXPECT_EQ(settings.credentials->current().access_key_id, sources[first].key);
        EXPECT_TRUE(contains(settings.credentials->source(), sources[first].source_mentions))
            << settings.credentials->source();
        EXPECT_EQ(transports.transport->sent_routes(), sources[first].routes);
    }
}

TEST_F(CredentialChain, ProfileFlagUsesOnlyThatProfile) {
    dir.credentials(
        "[default]\naws_access_key_id = AKIADEFAULTKEY01\naws_secret_access_key = S1234\n"
        "[dev]\naws_access_key_id = AKIADEVKEY000001\naws_secret_access_key = DEVSECRET01\n");
    dir.config("[profile empty]\nregion = eu-west-1\n");
    serve_container(net);
    serve_imds(net);
    const Env everything = merged(container_env(), {{"AWS_ACCESS_KEY_ID", "AKIAENVKEY000001"},
                                                    {"AWS_SECRET_ACCESS_KEY", "ENVSECRET0001"},
                                                    {"AWS_PROFILE", "default"}});

    const auto settings = resolve(everything, "dev");
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKIADEVKEY000001");
    EXPECT_TRUE(contains(settings.credentials->source(), "profile dev"))
        << settings.credentials->source();
    EXPECT_TRUE(net.requests().empty());

    // A profile without credentials does not fall through to the rest of the chain.
    try {
        (void)resolve(everything, "empty");
        FAIL() << "expected NoCredentialsError";
    } catch (const NoCredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "profile empty")) << error.message;
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, AwsProfileReplacesTheDefaultProfile) {
    dir.credentials(
        "[default]\naws_access_key_id = AKIADEFAULTKEY01\naws_secret_access_key = S1234\n"
        "[dev]\naws_access_key_id = AKIADEVKEY000001\naws_secret_access_key = DEVSECRET01\n");
    dir.config("[profile nokeys]\nregion = eu-west-1\n");
    serve_container(net);

    EXPECT_EQ(resolve({{"AWS_PROFILE", "dev"}}).credentials->current().access_key_id,
              "AKIADEVKEY000001");

    // A profile without keys: the chain goes on (container), never to [default].
    const auto settings = resolve(merged(container_env(), {{"AWS_PROFILE", "nokeys"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIACONTAINER001");
}

TEST_F(CredentialChain, UnknownProfileIsConfigError) {
    dir.credentials(
        "[default]\naws_access_key_id = AKIADEFAULTKEY01\naws_secret_access_key = S1\n");
    serve_container(net);
    const Env env_keys{{"AWS_ACCESS_KEY_ID", "AKIAENVKEY000001"},
                       {"AWS_SECRET_ACCESS_KEY", "ENVSECRET0001"}};
    for (const bool flag : {true, false}) {
        SCOPED_TRACE(flag ? "--profile" : "AWS_PROFILE");
        try {
            if (flag) {
                (void)resolve(env_keys, "nosuch");
            } else {
                (void)resolve(merged(env_keys, {{"AWS_PROFILE", "nosuch"}}));
            }
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& error) {
            EXPECT_TRUE(contains(error.message, "nosuch")) << error.message;
            EXPECT_TRUE(contains(error.message, dir.credentials_path())) << error.message;
            EXPECT_TRUE(contains(error.message, dir.config_path())) << error.message;
        }
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, NothingFoundNamesEveryPlace) {
    try {
        (void)resolve({});
        FAIL() << "expected NoCredentialsError";
    } catch (const NoCredentialsError& error) {
        for (const char* place :
             {"AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", "profile default",
              "AWS_CONTAINER_CREDENTIALS", "instance metadata"}) {
            EXPECT_TRUE(contains(error.message, place)) << place << " in " << error.message;
        }
        EXPECT_TRUE(contains(error.message, dir.credentials_path())) << error.message;
        EXPECT_FALSE(contains(error.message, "AWS_EC2_METADATA_DISABLED")) << error.message;
    }
    // It did try the instance metadata service.
    ASSERT_FALSE(net.requests().empty());
    EXPECT_EQ(sent().front(), kImdsToken);
}

TEST_F(CredentialChain, NothingFoundWithMetadataDisabledSaysSo) {
    serve_imds(net);  // would answer, but must not be asked
    for (const char* value : {"true", "TRUE", "True"}) {
        SCOPED_TRACE(value);
        try {
            (void)resolve({{"AWS_EC2_METADATA_DISABLED", value}});
            FAIL() << "expected NoCredentialsError";
        } catch (const NoCredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "AWS_EC2_METADATA_DISABLED")) << error.message;
            EXPECT_TRUE(contains(error.message, "disabled")) << error.message;
        }
    }
    EXPECT_TRUE(net.requests().empty());

    // Anything else does not disable it.
    EXPECT_EQ(
        resolve({{"AWS_EC2_METADATA_DISABLED", "false"}}).credentials->current().access_key_id,
        "ASIAIMDSKEY0001");
}

TEST_F(CredentialChain, HalfSetEnvironmentKeysAreConfigErrorsEvenWithOtherSources) {
    dir.credentials(
        "[default]\naws_access_key_id = AKIADEFAULTKEY01\naws_secret_access_key = S1\n");
    serve_container(net);
    serve_imds(net);
    for (const Env& half : {Env{{"AWS_ACCESS_KEY_ID", "AKIAENVKEY000001"}},
                            Env{{"AWS_SECRET_ACCESS_KEY", "ENVSECRET0001"}}}) {
        SCOPED_TRACE(half.begin()->first);
        EXPECT_THROW((void)resolve(merged(container_env(), half)), ConfigError);
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, EnvironmentSessionTokenIsOptional) {
    const auto with = resolve({{"AWS_ACCESS_KEY_ID", "AKIAENVKEY000001"},
                               {"AWS_SECRET_ACCESS_KEY", "ENVSECRET0001"},
                               {"AWS_SESSION_TOKEN", "ENVSESSIONTOKEN1"}});
    EXPECT_EQ(with.credentials->current().session_token, "ENVSESSIONTOKEN1");
    const auto without = resolve(
        {{"AWS_ACCESS_KEY_ID", "AKIAENVKEY000001"}, {"AWS_SECRET_ACCESS_KEY", "ENVSECRET0001"}});
    EXPECT_EQ(without.credentials->current().session_token, "");
}

TEST_F(CredentialChain, CredentialProcessInProfile) {
    const std::string script = dir.script(
        "helper.sh",
        R"(echo '{"Version": 1, "AccessKeyId": "AKIAPROCESSKEY01", "SecretAccessKey": "PROCSECRET01"}')"
        "\n");
    dir.config("[profile proc]\ncredential_process = " + script + "\n");
    const auto settings = resolve({}, "proc");
    EXPECT_EQ(settings.credentials->current().access_key_id, "AKIAPROCESSKEY01");
    EXPECT_TRUE(contains(settings.credentials->source(), "credential_process"))
        << settings.credentials->source();
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, StaticKeysBeatCredentialProcess) {
    dir.config(
        "[profile both]\naws_access_key_id = AKIASTATICKEY001\naws_secret_access_key = S12345\n"
        "credential_process = /bin/false\n");
    EXPECT_EQ(resolve({}, "both").credentials->current().access_key_id, "AKIASTATICKEY001");
}

// ------------------------------------------------------------- role profiles

const char* kBaseCredentials =
    "[base]\n"
    "aws_access_key_id = AKIASOURCEKEY001\n"
    "aws_secret_access_key = SOURCESECRET0001\n";

TEST_F(CredentialChain, SourceProfileAssumesRoleWithSignedStsCall) {
    dir.credentials(kBaseCredentials);
    dir.config(
        "[profile deploy]\n"
        "role_arn = arn:aws:iam::123456789012:role/deployer\n"
        "source_profile = base\n"
        "role_session_name = ci run/7\n"
        "external_id = ext-42\n"
        "duration_seconds = 1800\n"
        "region = eu-west-1\n");
    net.on(kStsRoute,
           http(200, sts_xml("AssumeRole", "ASIAROLEKEY00001", "ROLESECRET0001", "ROLETOKEN0001")));

    const auto settings = resolve({}, "deploy");
    const auto creds = settings.credentials->current();
    EXPECT_EQ(creds.access_key_id, "ASIAROLEKEY00001");
    EXPECT_EQ(creds.secret_access_key, "ROLESECRET0001");
    EXPECT_EQ(creds.session_token, "ROLETOKEN0001");
    EXPECT_TRUE(contains(settings.credentials->source(), "arn:aws:iam::123456789012:role/deployer"))
        << settings.credentials->source();
    EXPECT_TRUE(contains(settings.credentials->source(), "deploy"))
        << settings.credentials->source();

    ASSERT_EQ(sent(), std::vector<std::string>{kStsRoute});
    const auto& request = net.requests()[0];
    EXPECT_EQ(request.query, "");
    const auto fields = form_fields(request.body);
    EXPECT_EQ(fields, (std::map<std::string, std::string>{
                          {"Action", "AssumeRole"},
                          {"Version", "2011-06-15"},
                          {"RoleArn", "arn:aws:iam::123456789012:role/deployer"},
                          {"RoleSessionName", "ci run/7"},
                          {"ExternalId", "ext-42"},
                          {"DurationSeconds", "1800"},
                      }));
    EXPECT_EQ(header(request, "content-type"), "application/x-www-form-urlencoded; charset=utf-8");
    const std::string auth = authorization(request);
    EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIASOURCEKEY001/", 0), 0u) << auth;
    EXPECT_TRUE(contains(auth, "/eu-west-1/sts/aws4_request")) << auth;
    EXPECT_FALSE(header(request, "x-amz-security-token").has_value());

    // The signature is right for exactly this body, checked with the signer's
    // own published steps rather than by re-running sts.cpp.
    const auto amz_date = header(request, "x-amz-date");
    ASSERT_TRUE(amz_date.has_value());
    aws::sigv4::Request to_sign;
    to_sign.method = "POST";
    to_sign.path = "/";
    to_sign.headers = {{"host", request.host},
                       {"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    to_sign.payload_hash = hex_sha256(request.body);
    aws::sigv4::sign(to_sign, {"AKIASOURCEKEY001", "SOURCESECRET0001", ""}, "eu-west-1", "sts",
                     *amz_date, false);
    std::string expected;
    for (const auto& [name, value] : to_sign.headers) {
        if (name == "Authorization" || name == "authorization") expected = value;
    }
    EXPECT_EQ(auth, expected);

    // Fetched once, cached while fresh, and registered for redaction.
    (void)settings.credentials->current();
    EXPECT_EQ(net.requests().size(), 1u);
    EXPECT_EQ(aws::redact("secret ROLESECRET0001 token ROLETOKEN0001"), "secret **** token ****");
}

TEST_F(CredentialChain, AssumeRoleDefaultsAndOptionalFields) {
    dir.credentials(kBaseCredentials);
    dir.config("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n");
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIAROLEKEY00001", "RS0001", "RT0001")));
    (void)resolve({{"AWS_REGION", "eu-west-1"}}, "r");
    ASSERT_EQ(net.requests().size(), 1u);
    const auto fields = form_fields(net.requests()[0].body);
    EXPECT_EQ(fields.at("RoleSessionName"), "s3-cleanup");
    EXPECT_EQ(fields.count("ExternalId"), 0u);
    EXPECT_EQ(fields.count("DurationSeconds"), 0u);
}

TEST_F(CredentialChain, StsEndpointTable) {
    struct Case {
        const char* name;
        Env env;
        std::string config_region;
        std::string profile_lines;  // more lines of [profile r]
        std::string route;
        std::string scope_region;
    };
    const std::string profile_url = "endpoint_url = http://127.0.0.1:4510\n";
    const std::string sts_block = "sts =\n  endpoint_url = http://127.0.0.1:4520/sts\n";
    const std::vector<Case> cases = {
        {"default_from_AWS_REGION",
         {{"AWS_REGION", "eu-west-1"}},
         "",
         "",
         "POST https://sts.eu-west-1.amazonaws.com/",
         "eu-west-1"},
        {"default_from_profile_region",
         {},
         "ap-south-1",
         "",
         "POST https://sts.ap-south-1.amazonaws.com/",
         "ap-south-1"},
        {"default_region", {}, "", "", "POST https://sts.us-east-1.amazonaws.com/", "us-east-1"},
        {"AWS_ENDPOINT_URL",
         {{"AWS_REGION", "eu-west-1"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}},
         "",
         "",
         "POST http://127.0.0.1:4566/",
         "eu-west-1"},
        {"AWS_ENDPOINT_URL_STS_wins",
         {{"AWS_REGION", "eu-west-1"},
          {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
          {"AWS_ENDPOINT_URL_STS", "https://sts.internal:8443/sts"}},
         "",
         "",
         "POST https://sts.internal:8443/sts",
         "eu-west-1"},
        {"empty_AWS_ENDPOINT_URL_STS_ignored",
         {{"AWS_REGION", "eu-west-1"},
          {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"},
          {"AWS_ENDPOINT_URL_STS", ""}},
         "",
         "",
         "POST http://127.0.0.1:4566/",
         "eu-west-1"},
        // The profile, as the AWS SDKs read it: its `sts =` block, else its endpoint_url.
        {"profile_endpoint_url",
         {{"AWS_REGION", "eu-west-1"}},
         "",
         profile_url,
         "POST http://127.0.0.1:4510/",
         "eu-west-1"},
        {"profile_sts_block",
         {{"AWS_REGION", "eu-west-1"}},
         "",
         sts_block,
         "POST http://127.0.0.1:4520/sts",
         "eu-west-1"},
        {"sts_block_beats_profile_endpoint_url",
         {{"AWS_REGION", "eu-west-1"}},
         "",
         profile_url + sts_block,
         "POST http://127.0.0.1:4520/sts",
         "eu-west-1"},
        {"AWS_ENDPOINT_URL_beats_the_profile",
         {{"AWS_REGION", "eu-west-1"}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}},
         "",
         profile_url + sts_block,
         "POST http://127.0.0.1:4566/",
         "eu-west-1"},
        {"AWS_ENDPOINT_URL_STS_beats_the_profile",
         {{"AWS_REGION", "eu-west-1"}, {"AWS_ENDPOINT_URL_STS", "https://sts.internal:8443/sts"}},
         "",
         sts_block,
         "POST https://sts.internal:8443/sts",
         "eu-west-1"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        ScratchDir home;
        FakeTransports transports;
        home.credentials(kBaseCredentials);
        home.config(
            "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
            "source_profile = base\n" +
            (c.config_region.empty() ? "" : "region = " + c.config_region + "\n") +
            c.profile_lines);
        transports.on(c.route,
                      http(200, sts_xml("AssumeRole", "ASIAROLEKEY00001", "RS0001", "RT0001")));
        const auto settings = aws::resolve_settings({"r", ""}, awstest::fake_env(home.env(c.env)),
                                                    transports.factory(), no_wait_retry());
        EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAROLEKEY00001");
        ASSERT_EQ(transports.transport->sent_routes(), std::vector<std::string>{c.route});
        EXPECT_TRUE(contains(authorization(transports.requests()[0]),
                             "/" + c.scope_region + "/sts/aws4_request"))
            << authorization(transports.requests()[0]);
    }
}

TEST_F(CredentialChain, BadStsEndpointIsCredentialsError) {
    dir.credentials(kBaseCredentials);
    dir.config("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n");
    try {
        (void)resolve({{"AWS_ENDPOINT_URL_STS", "sts.example.com"}}, "r");
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "sts.example.com")) << error.message;
    }
    EXPECT_TRUE(net.requests().empty());
}

// The endpoint is the resolved profile's, not its source_profile's: the AWS
// SDKs build the STS client from the profile asked for.
TEST_F(CredentialChain, StsEndpointComesFromTheResolvedProfileNotItsSource) {
    dir.credentials(kBaseCredentials);
    dir.config(
        "[profile base]\nendpoint_url = http://127.0.0.1:4510\n"
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n");
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIAROLEKEY00001", "RS0001", "RT0001")));
    (void)resolve({{"AWS_REGION", "eu-west-1"}}, "r");
    EXPECT_EQ(sent(), std::vector<std::string>{kStsRoute});
}

// The retry control handed to resolve_settings is the one STS calls use.
TEST_F(CredentialChain, StsCallsAreRetriedAsTheRetryControlSays) {
    dir.credentials(kBaseCredentials);
    dir.config(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"
        "region = eu-west-1\n");
    net.on(kStsRoute, http(503, "Service Unavailable"));
    net.on(kStsRoute, awstest::refused("Connection reset by peer"));
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIAROLEKEY00001", "RS0001", "RT0001")));
    EXPECT_EQ(resolve({}, "r").credentials->current().access_key_id, "ASIAROLEKEY00001");
    EXPECT_EQ(net.requests().size(), 3u);

    constexpr int kAttempts = 2;
    auto retry = no_wait_retry();
    retry.policy.max_attempts = kAttempts;
    FakeTransports failing;
    failing.on(kStsRoute, http(503, "Service Unavailable"));
    try {
        (void)aws::resolve_settings({"r", ""}, awstest::fake_env(dir.env()), failing.factory(),
                                    retry);
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_EQ(error.message,
                  "STS AssumeRole for arn:aws:iam::123456789012:role/r failed: HTTP 503");
    }
    EXPECT_EQ(failing.requests().size(), static_cast<std::size_t>(kAttempts));
}

TEST_F(CredentialChain, ChainedRoleProfilesSignWithThePreviousRole) {
    dir.credentials(kBaseCredentials);
    dir.config(
        "[profile first]\nrole_arn = arn:aws:iam::111111111111:role/first\nsource_profile = base\n"
        "[profile second]\nrole_arn = arn:aws:iam::222222222222:role/second\n"
        "source_profile = first\nregion = eu-west-1\n");
    net.on(kStsRoute,
           http(200, sts_xml("AssumeRole", "ASIAFIRSTKEY0001", "FIRSTSECRET01", "FIRSTTOKEN01")));
    net.on(kStsRoute,
           http(200, sts_xml("AssumeRole", "ASIASECONDKEY001", "SECONDSECRET1", "SECONDTOKEN1")));

    const auto settings = resolve({}, "second");
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIASECONDKEY001");
    ASSERT_EQ(net.requests().size(), 2u);
    const auto& first = net.requests()[0];
    const auto& second = net.requests()[1];
    EXPECT_EQ(form_fields(first.body).at("RoleArn"), "arn:aws:iam::111111111111:role/first");
    EXPECT_EQ(authorization(first).rfind("AWS4-HMAC-SHA256 Credential=AKIASOURCEKEY001/", 0), 0u)
        << authorization(first);
    EXPECT_FALSE(header(first, "x-amz-security-token").has_value());
    EXPECT_EQ(form_fields(second.body).at("RoleArn"), "arn:aws:iam::222222222222:role/second");
    EXPECT_EQ(authorization(second).rfind("AWS4-HMAC-SHA256 Credential=ASIAFIRSTKEY0001/", 0), 0u)
        << authorization(second);
    EXPECT_EQ(header(second, "x-amz-security-token"), "FIRSTTOKEN01");
}

TEST_F(CredentialChain, SourceProfileLoopsAreRefused) {
    struct Case {
        const char* name;
        std::string config;
        std::string start;
        std::string chain;
    };
    const std::string role = "role_arn = arn:aws:iam::123456789012:role/x\n";
    const std::vector<Case> cases = {
        {"two",
         "[profile a]\n" + role + "source_profile = b\n[profile b]\n" + role +
             "source_profile = a\n",
         "a", "a -> b -> a"},
        {"back_to_a_profile_with_static_keys",
         "[profile a]\n" + role +
             "source_profile = b\naws_access_key_id = AKIALOOPKEY00001\n"
             "aws_secret_access_key = LOOP1\n[profile b]\n" +
             role + "source_profile = a\n",
         "a", "a -> b -> a"},
        {"three_into_the_middle",
         "[profile a]\n" + role + "source_profile = b\n[profile b]\n" + role +
             "source_profile = c\n[profile c]\n" + role + "source_profile = b\n",
         "a", "a -> b -> c -> b"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        ScratchDir home;
        FakeTransports transports;
        home.config(c.config);
        try {
            (void)aws::resolve_settings({c.start, ""}, awstest::fake_env(home.env()),
                                        transports.factory());
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& error) {
            EXPECT_TRUE(contains(error.message, c.chain)) << error.message;
        }
        EXPECT_TRUE(transports.requests().empty());
    }
}

TEST_F(CredentialChain, SelfReferencingSourceProfileUsesItsOwnStaticKeys) {
    dir.credentials(
        "[self]\naws_access_key_id = AKIASELFKEY00001\naws_secret_access_key = SELF1\n");
    dir.config(
        "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/self\nsource_profile = self\n"
        "region = eu-west-1\n");
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIASELFROLE0001", "SRS0001", "SRT0001")));
    const auto settings = resolve({}, "self");
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIASELFROLE0001");
    ASSERT_EQ(net.requests().size(), 1u);
    EXPECT_EQ(
        authorization(net.requests()[0]).rfind("AWS4-HMAC-SHA256 Credential=AKIASELFKEY00001/", 0),
        0u);
}

TEST_F(CredentialChain, SelfReferencingSourceProfileWithoutKeysIsConfigError) {
    dir.config(
        "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/self\nsource_profile = self\n");
    try {
        (void)resolve({}, "self");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_TRUE(contains(error.message, "self")) << error.message;
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, MissingSourceProfileIsConfigError) {
    dir.config("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = gone\n");
    try {
        (void)resolve({}, "r");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        // The profile that refers to it is named: that is the line to fix.
        EXPECT_EQ(error.message,
                  "profile 'r' has source_profile = gone, but there is no profile "
                  "'gone' in " +
                      dir.config_path() + " or " + dir.credentials_path());
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, MissingSourceProfileFurtherDownTheChainNamesItsReferrer) {
    dir.config(
        "[profile top]\nrole_arn = arn:aws:iam::123456789012:role/top\nsource_profile = mid\n"
        "[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/mid\nsource_profile = nope\n");
    dir.credentials(
        "[unrelated]\naws_access_key_id = AKIAUNRELATED001\n"
        "aws_secret_access_key = UNRELATEDSECRET1\n");
    try {
        (void)resolve({{"AWS_PROFILE", "top"}});
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.message,
                  "profile 'mid' has source_profile = nope, but there is no "
                  "profile 'nope' in " +
                      dir.config_path() + " or " + dir.credentials_path());
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, CredentialSourceEnvironment) {
    dir.config(
        "[profile envrole]\nrole_arn = arn:aws:iam::123456789012:role/env\n"
        "credential_source = Environment\nregion = eu-west-1\n");
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIAENVROLE00001", "ERS0001", "ERT0001")));
    const Env keys{{"AWS_ACCESS_KEY_ID", "AKIAENVSOURCE001"},
                   {"AWS_SECRET_ACCESS_KEY", "ENVSOURCESECRET1"}};

    const auto settings = resolve(keys, "envrole");
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAENVROLE00001");
    ASSERT_EQ(net.requests().size(), 1u);
    EXPECT_EQ(
        authorization(net.requests()[0]).rfind("AWS4-HMAC-SHA256 Credential=AKIAENVSOURCE001/", 0),
        0u);

    // Without --profile the environment keys come first and are used as they are.
    const auto plain = resolve(merged(keys, {{"AWS_PROFILE", "envrole"}}));
    EXPECT_EQ(plain.credentials->current().access_key_id, "AKIAENVSOURCE001");
    EXPECT_EQ(net.requests().size(), 1u);

    try {
        (void)resolve({}, "envrole");
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "AWS_ACCESS_KEY_ID")) << error.message;
        EXPECT_TRUE(contains(error.message, "envrole")) << error.message;
    }
}

TEST_F(CredentialChain, CredentialSourceEcsContainer) {
    dir.config(
        "[profile ecsrole]\nrole_arn = arn:aws:iam::123456789012:role/ecs\n"
        "credential_source = EcsContainer\nregion = eu-west-1\n");
    serve_container(net);
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIAECSROLE00001", "CRS0001", "CRT0001")));
    const auto settings = resolve(container_env(), "ecsrole");
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAECSROLE00001");
    ASSERT_EQ(sent(), (std::vector<std::string>{kContainerRoute, kStsRoute}));
    EXPECT_EQ(
        authorization(net.requests()[1]).rfind("AWS4-HMAC-SHA256 Credential=ASIACONTAINER001/", 0),
        0u);
    EXPECT_EQ(header(net.requests()[1], "x-amz-security-token"), "CONTAINERTOKEN01");

    EXPECT_THROW((void)resolve({}, "ecsrole"), CredentialsError);  // no container variables
}

TEST_F(CredentialChain, CredentialSourceEc2InstanceMetadata) {
    dir.config(
        "[profile ec2role]\nrole_arn = arn:aws:iam::123456789012:role/ec2\n"
        "credential_source = Ec2InstanceMetadata\nregion = eu-west-1\n");
    serve_imds(net);
    net.on(kStsRoute, http(200, sts_xml("AssumeRole", "ASIAEC2ROLE00001", "IRS0001", "IRT0001")));
    const auto settings = resolve({}, "ec2role");
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAEC2ROLE00001");
    ASSERT_EQ(sent(), (std::vector<std::string>{kImdsToken, kImdsRoles, kImdsCreds, kStsRoute}));
    EXPECT_EQ(
        authorization(net.requests()[3]).rfind("AWS4-HMAC-SHA256 Credential=ASIAIMDSKEY0001/", 0),
        0u);

    try {
        (void)resolve({{"AWS_EC2_METADATA_DISABLED", "true"}}, "ec2role");
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "AWS_EC2_METADATA_DISABLED")) << error.message;
    }
}

TEST_F(CredentialChain, BadCredentialSourceIsConfigError) {
    dir.config(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
        "credential_source = Ec2Metadata\n");
    try {
        (void)resolve({}, "r");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_TRUE(contains(error.message, "Ec2Metadata")) << error.message;
        EXPECT_TRUE(contains(error.message, "Ec2InstanceMetadata")) << error.message;
    }
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(CredentialChain, RoleArnNeedsExactlyOneSource) {
    const std::string role = "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n";
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"none", ""},
        {"source_profile_and_credential_source",
         "source_profile = base\ncredential_source = Environment\n"},
        {"source_profile_and_token_file", "source_profile = base\nweb_identity_token_file = /t\n"},
        {"all_three",
         "source_profile = base\ncredential_source = Environment\nweb_identity_token_file = /t\n"},
    };
    for (const auto& [name, extra] : cases) {
        SCOPED_TRACE(name);
        ScratchDir home;
        FakeTransports transports;
        home.credentials(kBaseCredentials);
        home.config(role + extra);
        try {
            (void)aws::resolve_settings({"r", ""}, awstest::fake_env(home.env()),
                                        transports.factory());
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& error) {
            EXPECT_TRUE(contains(error.message, "source_profile")) << error.message;
            EXPECT_TRUE(contains(error.message, "credential_source")) << error.message;
            EXPECT_TRUE(contains(error.message, "web_identity_token_file")) << error.message;
        }
        EXPECT_TRUE(transports.requests().empty());
    }
}

TEST_F(CredentialChain, InvalidDurationSecondsIsConfigError) {
    for (const char* value : {"abc", "0", "-5", "900s", "1.5", "99999999999"}) {
        SCOPED_TRACE(value);
        ScratchDir home;
        FakeTransports transports;
        home.credentials(kBaseCredentials);
        home.config(
            "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
            "source_profile = base\nduration_seconds = " +
            std::string(value) + "\n");
        try {
            (void)aws::resolve_settings({"r", ""}, awstest::fake_env(home.env()),
                                        transports.factory());
            FAIL() << "expected ConfigError";
        } catch (const ConfigError& error) {
            EXPECT_TRUE(contains(error.message, "duration_seconds")) << error.message;
            EXPECT_TRUE(contains(error.message, value)) << error.message;
        }
        EXPECT_TRUE(transports.requests().empty());
    }
}

TEST_F(CredentialChain, StsErrorIsCredentialsErrorNamingTheCode) {
    dir.credentials(kBaseCredentials);
    dir.config(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"
        "region = eu-west-1\n");
    struct Case {
        const char* name;
        awstest::Answer answer;
        std::vector<std::string> mentions;
    };
    const std::vector<Case> cases = {
        {"access_denied",
         http(403, sts_error("AccessDenied", "User is not authorized to perform: sts:AssumeRole")),
         {"AccessDenied", "not authorized", "arn:aws:iam::123456789012:role/r", "AssumeRole",
          "403"}},
        {"throttled", http(400, sts_error("Throttling", "Rate exceeded")), {"Throttling", "400"}},
        {"html", http(502, "<html>bad gateway</html>"), {"HTTP 502"}},
        {"transport", awstest::refused("Could not resolve host"), {"Could not resolve host"}},
        {"no_credentials_in_answer", http(200, "<AssumeRoleResponse/>"), {"no credentials"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeTransports transports;
        transports.on(kStsRoute, c.answer);
        try {
            (void)aws::resolve_settings({"r", ""}, awstest::fake_env(dir.env()),
                                        transports.factory(), no_wait_retry());
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            for (const auto& part : c.mentions) {
                EXPECT_TRUE(contains(error.message, part)) << part << " in " << error.message;
            }
        }
    }
}

// ------------------------------------------------------------- web identity

TEST_F(CredentialChain, WebIdentityTokenFileInProfile) {
    const std::string token_file = dir.file("token", "eyJhbGciOi.PROFILE-JWT.sig\n");
    dir.config(
        "[profile web]\nrole_arn = arn:aws:iam::123456789012:role/web\n"
        "web_identity_token_file = " +
        token_file + "\nrole_session_name = pod-1\nregion = eu-west-1\n");
    net.on(kStsRoute, http(200, sts_xml("AssumeRoleWithWebIdentity", "ASIAWEBPROFILE01", "WPS0001",
                                        "WPT0001")));
    const auto settings = resolve({}, "web");
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAWEBPROFILE01");
    EXPECT_TRUE(contains(settings.credentials->source(), "web identity"))
        << settings.credentials->source();

    ASSERT_EQ(sent(), std::vector<std::string>{kStsRoute});
    const auto& request = net.requests()[0];
    EXPECT_FALSE(header(request, "authorization").has_value());
    EXPECT_FALSE(header(request, "x-amz-security-token").has_value());
    const auto fields = form_fields(request.body);
    EXPECT_EQ(fields.at("Action"), "AssumeRoleWithWebIdentity");
    EXPECT_EQ(fields.at("RoleArn"), "arn:aws:iam::123456789012:role/web");
    EXPECT_EQ(fields.at("RoleSessionName"), "pod-1");
    EXPECT_EQ(fields.at("WebIdentityToken"), "eyJhbGciOi.PROFILE-JWT.sig");
    EXPECT_EQ(fields.at("Version"), "2011-06-15");
    // The token is a secret too.
    EXPECT_EQ(aws::redact("t=eyJhbGciOi.PROFILE-JWT.sig"), "t=****");
}

TEST_F(CredentialChain, WebIdentityFromEnvironment) {
    const std::string token_file = dir.file("token", "eyJ.ENV-JWT.sig");
    net.on(kStsRoute,
           http(200, sts_xml("AssumeRoleWithWebIdentity", "ASIAWEBENV000001", "WES0001", "WET01")));
    const Env env{{"AWS_REGION", "eu-west-1"},
                  {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                  {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod"}};

    const auto settings = resolve(merged(env, {{"AWS_ROLE_SESSION_NAME", "my-pod"}}));
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAWEBENV000001");
    ASSERT_EQ(net.requests().size(), 1u);
    EXPECT_FALSE(header(net.requests()[0], "authorization").has_value());
    auto fields = form_fields(net.requests()[0].body);
    EXPECT_EQ(fields.at("Action"), "AssumeRoleWithWebIdentity");
    EXPECT_EQ(fields.at("RoleArn"), "arn:aws:iam::123456789012:role/pod");
    EXPECT_EQ(fields.at("RoleSessionName"), "my-pod");
    EXPECT_EQ(fields.at("WebIdentityToken"), "eyJ.ENV-JWT.sig");

    (void)resolve(env);
    ASSERT_EQ(net.requests().size(), 2u);
    EXPECT_EQ(form_fields(net.requests()[1].body).at("RoleSessionName"), "s3-cleanup");

    // Only one of the two variables: that source is skipped.
    try {
        (void)resolve({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}});
        FAIL() << "expected NoCredentialsError";
    } catch (const NoCredentialsError&) {
    }
    EXPECT_EQ(net.transport->sent_routes().back(), kImdsToken);  // went on to IMDS
}

TEST_F(CredentialChain, WebIdentityErrors) {
    const Env env{{"AWS_REGION", "eu-west-1"},
                  {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod"}};
    // A token file that cannot be read: a credentials failure, not a fall-through.
    EXPECT_THROW((void)resolve(merged(env, {{"AWS_WEB_IDENTITY_TOKEN_FILE", dir.path() + "/no"}})),
                 CredentialsError);
    EXPECT_THROW(
        (void)resolve(merged(env, {{"AWS_WEB_IDENTITY_TOKEN_FILE", dir.file("empty", "\n")}})),
        CredentialsError);
    EXPECT_TRUE(net.requests().empty());

    net.on(kStsRoute, http(400, sts_error("InvalidIdentityToken", "Token expired")));
    try {
        (void)resolve(merged(env, {{"AWS_WEB_IDENTITY_TOKEN_FILE", dir.file("t", "eyJ.X.Y")}}));
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "InvalidIdentityToken")) << error.message;
        EXPECT_TRUE(contains(error.message, "AssumeRoleWithWebIdentity")) << error.message;
    }
}

}  // namespace
