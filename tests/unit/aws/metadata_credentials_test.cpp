// Unit tests for src/aws/metadata_credentials.hpp: the container credentials
// endpoint (ECS / EKS Pod Identity) and EC2 instance metadata (IMDSv2), both
// directly and as sources of the credential chain, with a scripted transport.
#include "aws/metadata_credentials.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/aws_settings.hpp"
#include "aws/redaction.hpp"
#include "credential_test_support.hpp"

namespace {

using aws::ConfigError;
using aws::CredentialsError;
using aws::NoCredentialsError;
using awstest::Env;
using awstest::FakeTransports;
using awstest::header;
using awstest::http;
using awstest::refused;
using awstest::ScratchDir;

std::string creds_json(const std::string& key,
                       const std::string& expiration = "2099-01-01T00:00:00Z") {
    return R"({"Code": "Success", "LastUpdated": "2026-11-20T14:00:00Z", "Type": "AWS-HMAC", )"
           R"("AccessKeyId": ")" +
           key +
           R"(", "SecretAccessKey": "MDSECRET0001", "Token": "MDTOKEN0001", )"
           R"("Expiration": ")" +
           expiration + R"("})";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

constexpr const char* kImds = "http://169.254.169.254";
constexpr const char* kTokenPath = "/latest/api/token";
constexpr const char* kRolesPath = "/latest/meta-data/iam/security-credentials/";

std::string put(const std::string& base, const std::string& path) { return "PUT " + base + path; }
std::string get(const std::string& base, const std::string& path) { return "GET " + base + path; }

void serve_imds(const FakeTransports& net, const std::string& base = kImds,
                const std::string& role = "ec2-role") {
    net.on(put(base, kTokenPath), http(200, "AQAEAIMDSv2SESSION=="));
    net.on(get(base, kRolesPath), http(200, role + "\n"));
    net.on(get(base, std::string(kRolesPath) + role), http(200, creds_json("ASIAIMDS00000001")));
}

class MetadataChain : public ::testing::Test {
protected:
    aws::AwsSettings resolve(const Env& extra) {
        return aws::resolve_settings({}, awstest::fake_env(dir.env(extra)), net.factory());
    }
    std::vector<std::string> sent() const { return net.transport->sent_routes(); }

    ScratchDir dir;
    FakeTransports net;
};

// -------------------------------------------------------------- parsing

TEST(ParseMetadataCredentials, Good) {
    const auto out = aws::parse_metadata_credentials(creds_json("ASIAPARSE0000001"), "test");
    EXPECT_EQ(out.credentials.access_key_id, "ASIAPARSE0000001");
    EXPECT_EQ(out.credentials.secret_access_key, "MDSECRET0001");
    EXPECT_EQ(out.credentials.session_token, "MDTOKEN0001");
    ASSERT_TRUE(out.expiration.has_value());
    EXPECT_EQ(aws::format_timestamp(*out.expiration), "2099-01-01T00:00:00Z");
}

TEST(ParseMetadataCredentials, OptionalFields) {
    const auto out = aws::parse_metadata_credentials(
        R"({"AccessKeyId": "AKIAPARSE0000002", "SecretAccessKey": "S0000002"})", "test");
    EXPECT_EQ(out.credentials.session_token, "");
    EXPECT_FALSE(out.expiration.has_value());
}

TEST(ParseMetadataCredentials, Errors) {
    struct Case {
        const char* name;
        std::string json;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {"not_json", "<html>", "not a JSON object"},
        {"array", "[1, 2]", "not a JSON object"},
        {"failure_code", R"({"Code": "AssumeRoleUnauthorizedAccess", "Message": "x"})",
         "AssumeRoleUnauthorizedAccess"},
        {"no_key", R"({"SecretAccessKey": "S"})", "AccessKeyId"},
        {"no_secret", R"({"AccessKeyId": "AKIAPARSE0000003"})", "SecretAccessKey"},
        {"key_not_string", R"({"AccessKeyId": 5, "SecretAccessKey": "S"})", "AccessKeyId"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        try {
            (void)aws::parse_metadata_credentials(c.json, "the source");
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "the source")) << error.message;
            EXPECT_TRUE(contains(error.message, c.mentions)) << error.message;
        }
    }
}

