// Unit tests for src/aws/sts.hpp: the STS endpoint, the AssumeRole and
// AssumeRoleWithWebIdentity requests, and parsing their answers.
#include "aws/sts.hpp"

#include <gtest/gtest.h>

#include <chrono>
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
        transport, aws::sts_endpoint("http://127.0.0.1:4566", "eu-west-1"),
        {"AKIASOURCE000001", "SOURCESECRET01", "SOURCETOKEN01"}, params, fixed_now());
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
            (void)aws::assume_role(transport, aws::sts_endpoint("", "eu-west-1"),
                                   {"AKIASOURCE000002", "SOURCESECRET02", ""}, params, fixed_now());
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
    const auto out = aws::assume_role_with_web_identity(
        transport, aws::sts_endpoint("", "us-west-2"), "eyJhbGciOi.payload+/=.sig", params);
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

}  // namespace
