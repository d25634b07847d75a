// Unit tests for src/aws/sts.hpp: the STS endpoint, the AssumeRole and
// AssumeRoleWithWebIdentity requests, and parsing their answers.
#include "aws/sts.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "credential_test_support.hpp"

namespace {

using aws::CredentialsError;
using awstest::form_fields;
using awstest::header;
using awstest::http;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string answer(const std::string& action, const std::string& credentials) {
    return "<" + action + R"(Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><)" +
           action + "Result><Credentials>" + credentials + "</Credentials><AssumedRoleUser>" +
           "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser></" + action +
           "Result></" + action + "Response>";
}

const char* kCredentials =
    "<AccessKeyId>ASIASTS000000001</AccessKeyId>"
    "<SecretAccessKey>STSSECRET0001</SecretAccessKey>"
    "<SessionToken>STSTOKEN0001</SessionToken>"
    "<Expiration>2026-11-20T15:03:00Z</Expiration>";

// 2026-11-20T14:03:00Z
aws::TimePoint fixed_now() { return aws::TimePoint{std::chrono::milliseconds{1795183380000LL}}; }
aws::WallClock fixed_clock() { return fixed_now; }

// The retry loop with its seams replaced: no waiting, the full jitter ceiling,
// a throttle whose clock stands still, and every wait recorded.
struct QuickRetry {
    static constexpr int kMaxAttempts = 3;
    QuickRetry() {
        control.policy.max_attempts = kMaxAttempts;
        // The throttle's clock moves by what the loop waits, and by nothing else.
        auto now = std::make_shared<std::chrono::steady_clock::time_point>();
        control.throttle = std::make_shared<aws::Throttle>([now] { return *now; });
        control.random01 = [] { return 1.0; };
        control.sleep = [waits = waits, now](std::chrono::milliseconds delay,
                                             const std::function<bool()>&) {
            waits->push_back(delay);
            *now += delay;
        };
    }
    aws::RetryControl control;
    std::shared_ptr<std::vector<std::chrono::milliseconds>> waits =
        std::make_shared<std::vector<std::chrono::milliseconds>>();
};

// ------------------------------------------------------------------ parsing

TEST(ParseStsCredentials, BothActions) {
    for (const std::string action : {"AssumeRole", "AssumeRoleWithWebIdentity"}) {
        SCOPED_TRACE(action);
        const auto out = aws::parse_sts_credentials(answer(action, kCredentials), action);
        EXPECT_EQ(out.credentials.access_key_id, "ASIASTS000000001");
        EXPECT_EQ(out.credentials.secret_access_key, "STSSECRET0001");
        EXPECT_EQ(out.credentials.session_token, "STSTOKEN0001");
        ASSERT_TRUE(out.expiration.has_value());
        EXPECT_EQ(*out.expiration, fixed_now() + std::chrono::hours(1));
    }
}

TEST(ParseStsCredentials, Errors) {
    struct Case {
        const char* name;
        std::string xml;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {"not_xml", "<<<", "malformed"},
        {"empty", "", "malformed"},
        {"other_action", answer("GetSessionToken", kCredentials), "no credentials"},
        {"no_secret",
         answer("AssumeRole",
                "<AccessKeyId>ASIASTS000000002</AccessKeyId>"
                "<Expiration>2026-11-20T15:03:00Z</Expiration>"),
         "no credentials"},
        {"no_key", answer("AssumeRole", "<SecretAccessKey>S</SecretAccessKey>"), "no credentials"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        try {
            (void)aws::parse_sts_credentials(c.xml, "AssumeRole");
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            EXPECT_TRUE(contains(error.message, "AssumeRole")) << error.message;
            EXPECT_TRUE(contains(error.message, c.mentions)) << error.message;
        }
    }
}

// An STS answer whose Expiration is missing or does not parse must not give
// credentials that never expire (they would never be renewed).
TEST(ParseStsCredentials, MissingOrBadExpirationIsAnError) {
    const std::string keys =
        "<AccessKeyId>ASIASTS000000003</AccessKeyId><SecretAccessKey>S0003</SecretAccessKey>"
        "<SessionToken>T0003</SessionToken>";
    EXPECT_THROW((void)aws::parse_sts_credentials(answer("AssumeRole", keys), "AssumeRole"),
                 CredentialsError);
    EXPECT_THROW(
        (void)aws::parse_sts_credentials(
            answer("AssumeRole", keys + "<Expiration>in an hour</Expiration>"), "AssumeRole"),
        CredentialsError);
}

// ----------------------------------------------------------------- endpoint

TEST(StsEndpoint, DefaultAndOverride) {
    const auto aws = aws::sts_endpoint("", "eu-west-1");
    EXPECT_EQ(aws.url.scheme, "https");
    EXPECT_EQ(aws.url.host, "sts.eu-west-1.amazonaws.com");
    EXPECT_EQ(aws.region, "eu-west-1");

    const auto custom = aws::sts_endpoint("http://127.0.0.1:4566/sts", "ap-south-1");
    EXPECT_EQ(custom.url.scheme, "http");
    EXPECT_EQ(custom.url.host, "127.0.0.1:4566");
    EXPECT_EQ(custom.url.path, "/sts");
    EXPECT_EQ(custom.region, "ap-south-1");  // still signs for the region

    for (const char* bad : {"127.0.0.1:4566", "ftp://sts", "https://"}) {
        SCOPED_TRACE(bad);
        EXPECT_THROW((void)aws::sts_endpoint(bad, "eu-west-1"), CredentialsError);
    }
}

// ----------------------------------------------------------------- requests

TEST(AssumeRole, SignedFormPost) {
    awstest::ScriptedTransport transport;
    transport.on("POST http://127.0.0.1:4566/", http(200, answer("AssumeRole", kCredentials)));
    aws::AssumeRoleParams params;
    params.role_arn = "arn:aws:iam::123456789012:role/deployer";
    params.session_name = "a b+c/=&~";
    params.external_id = "ext 1";
    params.duration_seconds = 900;
    const auto out = aws::assume_role(
        transport, QuickRetry().control, aws::sts_endpoint("http://127.0.0.1:4566", "eu-west-1"),
        {"AKIASOURCE000001", "SOURCESECRET01", "SOURCETOKEN01"}, params, fixed_clock());
    EXPECT_EQ(out.credentials.access_key_id, "ASIASTS000000001");

    ASSERT_EQ(transport.sent.size(), 1u);
    const auto& request = transport.sent[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/");
    EXPECT_EQ(request.query, "");
    // Reserved characters are percent-encoded, so the form decodes back exactly.
    EXPECT_TRUE(contains(request.body, "RoleSessionName=a%20b%2Bc%2F%3D%26~")) << request.body;
    const auto fields = form_fields(request.body);
    EXPECT_EQ(fields.at("Action"), "AssumeRole");
    EXPECT_EQ(fields.at("Version"), "2011-06-15");
    EXPECT_EQ(fields.at("RoleArn"), "arn:aws:iam::123456789012:role/deployer");
    EXPECT_EQ(fields.at("RoleSessionName"), "a b+c/=&~");
    EXPECT_EQ(fields.at("ExternalId"), "ext 1");
    EXPECT_EQ(fields.at("DurationSeconds"), "900");
    EXPECT_EQ(fields.count("WebIdentityToken"), 0u);

    EXPECT_EQ(header(request, "x-amz-date"), "20261120T140300Z");
    EXPECT_EQ(header(request, "x-amz-security-token"), "SOURCETOKEN01");
    EXPECT_FALSE(header(request, "x-amz-content-sha256").has_value());
    const auto auth = header(request, "authorization").value_or("");
    EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKIASOURCE000001/20261120/eu-west-1/sts/"
                         "aws4_request, SignedHeaders=",
                         0),
              0u)
        << auth;
    EXPECT_TRUE(contains(auth, "content-type")) << auth;
    EXPECT_TRUE(contains(auth, "x-amz-security-token")) << auth;
    EXPECT_FALSE(contains(auth, "SOURCESECRET01")) << auth;
}

TEST(AssumeRole, ErrorAnswers) {
    struct Case {
        const char* name;
        awstest::Answer answer;
        std::vector<std::string> mentions;
    };
    const std::vector<Case> cases = {
        {"error_response",
         http(403, R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">)"
                   "<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed"
                   "</Message></Error><RequestId>r</RequestId></ErrorResponse>"),
         {"AccessDenied", "not allowed", "HTTP 403", "arn:aws:iam::123456789012:role/r"}},
        {"expired_source",
         http(403,
              "<ErrorResponse><Error><Code>ExpiredToken</Code></Error>"
              "</ErrorResponse>"),
         {"ExpiredToken"}},
        {"plain_status", http(503, "Service Unavailable"), {"HTTP 503"}},
        {"transport", awstest::refused("SSL connect error"), {"SSL connect error"}},
        {"bad_200", http(200, "<html/>"), {"no credentials"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        awstest::ScriptedTransport transport;
        transport.on("POST https://sts.eu-west-1.amazonaws.com/", c.answer);
        aws::AssumeRoleParams params;
        params.role_arn = "arn:aws:iam::123456789012:role/r";
        try {
            (void)aws::assume_role(
                transport, QuickRetry().control, aws::sts_endpoint("", "eu-west-1"),
                {"AKIASOURCE000002", "SOURCESECRET02", ""}, params, fixed_clock());
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            for (const auto& part : c.mentions) {
                EXPECT_TRUE(contains(error.message, part)) << part << " in " << error.message;
            }
        }
    }
}

TEST(AssumeRoleWithWebIdentity, UnsignedWithToken) {
    awstest::ScriptedTransport transport;
    transport.on("POST https://sts.us-west-2.amazonaws.com/",
                 http(200, answer("AssumeRoleWithWebIdentity", kCredentials)));
    aws::AssumeRoleParams params;
    params.role_arn = "arn:aws:iam::123456789012:role/pod";
    const auto out = aws::assume_role_with_web_identity(transport, QuickRetry().control,
                                                        aws::sts_endpoint("", "us-west-2"),
                                                        "eyJhbGciOi.payload+/=.sig", params);
    EXPECT_EQ(out.credentials.access_key_id, "ASIASTS000000001");
    ASSERT_EQ(transport.sent.size(), 1u);
    const auto& request = transport.sent[0];
    EXPECT_FALSE(header(request, "authorization").has_value());
    EXPECT_FALSE(header(request, "x-amz-security-token").has_value());
    EXPECT_FALSE(header(request, "x-amz-date").has_value());
    EXPECT_EQ(header(request, "content-type"), "application/x-www-form-urlencoded; charset=utf-8");
    const auto fields = form_fields(request.body);
    EXPECT_EQ(fields.at("Action"), "AssumeRoleWithWebIdentity");
    EXPECT_EQ(fields.at("RoleArn"), "arn:aws:iam::123456789012:role/pod");
    EXPECT_EQ(fields.at("RoleSessionName"), "s3-cleanup");
    EXPECT_EQ(fields.at("WebIdentityToken"), "eyJhbGciOi.payload+/=.sig");
}

// ------------------------------------------------------------------ retries

constexpr const char* kRoleArn = "arn:aws:iam::123456789012:role/r";
constexpr const char* kStsRoute = "POST https://sts.eu-west-1.amazonaws.com/";

std::string error_document(const std::string& code, const std::string& message) {
    return R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>)"
           "<Type>Sender</Type><Code>" +
           code + "</Code><Message>" + message +
           "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
}

// AssumeRole for kRoleArn through transport, with retry.
aws::TimedCredentials assume(awstest::ScriptedTransport& transport, const aws::RetryControl& retry,
                             const aws::WallClock& clock = fixed_clock()) {
    aws::AssumeRoleParams params;
    params.role_arn = kRoleArn;
    return aws::assume_role(transport, retry, aws::sts_endpoint("", "eu-west-1"),
                            {"AKIASOURCE000003", "SOURCESECRET03", ""}, params, clock);
}

// The CredentialsError of assume(); fails the test when there is none.
std::string assume_error(awstest::ScriptedTransport& transport, const aws::RetryControl& retry) {
    try {
        (void)assume(transport, retry);
    } catch (const CredentialsError& error) {
        return error.message;
    }
    ADD_FAILURE() << "expected CredentialsError";
    return {};
}

TEST(StsRetries, ThrottlingAndServerErrorsAreRetriedThenSucceed) {
    awstest::ScriptedTransport transport;
    transport.on(kStsRoute, http(503, "Service Unavailable"));
    transport.on(kStsRoute,
                 http(400, error_document("Throttling", "Rate exceeded"), {{"retry-after", "2"}}));
    transport.on(kStsRoute, http(200, answer("AssumeRole", kCredentials)));
    QuickRetry retry;
    // One second later at every signature: each attempt is signed afresh.
    auto now = std::make_shared<aws::TimePoint>(fixed_now());
    const aws::WallClock ticking = [now] { return *now += std::chrono::seconds(1); };

    EXPECT_EQ(assume(transport, retry.control, ticking).credentials.access_key_id,
              "ASIASTS000000001");
    ASSERT_EQ(transport.sent.size(), 3u);
    EXPECT_EQ(transport.sent[0].attempt, 1);
    EXPECT_EQ(transport.sent[2].attempt, 3);
    EXPECT_EQ(header(transport.sent[0], "x-amz-date"), "20261120T140301Z");
    EXPECT_EQ(header(transport.sent[2], "x-amz-date"), "20261120T140303Z");
    EXPECT_EQ(form_fields(transport.sent[2].body).at("RoleArn"), kRoleArn);
    // Full jitter at its ceiling, then the server's Retry-After as the floor;
    // the shared throttle's gap and pause have passed by the time of the next slot.
    EXPECT_EQ(*retry.waits, (std::vector<std::chrono::milliseconds>{
                                std::chrono::milliseconds(200), std::chrono::milliseconds(2000)}));
    EXPECT_GT(retry.control.throttle->interval(), std::chrono::milliseconds(0));
}

TEST(StsRetries, AccessDeniedIsNotRetried) {
    awstest::ScriptedTransport transport;
    transport.on(kStsRoute, http(403, error_document("AccessDenied", "not allowed")));
    QuickRetry retry;
    EXPECT_EQ(assume_error(transport, retry.control),
              "STS AssumeRole for arn:aws:iam::123456789012:role/r failed: AccessDenied: not "
              "allowed (HTTP 403)");
    EXPECT_EQ(transport.sent.size(), 1u);
    EXPECT_TRUE(retry.waits->empty());
}

TEST(StsRetries, GivesUpAfterMaxAttemptsWithTheLastFailure) {
    struct Case {
        const char* name;
        awstest::Answer answer;
        std::string message;
    };
    const std::string call = std::string("STS AssumeRole for ") + kRoleArn;
    const std::vector<Case> cases = {
        {"plain_status", http(503, "Service Unavailable"), call + " failed: HTTP 503"},
        {"throttled", http(400, error_document("Throttling", "Rate exceeded")),
         call + " failed: Throttling: Rate exceeded (HTTP 400)"},
        {"transport", awstest::refused("SSL connect error"), call + ": SSL connect error"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        awstest::ScriptedTransport transport;
        transport.on(kStsRoute, c.answer);  // the last answer repeats
        QuickRetry retry;
        EXPECT_EQ(assume_error(transport, retry.control), c.message);
        EXPECT_EQ(transport.sent.size(), static_cast<std::size_t>(QuickRetry::kMaxAttempts));
    }
}

TEST(StsRetries, TransportFailureIsRetried) {
    awstest::ScriptedTransport transport;
    transport.on(kStsRoute, awstest::refused("Connection reset by peer"));
    transport.on(kStsRoute, http(200, answer("AssumeRole", kCredentials)));
    QuickRetry retry;
    EXPECT_EQ(assume(transport, retry.control).credentials.access_key_id, "ASIASTS000000001");
    EXPECT_EQ(transport.sent.size(), 2u);
}

TEST(StsRetries, AStopRequestedWhileWaitingEndsTheCall) {
    awstest::ScriptedTransport transport;
    transport.on(kStsRoute, http(503, "Service Unavailable"));
    QuickRetry retry;
    auto stop = std::make_shared<bool>(false);
    retry.control.stop_requested = [stop] { return *stop; };
    // Ctrl-C during the wait before the second attempt.
    retry.control.sleep = [stop](std::chrono::milliseconds, const std::function<bool()>&) {
        *stop = true;
    };
    EXPECT_EQ(
        assume_error(transport, retry.control),
        std::string("STS AssumeRole for ") + kRoleArn + ": stopped before the request was sent");
    EXPECT_EQ(transport.sent.size(), 1u);
}

TEST(StsRetries, StsCodesAreClassifiedForWebIdentity) {
    struct Case {
        const char* name;
        std::string code;
        std::size_t requests;
    };
    const std::vector<Case> cases = {
        // The identity provider was out of reach: passing, though HTTP 400.
        {"idp_unreachable", "IDPCommunicationError", QuickRetry::kMaxAttempts},
        {"bad_token", "InvalidIdentityToken", 1},
        {"expired_token", "ExpiredTokenException", 1},
        {"rejected_claim", "IDPRejectedClaim", 1},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        awstest::ScriptedTransport transport;
        transport.on(kStsRoute, http(400, error_document(c.code, "no")));
        aws::AssumeRoleParams params;
        params.role_arn = kRoleArn;
        try {
            (void)aws::assume_role_with_web_identity(transport, QuickRetry().control,
                                                     aws::sts_endpoint("", "eu-west-1"),
                                                     "eyJ.token.sig", params);
            FAIL() << "expected CredentialsError";
        } catch (const CredentialsError& error) {
            EXPECT_EQ(error.message, "STS AssumeRoleWithWebIdentity for " + std::string(kRoleArn) +
                                         " failed: " + c.code + ": no (HTTP 400)");
        }
        EXPECT_EQ(transport.sent.size(), c.requests);
    }
}

// A 200 that holds no credentials is STS's final word, not a passing failure.
TEST(StsRetries, AnAnswerWithoutCredentialsIsNotRetried) {
    awstest::ScriptedTransport transport;
    transport.on(kStsRoute, http(200, "<html/>"));
    EXPECT_NE(assume_error(transport, QuickRetry().control).find("no credentials"),
              std::string::npos);
    EXPECT_EQ(transport.sent.size(), 1u);
}

}  // namespace