// An Expiration that does not parse (here a plausible time without a zone
// designator) must not pass for "never expires": such keys would never be
// renewed. parse_credential_process_output rejects the same input.
TEST(ParseMetadataCredentials, UnparsableExpirationIsAnError) {
    EXPECT_THROW((void)aws::parse_metadata_credentials(
                     creds_json("ASIAPARSE0000004", "2026-11-20T14:03:00"), "test"),
                 CredentialsError);
}

// ------------------------------------------------------ container, directly

TEST(FetchContainerCredentials, RequestShape) {
    awstest::ScriptedTransport transport;
    transport.on("GET http://127.0.0.1:8080/", http(200, creds_json("ASIACONT00000001")));
    aws::ContainerEndpoint endpoint{*aws::parse_http_url("http://127.0.0.1:8080"), ""};
    const auto out = aws::fetch_container_credentials(transport, endpoint);
    EXPECT_EQ(out.credentials.access_key_id, "ASIACONT00000001");
    ASSERT_EQ(transport.sent.size(), 1u);
    EXPECT_EQ(transport.sent[0].path, "/");
    EXPECT_FALSE(header(transport.sent[0], "authorization").has_value());

    aws::ContainerEndpoint with_auth{*aws::parse_http_url("http://127.0.0.1:8080/?id=7"),
                                     "Bearer abc"};
    (void)aws::fetch_container_credentials(transport, with_auth);
    ASSERT_EQ(transport.sent.size(), 2u);
    EXPECT_EQ(transport.sent[1].query, "id=7");
    EXPECT_EQ(header(transport.sent[1], "authorization"), "Bearer abc");
}

// ------------------------------------------------------ container, in chain

TEST_F(MetadataChain, RelativeUriWithTestEndpointOverride) {
    net.on("GET http://127.0.0.1:18080/v2/credentials/abc-123", http(200, creds_json("ASIAC1")));
    const auto settings =
        resolve({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc-123"},
                 {"S3_CLEANUP_TEST_ECS_ENDPOINT", "http://127.0.0.1:18080"}});
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAC1");
    EXPECT_EQ(settings.credentials->current().session_token, "MDTOKEN0001");
    EXPECT_TRUE(contains(settings.credentials->source(), "container credentials"))
        << settings.credentials->source();
    EXPECT_TRUE(
        contains(settings.credentials->source(), "http://127.0.0.1:18080/v2/credentials/abc-123"))
        << settings.credentials->source();
    ASSERT_EQ(net.requests().size(), 1u);
    EXPECT_FALSE(header(net.requests()[0], "authorization").has_value());
}

TEST_F(MetadataChain, RelativeUriDefaultsToTheEcsAddress) {
    net.on("GET http://169.254.170.2/v2/credentials/abc", http(200, creds_json("ASIAC2")));
    const auto settings =
        resolve({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}});
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAC2");
    EXPECT_EQ(sent(), std::vector<std::string>{"GET http://169.254.170.2/v2/credentials/abc"});
}

TEST_F(MetadataChain, FullUri) {
    net.on("GET http://localhost:8080/get-credentials", http(200, creds_json("ASIAC3")));
    const auto settings = resolve(
        {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8080/get-credentials?a=1"}});
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAC3");
    ASSERT_EQ(net.requests().size(), 1u);
    EXPECT_EQ(net.requests()[0].query, "a=1");
}

TEST_F(MetadataChain, FullUriOverPlainHttpOnlyToLoopbackOrTheAgents) {
    net.on("GET https://creds.example.com/c", http(200, creds_json("ASIAHTTPS")));
    net.on("GET http://169.254.170.23/v1/credentials", http(200, creds_json("ASIAPOD")));
    EXPECT_EQ(resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/c"}})
                  .credentials->current()
                  .access_key_id,
              "ASIAHTTPS");
    EXPECT_EQ(
        resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"}})
            .credentials->current()
            .access_key_id,
        "ASIAPOD");
    const auto before = net.requests().size();
    for (const char* url :
         {"http://creds.example.com/c", "http://10.0.0.1:80/c", "http://127.0.0.1.example.com/c"}) {
        SCOPED_TRACE(url);
        EXPECT_THROW((void)resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}}), ConfigError);
    }
    EXPECT_EQ(net.requests().size(), before);  // refused before sending anything
}

TEST_F(MetadataChain, RelativeUriBeatsFullUri) {
    net.on("GET http://127.0.0.1:18080/rel", http(200, creds_json("ASIAREL")));
    net.on("GET http://localhost:8080/full", http(200, creds_json("ASIAFULL")));
    const auto settings =
        resolve({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/rel"},
                 {"S3_CLEANUP_TEST_ECS_ENDPOINT", "http://127.0.0.1:18080"},
                 {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8080/full"}});
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAREL");
}

TEST_F(MetadataChain, AuthorizationTokenAndTokenFile) {
    const std::string token_file = dir.file("auth", "FILE-AUTH-TOKEN-0001\n");
    struct Case {
        const char* name;
        Env env;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"variable",
         {{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ENV-AUTH-TOKEN-0001"}},
         "ENV-AUTH-TOKEN-0001"},
        {"file", {{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}}, "FILE-AUTH-TOKEN-0001"},
        {"file_wins",
         {{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ENV-AUTH-TOKEN-0001"},
          {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}},
         "FILE-AUTH-TOKEN-0001"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeTransports transports;
        transports.on("GET http://localhost:8080/creds", http(200, creds_json("ASIAAUTH")));
        Env env = c.env;
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://localhost:8080/creds";
        (void)aws::resolve_settings({}, awstest::fake_env(dir.env(env)), transports.factory());
        ASSERT_EQ(transports.requests().size(), 1u);
        EXPECT_EQ(header(transports.requests()[0], "authorization"), c.expected);
        EXPECT_EQ(aws::redact("auth " + c.expected), "auth ****");
    }
}

TEST_F(MetadataChain, UnreadableTokenFileIsCredentialsError) {
    EXPECT_THROW((void)resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8080/c"},
                                {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir.path() + "/none"}}),
                 CredentialsError);
    EXPECT_TRUE(net.requests().empty());
}

TEST_F(MetadataChain, ContainerFailuresAreCredentialsErrors) {
    struct Case {
        const char* name;
        awstest::Answer answer;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {"500", http(500, "oops"), "HTTP 500"},
        {"404", http(404, ""), "HTTP 404"},
        {"403", http(403, R"({"message": "denied"})"), "HTTP 403"},
        {"refused", refused("Connection refused"), "Connection refused"},
        {"garbage", http(200, "not json"), "not a JSON object"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        FakeTransports transports;
        transports.on("GET http://localhost:8080/creds", c.answer);
        serve_imds(transports);  // the chain must not go on to IMDS
        try {
            (void)aws::resolve_settings(
                {},
                awstest::fake_env(dir.env(
                    {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8080/creds"}})),
                transports.factory());
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "container credentials")) << error.message;
            EXPECT_TRUE(contains(error.message, c.mentions)) << error.message;
        }
        EXPECT_EQ(transports.requests().size(), 1u);
    }
}

TEST_F(MetadataChain, ContainerUrlThatIsNotHttpIsConfigError) {
    EXPECT_THROW((void)resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "file:///etc/creds"}}),
                 ConfigError);
}

TEST_F(MetadataChain, ContainerTransportIsBounded) {
    net.on("GET http://localhost:8080/creds", http(200, creds_json("ASIABOUND")));
    (void)resolve({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8080/creds"}});
    ASSERT_EQ(net.options->size(), 1u);
    EXPECT_GT(net.options->at(0).total_timeout_ms, 0);
    EXPECT_GT(net.options->at(0).connect_timeout_ms, 0);
}

// ------------------------------------------------------------ IMDSv2, in chain

TEST_F(MetadataChain, ImdsV2Flow) {
    serve_imds(net);
    const auto settings = resolve({});
    const auto creds = settings.credentials->current();
    EXPECT_EQ(creds.access_key_id, "ASIAIMDS00000001");
    EXPECT_EQ(creds.secret_access_key, "MDSECRET0001");
    EXPECT_EQ(creds.session_token, "MDTOKEN0001");
    EXPECT_TRUE(contains(settings.credentials->source(), "instance metadata"))
        << settings.credentials->source();

    ASSERT_EQ(sent(), (std::vector<std::string>{put(kImds, kTokenPath), get(kImds, kRolesPath),
                                                get(kImds, std::string(kRolesPath) + "ec2-role")}));
    const auto& token_request = net.requests()[0];
    const auto ttl = header(token_request, "x-aws-ec2-metadata-token-ttl-seconds");
    ASSERT_TRUE(ttl.has_value());
    EXPECT_GT(std::stoi(*ttl), 0);
    EXPECT_LE(std::stoi(*ttl), 21600);
    EXPECT_FALSE(header(token_request, "x-aws-ec2-metadata-token").has_value());
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(header(net.requests()[i], "x-aws-ec2-metadata-token"), "AQAEAIMDSv2SESSION==");
        EXPECT_FALSE(header(net.requests()[i], "x-aws-ec2-metadata-token-ttl-seconds").has_value());
    }
    // Fetched once during resolution; current() serves the cached credentials.
    EXPECT_EQ(net.requests().size(), 3u);
}

TEST_F(MetadataChain, ImdsEndpointOverride) {
    for (const std::string& base :
         {std::string("http://127.0.0.1:1338"), std::string("http://[fd00:ec2::254]")}) {
        SCOPED_TRACE(base);
        FakeTransports transports;
        serve_imds(transports, base);
        const auto settings = aws::resolve_settings(
            {}, awstest::fake_env(dir.env({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", base + "/"}})),
            transports.factory());
        EXPECT_EQ(settings.credentials->current().access_key_id, "ASIAIMDS00000001");
        EXPECT_EQ(transports.transport->sent_routes().front(), put(base, kTokenPath));
    }
    EXPECT_THROW((void)resolve({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"}}),
                 ConfigError);
}

TEST_F(MetadataChain, ImdsRetriesUpToNumAttempts) {
    net.on(put(kImds, kTokenPath), refused("timed out"));
    net.on(put(kImds, kTokenPath), http(503, ""));
    net.on(put(kImds, kTokenPath), http(200, "AQAEAIMDSv2SESSION=="));
    net.on(get(kImds, kRolesPath), http(200, "ec2-role"));
    net.on(get(kImds, std::string(kRolesPath) + "ec2-role"), http(200, creds_json("ASIARETRY")));

    const auto settings = resolve({{"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3"}});
    EXPECT_EQ(settings.credentials->current().access_key_id, "ASIARETRY");
    ASSERT_EQ(net.requests().size(), 5u);
    std::vector<int> attempts;
    for (const auto& request : net.requests()) attempts.push_back(request.attempt);
    EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3, 3, 3}));
}

TEST_F(MetadataChain, ImdsGivesUpAfterNumAttempts) {
    net.on(put(kImds, kTokenPath), refused("timed out"));
    for (const auto& [value, expected] :
         std::vector<std::pair<std::string, std::size_t>>{{"", 1u}, {"2", 2u}, {"4", 4u}}) {
        SCOPED_TRACE(value);
        net.transport->sent.clear();
        Env env;
        if (!value.empty()) env["AWS_METADATA_SERVICE_NUM_ATTEMPTS"] = value;
        try {
            (void)resolve(env);
            FAIL() << "expected NoCredentialsError";
        } catch (const NoCredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "timed out")) << error.message;
        }
        EXPECT_EQ(net.requests().size(), expected);
    }
}

TEST_F(MetadataChain, ImdsTokenRefusedMeansNotFound) {
    for (const long status : {404L, 401L, 403L}) {
        SCOPED_TRACE(status);
        FakeTransports transports;
        transports.on(put(kImds, kTokenPath), http(status, ""));
        try {
            (void)aws::resolve_settings({}, awstest::fake_env(dir.env()), transports.factory());
            FAIL() << "expected NoCredentialsError";
        } catch (const NoCredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "instance metadata")) << error.message;
            EXPECT_TRUE(contains(error.message, "HTTP " + std::to_string(status))) << error.message;
        }
        EXPECT_EQ(transports.requests().size(), 1u);
    }
}

TEST_F(MetadataChain, ImdsWithoutRoleIsNotFound) {
    net.on(put(kImds, kTokenPath), http(200, "AQAEAIMDSv2SESSION=="));
    net.on(get(kImds, kRolesPath), http(200, ""));
    try {
        (void)resolve({});
        FAIL() << "expected NoCredentialsError";
    } catch (const NoCredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "no IAM role")) << error.message;
    }
}

TEST_F(MetadataChain, ImdsTimeoutReachesTheTransportFactory) {
    struct Case {
        std::string value;
        long expected_ms;
    };
    for (const auto& c : std::vector<Case>{{"", 1000}, {"2", 2000}, {"0.5", 500}, {"10", 10000}}) {
        SCOPED_TRACE(c.value);
        FakeTransports transports;
        serve_imds(transports);
        Env env;
        if (!c.value.empty()) env["AWS_METADATA_SERVICE_TIMEOUT"] = c.value;
        (void)aws::resolve_settings({}, awstest::fake_env(dir.env(env)), transports.factory());
        ASSERT_EQ(transports.options->size(), 1u);  // the IMDS transport only
        EXPECT_EQ(transports.options->at(0).total_timeout_ms, c.expected_ms);
        EXPECT_EQ(transports.options->at(0).connect_timeout_ms, c.expected_ms);
    }
}

TEST_F(MetadataChain, BadImdsNumbersAreConfigErrors) {
    for (const char* name : {"AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"}) {
        for (const char* value : {"abc", "0", "-1", "2s"}) {
            SCOPED_TRACE(std::string(name) + "=" + value);
            try {
                (void)resolve({{name, value}});
                FAIL() << "expected ConfigError";
            } catch (const ConfigError& error) {
                EXPECT_TRUE(contains(error.message, name)) << error.message;
            }
        }
    }
    EXPECT_TRUE(net.requests().empty());
}

// ------------------------------------------------------------ IMDSv2, directly

TEST(FetchInstanceCredentials, BasePathIsKept) {
    awstest::ScriptedTransport transport;
    const std::string base = "http://127.0.0.1:1338/imds";
    transport.on(put(base, kTokenPath), http(200, "T"));
    transport.on(get(base, kRolesPath), http(200, "r1\nr2\n"));
    transport.on(get(base, std::string(kRolesPath) + "r1"), http(200, creds_json("ASIABASE")));
    const auto out =
        aws::fetch_instance_credentials(transport, *aws::parse_http_url(base + "/"), 1);
    EXPECT_EQ(out.credentials.access_key_id, "ASIABASE");  // the first role listed
    EXPECT_EQ(transport.sent.size(), 3u);
}

TEST(FetchInstanceCredentials, CredentialsErrorAnswerIsNotRetriedForever) {
    awstest::ScriptedTransport transport;
    transport.on(put(kImds, kTokenPath), http(200, "T"));
    transport.on(get(kImds, kRolesPath), http(200, "r1"));
    transport.on(get(kImds, std::string(kRolesPath) + "r1"),
                 http(200, R"({"Code": "AssumeRoleUnauthorizedAccess"})"));
    try {
        (void)aws::fetch_instance_credentials(transport, *aws::parse_http_url(kImds), 2);
        FAIL() << "expected CredentialsError";
    } catch (const CredentialsError& error) {
        EXPECT_TRUE(contains(error.message, "AssumeRoleUnauthorizedAccess")) << error.message;
    }
    EXPECT_EQ(transport.sent.size(), 6u);  // two attempts of three requests
}

}  // namespace
