// Unit tests for src/s3/client.hpp with the shared fake transport, which
// records every request and answers from a queue of canned responses.
#include "s3/client.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../net/fake_transport.hpp"
#include "s3/errors.hpp"

namespace {

using aws::ErrorKind;
using aws::ServiceError;
using net::HttpRequest;

std::optional<std::string> header(const HttpRequest& request, const std::string& lower_name) {
    for (const auto& [name, value] : request.headers) {
        std::string lowered = name;
        for (auto& ch : lowered)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lowered == lower_name) return value;
    }
    return std::nullopt;
}

// Splits "a=1&b=2" into its parameters, in order, still encoded.
std::vector<std::pair<std::string, std::string>> query_params(const std::string& query) {
    std::vector<std::pair<std::string, std::string>> params;
    std::size_t pos = 0;
    while (pos <= query.size() && !query.empty()) {
        auto end = query.find('&', pos);
        if (end == std::string::npos) end = query.size();
        const auto part = query.substr(pos, end - pos);
        const auto eq = part.find('=');
        params.emplace_back(part.substr(0, eq),
                            eq == std::string::npos ? std::string() : part.substr(eq + 1));
        pos = end + 1;
    }
    return params;
}

std::optional<std::string> param(const std::string& query, const std::string& name) {
    for (const auto& [key, value] : query_params(query)) {
        if (key == name) return value;
    }
    return std::nullopt;
}

// Independent of aws::crypto: straight from libcrypto.
std::string base64_md5(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
    unsigned char out[64];
    const int n = EVP_EncodeBlock(out, digest, static_cast<int>(length));
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
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

// 2026-11-20T14:03:00Z
std::chrono::system_clock::time_point fixed_now() {
    return std::chrono::system_clock::time_point{std::chrono::seconds{1795183380}};
}

std::shared_ptr<aws::CredentialsProvider> static_credentials(std::string session_token = "") {
    return std::make_shared<aws::StaticProvider>(
        aws::sigv4::Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                std::move(session_token)},
        "test");
}

struct Harness {
    explicit Harness(const std::string& endpoint_url = "http://127.0.0.1:9000",
                     const std::string& bucket = "my-bucket", std::string session_token = "",
                     const std::string& region = "eu-west-1",
                     s3::AddressingStyle addressing = s3::AddressingStyle::kAuto)
        : transport(std::make_shared<nettest::FakeTransport>()),
          client(s3::ClientConfig{bucket, region, endpoint_url, addressing,
                                  static_credentials(std::move(session_token))},
                 transport, fixed_now) {
        client.on_notice = [this](const std::string& notice) { notices.push_back(notice); };
        // One attempt unless a test says otherwise: most tests here are about
        // what a single answer becomes. Waits are recorded, never slept.
        client.retry.policy.max_attempts = 1;
        client.retry.random01 = [] { return 0.5; };
        client.retry.sleep = [this](std::chrono::milliseconds delay, const std::function<bool()>&) {
            sleeps.push_back(delay);
        };
    }

    std::shared_ptr<nettest::FakeTransport> transport;
    s3::Client client;
    std::vector<std::string> notices;
    std::vector<std::chrono::milliseconds> sleeps;
};

const char* kEmptyList = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                         R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
                         "<Name>my-bucket</Name><EncodingType>url</EncodingType>"
                         "<IsTruncated>false</IsTruncated></ListBucketResult>";

// ------------------------------------------------------------- resolve_endpoint

TEST(ClientResolveEndpoint, Table) {
    struct Case {
        const char* name;
        std::string endpoint_url;
        std::string region;
        std::string bucket;
        std::string scheme;
        std::string host;
        std::string base_path;
        bool path_style;
    };
    const std::vector<Case> cases = {
        {"aws_virtual_host", "", "eu-west-1", "my-bucket", "https",
         "my-bucket.s3.eu-west-1.amazonaws.com", "", false},
        {"aws_us_east_1", "", "us-east-1", "site", "https", "site.s3.us-east-1.amazonaws.com", "",
         false},
        {"aws_dotted_bucket_path_style", "", "eu-west-1", "www.example.com", "https",
         "s3.eu-west-1.amazonaws.com", "", true},
        {"custom_http_ip_port", "http://127.0.0.1:9000", "us-east-1", "my-bucket", "http",
         "127.0.0.1:9000", "", true},
        {"custom_trailing_slash", "http://127.0.0.1:9000/", "us-east-1", "my-bucket", "http",
         "127.0.0.1:9000", "", true},
        {"custom_https_with_path", "https://gateway.example.com/s3/", "us-east-1", "b-1", "https",
         "gateway.example.com", "/s3", true},
        {"custom_upper_scheme", "HTTPS://minio.local", "us-east-1", "b-1", "https", "minio.local",
         "", true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto endpoint = s3::resolve_endpoint(c.endpoint_url, c.region, c.bucket);
        EXPECT_EQ(endpoint.scheme, c.scheme);
        EXPECT_EQ(endpoint.host, c.host);
        EXPECT_EQ(endpoint.base_path, c.base_path);
        EXPECT_EQ(endpoint.path_style, c.path_style);
    }
}

TEST(ClientResolveEndpoint, BadEndpointsThrowInvalidArgument) {
    const std::vector<std::string> bad = {"ftp://example.com", "127.0.0.1:9000", "example.com",
                                          "http://",           "file:///tmp/x",  "s3://bucket"};
    for (const auto& url : bad) {
        SCOPED_TRACE(url);
        EXPECT_THROW((void)s3::resolve_endpoint(url, "us-east-1", "my-bucket"),
                     std::invalid_argument);
    }
}

// ---------------------------------------------------------------- list_objects_v2

TEST(ClientListObjectsV2, SendsSignedPathStyleGet) {
    Harness h;
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("sites/app/", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& request = h.transport->sent[0];
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.scheme, "http");
    EXPECT_EQ(request.host, "127.0.0.1:9000");
    EXPECT_EQ(request.path, "/my-bucket/");
    EXPECT_EQ(param(request.query, "list-type"), "2");
    EXPECT_EQ(param(request.query, "encoding-type"), "url");
    EXPECT_EQ(param(request.query, "prefix"), "sites%2Fapp%2F");
    EXPECT_EQ(param(request.query, "delimiter"), "%2F");
    EXPECT_EQ(param(request.query, "max-keys"), "1000");
    EXPECT_FALSE(param(request.query, "continuation-token").has_value());
    EXPECT_TRUE(request.body.empty());

    const auto authorization = header(request, "authorization");
    ASSERT_TRUE(authorization.has_value());
    EXPECT_EQ(authorization->rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261120/eu-west-1/s3/"
                                   "aws4_request, SignedHeaders=",
                                   0),
              0u)
        << *authorization;
    EXPECT_NE(authorization->find("host"), std::string::npos);
    EXPECT_NE(authorization->find("x-amz-content-sha256"), std::string::npos);
    EXPECT_NE(authorization->find("x-amz-date"), std::string::npos);
    EXPECT_NE(authorization->find("Signature="), std::string::npos);
    EXPECT_EQ(header(request, "x-amz-content-sha256"), hex_sha256(""));
    EXPECT_EQ(header(request, "x-amz-date"), "20261120T140300Z");
    EXPECT_FALSE(header(request, "x-amz-security-token").has_value());
    EXPECT_EQ(h.client.counts().list.load(), 1);
}

TEST(ClientListObjectsV2, QueryEncodingTable) {
    struct Case {
        std::string prefix;
        std::string delimiter;
        std::string token;
        std::optional<std::string> prefix_wire;
        std::optional<std::string> delimiter_wire;
        std::optional<std::string> token_wire;
    };
    const std::vector<Case> cases = {
        {"", "", "", std::nullopt, std::nullopt, std::nullopt},
        {"a b+c/", "", "", "a%20b%2Bc%2F", std::nullopt, std::nullopt},
        {"caf\xC3\xA9/", "/", "", "caf%C3%A9%2F", "%2F", std::nullopt},
        {"x&y=z/", "", "1ueGcx/Rx1T+w=", "x%26y%3Dz%2F", std::nullopt, "1ueGcx%2FRx1T%2Bw%3D"},
        {"~unreserved-._/", "", "", "~unreserved-._%2F", std::nullopt, std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.prefix + " | " + c.token);
        Harness h;
        h.transport->answer(200, kEmptyList);
        (void)h.client.list_objects_v2(c.prefix, c.delimiter, c.token, 250);
        ASSERT_EQ(h.transport->sent.size(), 1u);
        const auto& query = h.transport->sent[0].query;
        EXPECT_EQ(param(query, "prefix"), c.prefix_wire) << query;
        EXPECT_EQ(param(query, "delimiter"), c.delimiter_wire) << query;
        EXPECT_EQ(param(query, "continuation-token"), c.token_wire) << query;
        EXPECT_EQ(param(query, "max-keys"), "250") << query;
        EXPECT_EQ(param(query, "encoding-type"), "url") << query;
        EXPECT_EQ(query.find(' '), std::string::npos) << query;
    }
}

TEST(ClientListObjectsV2, VirtualHostStyleOnAws) {
    Harness h("", "my-bucket");
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& request = h.transport->sent[0];
    EXPECT_EQ(request.scheme, "https");
    EXPECT_EQ(request.host, "my-bucket.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(request.path, "/");
}

TEST(ClientListObjectsV2, BasePathOfCustomEndpoint) {
    Harness h("https://gw.example.com/storage/", "my-bucket");
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "", "");
    ASSERT_EQ(h.transport->sent.size(), 1u);
    EXPECT_EQ(h.transport->sent[0].path, "/storage/my-bucket/");
}

TEST(ClientListObjectsV2, SessionTokenIsSent) {
    Harness h("http://127.0.0.1:9000", "my-bucket", "SESSION");
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "", "");
    ASSERT_EQ(h.transport->sent.size(), 1u);
    EXPECT_EQ(header(h.transport->sent[0], "x-amz-security-token"), "SESSION");
}

TEST(ClientListObjectsV2, ParsesThePage) {
    Harness h;
    h.transport->answer(
        200,
        "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
        "<NextContinuationToken>TOKEN</NextContinuationToken>"
        "<Contents><Key>sites%2Fa%20b</Key><LastModified>2026-11-20T14:03:00.000Z</LastModified>"
        "<ETag>&quot;x&quot;</ETag><Size>42</Size></Contents>"
        "<CommonPrefixes><Prefix>sites%2Fapp%2F</Prefix></CommonPrefixes></ListBucketResult>");
    const auto page = h.client.list_objects_v2("sites/", "/", "");
    ASSERT_EQ(page.objects.size(), 1u);
    EXPECT_EQ(page.objects[0].key, "sites/a b");
    EXPECT_EQ(page.objects[0].size, 42u);
    EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"sites/app/"}));
    EXPECT_TRUE(page.is_truncated);
    EXPECT_EQ(page.next_continuation_token, "TOKEN");
}

struct ErrorAnswerCase {
    const char* name;
    long status;
    std::string body;
    std::map<std::string, std::string> headers;
    ErrorKind kind;
    std::string code;
    std::string request_id;
};

void PrintTo(const ErrorAnswerCase& c, std::ostream* os) { *os << c.name; }

class ClientErrorAnswerTest : public ::testing::TestWithParam<ErrorAnswerCase> {};

TEST_P(ClientErrorAnswerTest, BecomesServiceError) {
    const auto& c = GetParam();
    Harness h;
    h.transport->answer(c.status, c.body, c.headers);
    try {
        (void)h.client.list_objects_v2("sites/", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, c.kind) << aws::to_string(error.kind);
        EXPECT_EQ(error.http_status, c.status);
        EXPECT_EQ(error.code, c.code);
        EXPECT_EQ(error.request_id, c.request_id);
        const std::string what = error.what();
        if (!c.code.empty()) {
            EXPECT_NE(what.find(c.code), std::string::npos) << what;
        }
        if (!c.request_id.empty()) {
            EXPECT_NE(what.find(c.request_id), std::string::npos) << what;
        }
        EXPECT_NE(what.find("my-bucket"), std::string::npos) << what;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClientErrorAnswerTest,
    ::testing::Values(
        ErrorAnswerCase{"no_such_bucket",
                        404,
                        "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not "
                        "exist</Message><RequestId>RID404</RequestId></Error>",
                        {{"x-amz-request-id", "HEADER-RID"}},
                        ErrorKind::kNotFound,
                        "NoSuchBucket",
                        "RID404"},
        ErrorAnswerCase{"access_denied",
                        403,
                        "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                        "<RequestId>RID403</RequestId></Error>",
                        {},
                        ErrorKind::kAccessDenied,
                        "AccessDenied",
                        "RID403"},
        ErrorAnswerCase{"signature",
                        403,
                        "<Error><Code>SignatureDoesNotMatch</Code><Message>x</Message>"
                        "<RequestId>RIDSIG</RequestId></Error>",
                        {},
                        ErrorKind::kAuth,
                        "SignatureDoesNotMatch",
                        "RIDSIG"},
        ErrorAnswerCase{"slow_down",
                        503,
                        "<Error><Code>SlowDown</Code><Message>Please reduce your request "
                        "rate.</Message><RequestId>RID503</RequestId></Error>",
                        {},
                        ErrorKind::kThrottled,
                        "SlowDown",
                        "RID503"},
        ErrorAnswerCase{"request_id_from_header",
                        500,
                        "<Error><Code>InternalError</Code><Message>x</Message></Error>",
                        {{"x-amz-request-id", "HEADER-RID"}},
                        ErrorKind::kServer,
                        "InternalError",
                        "HEADER-RID"},
        ErrorAnswerCase{"html_body_falls_back_on_status",
                        502,
                        "<html><body>Bad Gateway</body></html>",
                        {},
                        ErrorKind::kServer,
                        "",
                        ""},
        ErrorAnswerCase{"empty_body_403",
                        403,
                        "",
                        {{"x-amz-request-id", "R"}},
                        ErrorKind::kAccessDenied,
                        "",
                        "R"},
        ErrorAnswerCase{"garbage_200_is_bad_response",
                        200,
                        "<html>oops</html>",
                        {{"x-amz-request-id", "R200"}},
                        ErrorKind::kBadResponse,
                        "",
                        "R200"},
        ErrorAnswerCase{"truncated_without_token_is_bad_response",
                        200,
                        "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
                        {},
                        ErrorKind::kBadResponse,
                        "",
                        ""}),
    [](const ::testing::TestParamInfo<ErrorAnswerCase>& case_info) {
        return std::string(case_info.param.name);
    });

// A web server (or a captive portal, or a proxy's error page) is no S3: the
// message says so, names the endpoint to check, and states the status once.
TEST(ClientErrorAnswer, WithoutErrorDocumentAsksWhetherTheEndpointIsS3) {
    struct Case {
        const char* name;
        long status;
        std::string body;
        std::map<std::string, std::string> headers;
        std::string what;
    };
    const std::string request =
        " [GET s3://my-bucket/?list-type=2&encoding-type=url&max-keys=1000]";
    const Case cases[] = {
        {"html 404",
         404,
         "<html><body>Not Found</body></html>",
         {{"content-type", "text/html; charset=utf-8"}},
         "the endpoint answered HTTP 404 with no S3 error document (text/html): is "
         "http://127.0.0.1:9000 an S3 endpoint?" +
             request},
        {"no content type",
         404,
         "Not Found",
         {},
         "the endpoint answered HTTP 404 with no S3 error document: is http://127.0.0.1:9000 an "
         "S3 endpoint?" +
             request},
        {"empty 403 with a request id",
         403,
         "",
         {{"x-amz-request-id", "R"}},
         "the endpoint answered HTTP 403 with no S3 error document (empty body): is "
         "http://127.0.0.1:9000 an S3 endpoint? (request id R)" +
             request},
        {"5xx: no question",
         502,
         "<html>Bad Gateway</html>",
         {{"content-type", "text/html"}},
         "the endpoint answered HTTP 502 with no S3 error document (text/html)" + request},
    };
    for (const auto& c : cases) {
        Harness h;
        h.transport->answer(c.status, c.body, c.headers);
        try {
            (void)h.client.list_objects_v2("", "", "");
            ADD_FAILURE() << c.name << ": expected ServiceError";
        } catch (const ServiceError& error) {
            EXPECT_EQ(error.what(), c.what) << c.name;
            EXPECT_EQ(error.kind, s3::classify("", c.status)) << c.name;
            EXPECT_EQ(error.http_status, c.status) << c.name;
            EXPECT_EQ(error.code, "") << c.name;
        }
    }
}

TEST(ClientErrorAnswer, WithoutErrorDocumentOnAwsNamesTheHost) {
    Harness h("", "my-bucket");
    h.transport->answer(404, "<html></html>", {{"content-type", "text/html"}});
    try {
        (void)h.client.get_bucket_versioning();
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "the endpoint answered HTTP 404 with no S3 error document (text/html): is "
                  "https://my-bucket.s3.eu-west-1.amazonaws.com an S3 endpoint? "
                  "[GET s3://my-bucket/?versioning]");
    }
}

// ------------------------------------------------------------- retries

TEST(ClientRetries, RetryableFailuresAreTriedAgainUntilSuccess) {
    Harness h;
    h.client.retry.policy.max_attempts = 8;
    h.transport->answer(503, "<Error><Code>SlowDown</Code></Error>");
    h.transport->fail("Connection reset by peer");
    h.transport->answer(500, "<Error><Code>InternalError</Code></Error>");
    h.transport->answer(502, "<html>Bad Gateway</html>");
    h.transport->answer(200, "<ListBucketResult><IsTruncated>false</IsTruncated>");  // cut short
    h.transport->answer(200, kEmptyList);
    EXPECT_NO_THROW((void)h.client.list_objects_v2("", "/", ""));
    ASSERT_EQ(h.transport->sent.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(h.transport->sent[i].attempt, int(i) + 1);
    EXPECT_EQ(h.client.counts().list.load(), 1);
    EXPECT_EQ(h.client.counts().retries.load(), 5);
    // Full jitter at 0.5 of 100, 200, 400, 800, 1600 ms, plus the throttle's gaps
    // after the SlowDown (recovering with each later answer).
    std::vector<std::chrono::milliseconds> backoffs;
    for (auto d : h.sleeps) {
        if (d == std::chrono::milliseconds(100) || d == std::chrono::milliseconds(200) ||
            d == std::chrono::milliseconds(400) || d == std::chrono::milliseconds(800)) {
            backoffs.push_back(d);
        }
    }
    EXPECT_GE(backoffs.size(), 4u);
}

TEST(ClientRetries, EachAttemptIsSignedAfresh) {
    Harness h;
    h.client.retry.policy.max_attempts = 2;
    h.transport->answer(500, "<Error><Code>InternalError</Code></Error>");
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 2u);
    EXPECT_TRUE(header(h.transport->sent[1], "authorization").has_value());
    EXPECT_EQ(h.transport->sent[0].path, h.transport->sent[1].path);
    EXPECT_EQ(h.transport->sent[0].query, h.transport->sent[1].query);
}

TEST(ClientRetries, PermissionAndValidationErrorsAreNeverRetried) {
    for (const char* body : {"<Error><Code>AccessDenied</Code></Error>",
                             "<Error><Code>SignatureDoesNotMatch</Code></Error>",
                             "<Error><Code>NoSuchBucket</Code></Error>",
                             "<Error><Code>InvalidArgument</Code></Error>"}) {
        SCOPED_TRACE(body);
        Harness h;
        h.client.retry.policy.max_attempts = 8;
        h.transport->answer(std::string(body).find("NoSuch") != std::string::npos ? 404 : 403,
                            body);
        EXPECT_THROW((void)h.client.list_objects_v2("", "/", ""), ServiceError);
        EXPECT_EQ(h.transport->sent.size(), 1u);
        EXPECT_EQ(h.client.counts().retries.load(), 0);
    }
}

TEST(ClientRetries, GivesUpAfterMaxAttemptsWithTheLastError) {
    Harness h;
    h.client.retry.policy.max_attempts = 3;
    for (int i = 0; i < 5; ++i)
        h.transport->answer(500, "<Error><Code>InternalError</Code></Error>");
    try {
        (void)h.client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.code, "InternalError");
    }
    EXPECT_EQ(h.transport->sent.size(), 3u);
    EXPECT_EQ(h.client.counts().retries.load(), 2);
}

TEST(ClientRetries, RetryAfterIsHonoured) {
    Harness h;
    h.client.retry.policy.max_attempts = 2;
    h.transport->answer(503, "<Error><Code>ServiceUnavailable</Code></Error>",
                        {{"retry-after", "7"}});
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    EXPECT_NE(std::find(h.sleeps.begin(), h.sleeps.end(), std::chrono::milliseconds(7000)),
              h.sleeps.end());
}

TEST(ClientRetries, ASlowDownSlowsTheSharedThrottle) {
    Harness h;
    h.client.retry.policy.max_attempts = 2;
    h.transport->answer(503, "<Error><Code>SlowDown</Code></Error>");
    h.transport->answer(200, kEmptyList);
    EXPECT_EQ(h.client.retry.throttle->interval(), std::chrono::milliseconds(0));
    (void)h.client.list_objects_v2("", "/", "");
    // Widened by the SlowDown, then recovering by one step on the success.
    EXPECT_GT(h.client.retry.throttle->interval(), std::chrono::milliseconds(0));
    EXPECT_LT(h.client.retry.throttle->interval(), aws::Throttle::kFirstGap);
}

TEST(ClientRetries, AStopRequestEndsTheRetriesWithCancelled) {
    Harness h;
    h.client.retry.policy.max_attempts = 8;
    bool stop = false;
    h.client.retry.stop_requested = [&stop] { return stop; };
    h.client.retry.sleep = [&stop](std::chrono::milliseconds, const std::function<bool()>&) {
        stop = true;  // Ctrl-C arrives during the backoff
    };
    h.transport->answer(500, "<Error><Code>InternalError</Code></Error>");
    h.transport->answer(200, kEmptyList);
    try {
        (void)h.client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kCancelled);
        EXPECT_FALSE(aws::is_retryable(error.kind));
    }
    EXPECT_EQ(h.transport->sent.size(), 1u);
}

TEST(ClientListObjectsV2, TransportFailureIsTransportError) {
    Harness h;
    h.transport->fail("Couldn't connect to server");
    try {
        (void)h.client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kTransport);
        EXPECT_EQ(error.http_status, 0);
        EXPECT_EQ(error.code, "");
        EXPECT_EQ(error.message, "Couldn't connect to server");
        EXPECT_TRUE(aws::is_retryable(error.kind));
        EXPECT_NE(std::string(error.what()).find("Couldn't connect"), std::string::npos);
    }
}

TEST(ClientListObjectsV2, AnUntrustedCertificateIsNeverRetried) {
    Harness h;
    h.client.retry.policy.max_attempts = 8;
    h.transport->fail("cannot verify the TLS certificate of 127.0.0.1:9000: unknown CA", true);
    try {
        (void)h.client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kUntrustedCertificate);
        EXPECT_FALSE(aws::is_retryable(error.kind));
        EXPECT_EQ(error.http_status, 0);
    }
    EXPECT_EQ(h.transport->sent.size(), 1u);
    EXPECT_EQ(h.client.counts().retries.load(), 0);
}

// ------------------------------------------------------------ bucket owner

// The Harness's client, with --expected-bucket-owner 111122223333.
s3::ClientConfig owner_checked_config() {
    s3::ClientConfig config{"my-bucket", "eu-west-1", "http://127.0.0.1:9000",
                            s3::AddressingStyle::kAuto, static_credentials()};
    config.expected_bucket_owner = "111122223333";
    return config;
}

TEST(ClientExpectedBucketOwner, EveryRequestCarriesTheSignedHeader) {
    auto transport = std::make_shared<nettest::FakeTransport>();
    s3::Client client(owner_checked_config(), transport, fixed_now);
    client.retry.policy.max_attempts = 1;
    transport->answer(200, kEmptyList);
    transport->answer(200, R"(<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)");
    (void)client.list_objects_v2("", "/", "");
    const std::vector<std::string> keys{"d1/a"};
    (void)client.delete_objects(keys);
    ASSERT_EQ(transport->sent.size(), 2u);
    for (const auto& request : transport->sent) {
        EXPECT_EQ(header(request, "x-amz-expected-bucket-owner"), "111122223333");
        const auto authorization = header(request, "authorization");
        ASSERT_TRUE(authorization.has_value());
        EXPECT_NE(authorization->find("x-amz-expected-bucket-owner"), std::string::npos)
            << "signed: " << *authorization;
    }
}

TEST(ClientExpectedBucketOwner, AccessDeniedSaysTheBucketMayBeAnothersAndIsNotRetried) {
    auto transport = std::make_shared<nettest::FakeTransport>();
    s3::Client client(owner_checked_config(), transport, fixed_now);
    client.retry.policy.max_attempts = 8;
    transport->answer(403,
                      "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                      "<RequestId>R1</RequestId></Error>");
    try {
        (void)client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kAccessDenied);
        EXPECT_EQ(error.code, "AccessDenied");
        EXPECT_EQ(error.message,
                  "Access Denied: s3://my-bucket is not owned by account 111122223333 "
                  "(--expected-bucket-owner), or this identity may not access it");
        EXPECT_EQ(error.request_id, "R1");
    }
    EXPECT_EQ(transport->sent.size(), 1u);
}

TEST(ClientExpectedBucketOwner, NotSentWhenNotAsked) {
    Harness h;
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    EXPECT_FALSE(header(h.transport->sent[0], "x-amz-expected-bucket-owner").has_value());
}

// ------------------------------------------------------------ clock skew

TEST(ClientClockSkew, ARequestRefusedForItsTimeIsSignedAgainWithTheServersTime) {
    Harness h;
    h.client.retry.policy.max_attempts = 3;
    h.client.retry.wall_clock = fixed_now;
    std::vector<std::string> notices;
    h.client.retry.notice = [&](const std::string& line) { notices.push_back(line); };
    // The server's clock is an hour ahead: 2026-11-20T15:03:00Z.
    h.transport->answer(403,
                        "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between "
                        "the request time and the current time is too large.</Message></Error>",
                        {{"date", "Fri, 20 Nov 2026 15:03:00 GMT"}});
    h.transport->answer(200, kEmptyList);
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    (void)h.client.list_objects_v2("", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 3u);
    EXPECT_EQ(header(h.transport->sent[0], "x-amz-date"), "20261120T140300Z");
    EXPECT_EQ(header(h.transport->sent[1], "x-amz-date"), "20261120T150300Z");
    EXPECT_EQ(header(h.transport->sent[2], "x-amz-date"), "20261120T150300Z") << "and stays";
    EXPECT_TRUE(h.sleeps.empty()) << "no backoff";
    EXPECT_EQ(h.client.counts().retries.load(), 1);
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_NE(notices[0].find("3600 s behind"), std::string::npos) << notices[0];
}

// ------------------------------------------------------------ delete_objects

std::vector<std::string> keys_in(const std::string& body) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(body.c_str(), pugi::parse_default | pugi::parse_ws_pcdata));
    std::vector<std::string> keys;
    for (auto object : doc.child("Delete").children("Object")) {
        keys.emplace_back(object.child_value("Key"));
    }
    return keys;
}

TEST(ClientDeleteObjects, SendsPostWithContentMd5) {
    Harness h;
    h.transport->answer(200, "<DeleteResult></DeleteResult>");
    const std::vector<std::string> keys{"sites/app/a.html", "sites/app/a&b <c>.html",
                                        "sites/app/caf\xC3\xA9"};
    const auto result = h.client.delete_objects(keys);
    EXPECT_TRUE(result.errors.empty());
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& request = h.transport->sent[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.path, "/my-bucket/");
    EXPECT_EQ(request.query, "delete=");
    ASSERT_FALSE(request.body.empty());
    EXPECT_EQ(keys_in(request.body), keys);
    EXPECT_NE(request.body.find("<Quiet>true</Quiet>"), std::string::npos) << request.body;

    const auto md5 = header(request, "content-md5");
    ASSERT_TRUE(md5.has_value());
    EXPECT_EQ(*md5, base64_md5(request.body));
    EXPECT_EQ(md5->size(), 24u);
    // The signed Content-MD5 fixes the body: its SHA-256 is not computed too.
    EXPECT_EQ(header(request, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
    EXPECT_EQ(header(request, "content-type"), "application/xml");
    const auto authorization = header(request, "authorization");
    ASSERT_TRUE(authorization.has_value());
    EXPECT_NE(authorization->find("content-md5"), std::string::npos) << *authorization;
    EXPECT_NE(authorization->find("x-amz-content-sha256"), std::string::npos) << *authorization;
    EXPECT_EQ(h.client.counts().del.load(), 1);
}

TEST(ClientDeleteObjects, ParsesPerKeyErrors) {
    Harness h;
    h.transport->answer(
        200, R"(<?xml version="1.0" encoding="UTF-8"?>)"
             R"(<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
             "<Error><Key>sites/app/a.html</Key><Code>AccessDenied</Code><Message>Access "
             "Denied</Message></Error>"
             "<Error><Key>sites/app/b.html</Key><Code>InternalError</Code><Message>try "
             "again</Message></Error></DeleteResult>");
    const auto result =
        h.client.delete_objects({"sites/app/a.html", "sites/app/b.html", "sites/app/c.html"});
    EXPECT_TRUE(result.deleted.empty());
    ASSERT_EQ(result.errors.size(), 2u);
    EXPECT_EQ(result.errors[0].key, "sites/app/a.html");
    EXPECT_EQ(result.errors[0].code, "AccessDenied");
    EXPECT_EQ(result.errors[0].message, "Access Denied");
    EXPECT_EQ(result.errors[1].key, "sites/app/b.html");
    EXPECT_EQ(result.errors[1].code, "InternalError");
}

TEST(ClientDeleteObjects, WholeRequestErrorIsServiceError) {
    Harness h;
    h.transport->answer(400,
                        "<Error><Code>InvalidDigest</Code><Message>bad md5</Message>"
                        "<RequestId>RIDMD5</RequestId></Error>");
    try {
        (void)h.client.delete_objects({"k"});
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kInvalid);
        EXPECT_EQ(error.code, "InvalidDigest");
        EXPECT_EQ(error.request_id, "RIDMD5");
        EXPECT_EQ(error.http_status, 400);
    }
}

TEST(ClientDeleteObjects, UnparsableSuccessIsBadResponse) {
    Harness h;
    h.transport->answer(200, "<html>proxy</html>");
    try {
        (void)h.client.delete_objects({"k"});
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kBadResponse);
    }
}

// ------------------------------------------------------------- delete_object

TEST(ClientDeleteObject, KeyEncodingTable) {
    struct Case {
        std::string endpoint_url;
        std::string key;
        std::string path;
    };
    const std::vector<Case> cases = {
        {"http://127.0.0.1:9000", "sites/app/index.html", "/my-bucket/sites/app/index.html"},
        {"http://127.0.0.1:9000", "sites/app/a b.html", "/my-bucket/sites/app/a%20b.html"},
        {"http://127.0.0.1:9000", "sites/app/a+b.html", "/my-bucket/sites/app/a%2Bb.html"},
        {"http://127.0.0.1:9000", "ctl\x01key", "/my-bucket/ctl%01key"},
        {"http://127.0.0.1:9000", "caf\xC3\xA9", "/my-bucket/caf%C3%A9"},
        {"http://127.0.0.1:9000", "q?x=1&y#z", "/my-bucket/q%3Fx%3D1%26y%23z"},
        {"http://127.0.0.1:9000", "pct%20", "/my-bucket/pct%2520"},
        {"http://127.0.0.1:9000", "~-._", "/my-bucket/~-._"},
        {"", "sites/app/a b+c", "/sites/app/a%20b%2Bc"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.key);
        Harness h(c.endpoint_url);
        h.transport->answer(204, "");
        h.client.delete_object(c.key);
        ASSERT_EQ(h.transport->sent.size(), 1u);
        const auto& request = h.transport->sent[0];
        EXPECT_EQ(request.method, "DELETE");
        EXPECT_EQ(request.path, c.path);
        EXPECT_EQ(request.query, "");
        EXPECT_TRUE(header(request, "authorization").has_value());
    }
}

TEST(ClientDeleteObject, ErrorIsServiceError) {
    Harness h;
    h.transport->answer(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>",
                        {{"x-amz-request-id", "RIDDEL"}});
    try {
        h.client.delete_object("sites/app/a.html");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kAccessDenied);
        EXPECT_EQ(error.request_id, "RIDDEL");
        EXPECT_NE(error.request.find("DELETE"), std::string::npos) << error.request;
        EXPECT_NE(error.request.find("sites/app/a.html"), std::string::npos) << error.request;
    }
}

// ---------------------------------------------------------- region redirect

std::string credential_scope(const HttpRequest& request) {
    const auto authorization = header(request, "authorization").value_or("");
    const std::string marker = "Credential=";
    const auto begin = authorization.find(marker);
    if (begin == std::string::npos) return "";
    const auto end = authorization.find(',', begin);
    return authorization.substr(begin + marker.size(), end - begin - marker.size());
}

const char* kPermanentRedirect =
    "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must "
    "be addressed using the specified endpoint.</Message>"
    "<Endpoint>my-bucket.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>my-bucket</Bucket>"
    "<Region>eu-west-1</Region><RequestId>RID301</RequestId></Error>";

const char* kHeaderMalformed =
    "<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is "
    "malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message>"
    "<Region>eu-west-1</Region><RequestId>RID400</RequestId></Error>";

TEST(ClientRegionRedirect, PermanentRedirectOnAwsResignsForTheBucketRegion) {
    Harness h("", "my-bucket", "", "us-east-1");
    h.transport->answer(301, kPermanentRedirect);
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("sites/", "/", "");

    ASSERT_EQ(h.transport->sent.size(), 2u);
    const auto& first = h.transport->sent[0];
    const auto& second = h.transport->sent[1];
    EXPECT_EQ(first.host, "my-bucket.s3.us-east-1.amazonaws.com");
    EXPECT_EQ(credential_scope(first), "AKIDEXAMPLE/20261120/us-east-1/s3/aws4_request");
    EXPECT_EQ(second.scheme, "https");
    EXPECT_EQ(second.host, "my-bucket.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(second.path, "/");
    EXPECT_EQ(second.query, first.query);
    EXPECT_EQ(credential_scope(second), "AKIDEXAMPLE/20261120/eu-west-1/s3/aws4_request");
    EXPECT_NE(header(first, "authorization"), header(second, "authorization"));
    EXPECT_EQ(h.client.region(), "eu-west-1");
    EXPECT_EQ(h.client.config().region, "us-east-1");  // the configuration is left as given

    ASSERT_EQ(h.notices.size(), 1u);
    EXPECT_NE(h.notices[0].find("my-bucket"), std::string::npos) << h.notices[0];
    EXPECT_NE(h.notices[0].find("eu-west-1"), std::string::npos) << h.notices[0];
    EXPECT_NE(h.notices[0].find("us-east-1"), std::string::npos) << h.notices[0];

    // Later requests go straight to the bucket's region, without another notice.
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("sites/", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 3u);
    EXPECT_EQ(h.transport->sent[2].host, "my-bucket.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(credential_scope(h.transport->sent[2]),
              "AKIDEXAMPLE/20261120/eu-west-1/s3/aws4_request");
    EXPECT_EQ(h.notices.size(), 1u);
    EXPECT_EQ(h.client.counts().list.load(), 2);
}

TEST(ClientRegionRedirect, PathStyleOnAwsMovesToTheRegionalHost) {
    // A dotted bucket goes path-style (auto), so the host is the bare regional one.
    Harness h("", "www.example.com", "", "us-east-1");
    h.transport->answer(301, kPermanentRedirect);
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 2u);
    EXPECT_EQ(h.transport->sent[0].host, "s3.us-east-1.amazonaws.com");
    EXPECT_EQ(h.transport->sent[1].host, "s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(h.transport->sent[1].path, "/www.example.com/");
    EXPECT_EQ(credential_scope(h.transport->sent[1]),
              "AKIDEXAMPLE/20261120/eu-west-1/s3/aws4_request");
    EXPECT_EQ(h.notices.size(), 1u);
}

TEST(ClientRegionRedirect, CustomEndpointKeepsItsHost) {
    Harness h("http://127.0.0.1:9000", "my-bucket", "", "us-east-1");
    h.transport->answer(301, kPermanentRedirect);
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 2u);
    for (const auto& request : h.transport->sent) {
        EXPECT_EQ(request.scheme, "http");
        EXPECT_EQ(request.host, "127.0.0.1:9000");
        EXPECT_EQ(request.path, "/my-bucket/");
    }
    EXPECT_EQ(credential_scope(h.transport->sent[0]),
              "AKIDEXAMPLE/20261120/us-east-1/s3/aws4_request");
    EXPECT_EQ(credential_scope(h.transport->sent[1]),
              "AKIDEXAMPLE/20261120/eu-west-1/s3/aws4_request");
    EXPECT_EQ(h.client.region(), "eu-west-1");
    EXPECT_EQ(h.notices.size(), 1u);
}

TEST(ClientRegionRedirect, AuthorizationHeaderMalformedWithRegion) {
    Harness h("", "my-bucket", "", "us-east-1");
    h.transport->answer(400, kHeaderMalformed);
    h.transport->answer(200, kEmptyList);
    (void)h.client.list_objects_v2("", "/", "");
    ASSERT_EQ(h.transport->sent.size(), 2u);
    EXPECT_EQ(h.transport->sent[1].host, "my-bucket.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(credential_scope(h.transport->sent[1]),
              "AKIDEXAMPLE/20261120/eu-west-1/s3/aws4_request");
    EXPECT_EQ(h.notices.size(), 1u);
}

TEST(ClientRegionRedirect, BucketRegionHeader) {
    struct Case {
        const char* name;
        long status;
        std::string body;
    };
    const std::vector<Case> cases = {
        {"301_without_body", 301, ""},
        {"400_without_region_in_body", 400,
         "<Error><Code>AuthorizationHeaderMalformed</Code><Message>x</Message></Error>"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        Harness h("", "my-bucket", "", "us-east-1");
        h.transport->answer(c.status, c.body, {{"x-amz-bucket-region", "ap-southeast-2"}});
        h.transport->answer(200, kEmptyList);
        (void)h.client.list_objects_v2("", "/", "");
        ASSERT_EQ(h.transport->sent.size(), 2u);
        EXPECT_EQ(h.transport->sent[1].host, "my-bucket.s3.ap-southeast-2.amazonaws.com");
        EXPECT_EQ(credential_scope(h.transport->sent[1]),
                  "AKIDEXAMPLE/20261120/ap-southeast-2/s3/aws4_request");
        EXPECT_EQ(h.client.region(), "ap-southeast-2");
        EXPECT_EQ(h.notices.size(), 1u);
    }
}

TEST(ClientRegionRedirect, SecondRedirectIsNotFollowed) {
    Harness h("", "my-bucket", "", "us-east-1");
    h.transport->answer(301, kPermanentRedirect);
    h.transport->answer(301,
                        "<Error><Code>PermanentRedirect</Code><Message>elsewhere</Message>"
                        "<Region>us-west-2</Region><RequestId>RID2</RequestId></Error>");
    h.transport->answer(200, kEmptyList);  // must not be reached
    try {
        (void)h.client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.http_status, 301);
        EXPECT_EQ(error.code, "PermanentRedirect");
        EXPECT_EQ(error.request_id, "RID2");
    }
    EXPECT_EQ(h.transport->sent.size(), 2u);
    EXPECT_EQ(h.notices.size(), 1u);
    EXPECT_EQ(h.client.region(), "eu-west-1");

    // Nor later, on another request: one move per client, never ping-pong.
    h.transport->clear_answers();
    h.transport->answer(301, "", {{"x-amz-bucket-region", "us-east-1"}});
    EXPECT_THROW((void)h.client.list_objects_v2("", "/", ""), ServiceError);
    EXPECT_EQ(h.transport->sent.size(), 3u);
    EXPECT_EQ(h.client.region(), "eu-west-1");
    EXPECT_EQ(h.notices.size(), 1u);
}

TEST(ClientRegionRedirect, RegionSameAsSignedIsAnError) {
    Harness h("", "my-bucket", "", "eu-west-1");
    h.transport->answer(301, kPermanentRedirect);  // names eu-west-1, where we already are
    try {
        (void)h.client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.http_status, 301);
        EXPECT_EQ(error.code, "PermanentRedirect");
    }
    EXPECT_EQ(h.transport->sent.size(), 1u);
    EXPECT_TRUE(h.notices.empty());
}

TEST(ClientRegionRedirect, ErrorsWithoutRegionAreNotRetried) {
    Harness h("", "my-bucket", "", "us-east-1");
    h.transport->answer(301, "<Error><Code>PermanentRedirect</Code><Message>x</Message></Error>");
    EXPECT_THROW((void)h.client.list_objects_v2("", "/", ""), ServiceError);
    EXPECT_EQ(h.transport->sent.size(), 1u);
    EXPECT_TRUE(h.notices.empty());
    EXPECT_EQ(h.client.region(), "us-east-1");
}

TEST(ClientRegionRedirect, DeleteObjectsResendsTheSameBody) {
    Harness h("", "my-bucket", "", "us-east-1");
    h.transport->answer(301, kPermanentRedirect);
    h.transport->answer(200, "<DeleteResult></DeleteResult>");
    (void)h.client.delete_objects({"sites/app/a.html", "sites/app/b.html"});
    ASSERT_EQ(h.transport->sent.size(), 2u);
    const auto& first = h.transport->sent[0];
    const auto& second = h.transport->sent[1];
    EXPECT_EQ(second.method, "POST");
    EXPECT_EQ(second.query, "delete=");
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(header(second, "content-md5"), base64_md5(second.body));
    EXPECT_EQ(header(second, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
    EXPECT_EQ(credential_scope(second), "AKIDEXAMPLE/20261120/eu-west-1/s3/aws4_request");
    EXPECT_EQ(h.client.counts().del.load(), 1);
}

TEST(ClientRegionRedirect, DeleteObjectFollowsToo) {
    Harness h("", "my-bucket", "", "us-east-1");
    h.transport->answer(400, kHeaderMalformed);
    h.transport->answer(204, "");
    h.client.delete_object("sites/app/a b.html");
    ASSERT_EQ(h.transport->sent.size(), 2u);
    EXPECT_EQ(h.transport->sent[1].method, "DELETE");
    EXPECT_EQ(h.transport->sent[1].host, "my-bucket.s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(h.transport->sent[1].path, "/sites/app/a%20b.html");
}

// ------------------------------------------------------------- credentials

class FailingProvider : public aws::CredentialsProvider {
public:
    aws::sigv4::Credentials current() override {
        throw aws::CredentialsError{"STS AssumeRole for arn:x failed: ExpiredToken"};
    }
    std::string source() const override { return "failing"; }
};

TEST(ClientCredentials, RenewalFailureIsAuthError) {
    auto transport = std::make_shared<nettest::FakeTransport>();
    s3::Client client(
        s3::ClientConfig{"my-bucket", "eu-west-1", "http://127.0.0.1:9000",
                         s3::AddressingStyle::kAuto, std::make_shared<FailingProvider>()},
        transport, fixed_now);
    try {
        (void)client.list_objects_v2("", "/", "");
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kAuth);
        EXPECT_FALSE(aws::is_retryable(error.kind));
        EXPECT_NE(error.message.find("ExpiredToken"), std::string::npos) << error.message;
    }
    EXPECT_TRUE(transport->sent.empty());
}

TEST(ClientCredentials, AskedForEveryRequest) {
    // The client never caches keys itself: a renewed key is used at once.
    struct Rotating : aws::CredentialsProvider {
        int calls = 0;
        aws::sigv4::Credentials current() override {
            ++calls;
            return {"AKIDROTATING" + std::to_string(calls), "SECRETROTATING", ""};
        }
        std::string source() const override { return "rotating"; }
    };
    auto provider = std::make_shared<Rotating>();
    auto transport = std::make_shared<nettest::FakeTransport>();
    s3::Client client(s3::ClientConfig{"my-bucket", "eu-west-1", "http://127.0.0.1:9000",
                                       s3::AddressingStyle::kAuto, provider},
                      transport, fixed_now);
    transport->answer(200, kEmptyList);
    transport->answer(200, kEmptyList);
    (void)client.list_objects_v2("", "/", "");
    (void)client.list_objects_v2("", "/", "");
    ASSERT_EQ(transport->sent.size(), 2u);
    EXPECT_EQ(credential_scope(transport->sent[0]).rfind("AKIDROTATING1/", 0), 0u);
    EXPECT_EQ(credential_scope(transport->sent[1]).rfind("AKIDROTATING2/", 0), 0u);
}

TEST(ClientResolveEndpoint, AddressingStyleIsHonoured) {
    Harness path("", "my-bucket", "", "eu-west-1", s3::AddressingStyle::kPath);
    path.transport->answer(200, kEmptyList);
    (void)path.client.list_objects_v2("", "", "");
    EXPECT_EQ(path.transport->sent.at(0).host, "s3.eu-west-1.amazonaws.com");
    EXPECT_EQ(path.transport->sent.at(0).path, "/my-bucket/");

    Harness virt("http://minio.local:9000", "my-bucket", "", "eu-west-1",
                 s3::AddressingStyle::kVirtual);
    virt.transport->answer(200, kEmptyList);
    (void)virt.client.list_objects_v2("", "", "");
    EXPECT_EQ(virt.transport->sent.at(0).host, "my-bucket.minio.local:9000");
    EXPECT_EQ(virt.transport->sent.at(0).path, "/");
}

// ------------------------------------------------------------- lifecycle

const char* kLifecycle =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
    "<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
    "<Expiration><Days>90</Days></Expiration></Rule></LifecycleConfiguration>";
const char* kNoLifecycle =
    "<Error><Code>NoSuchLifecycleConfiguration</Code><Message>The lifecycle configuration "
    "does not exist</Message><RequestId>RIDLC</RequestId></Error>";

TEST(ClientLifecycle, GetSendsGetLifecycleAndReturnsTheDocument) {
    Harness h;
    h.transport->answer(200, kLifecycle);
    const auto document = h.client.get_bucket_lifecycle();
    ASSERT_TRUE(document.has_value());
    EXPECT_EQ(*document, kLifecycle);
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& request = h.transport->sent[0];
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.path, "/my-bucket/");
    EXPECT_EQ(request.query, "lifecycle=");
    EXPECT_TRUE(request.body.empty());
    EXPECT_EQ(h.client.counts().other.load(), 1);
    EXPECT_EQ(h.client.counts().list.load(), 0);
    EXPECT_EQ(h.client.counts().del.load(), 0);
}

TEST(ClientLifecycle, NoSuchLifecycleConfigurationIsNone) {
    Harness h;
    h.client.retry.policy.max_attempts = 3;
    h.transport->answer(404, kNoLifecycle);
    EXPECT_EQ(h.client.get_bucket_lifecycle(), std::nullopt);
    EXPECT_EQ(h.transport->sent.size(), 1u);  // an answer, not tried again
    EXPECT_EQ(s3::classify("NoSuchLifecycleConfiguration", 200), ErrorKind::kNotFound);
}

TEST(ClientLifecycle, NoneIsToldByTheCodeAlone) {
    // Another 404, even with the words of the other: the bucket is missing.
    Harness h;
    h.transport->answer(404,
                        "<Error><Code>NoSuchBucket</Code><Message>The lifecycle configuration "
                        "does not exist</Message></Error>");
    try {
        (void)h.client.get_bucket_lifecycle();
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.code, "NoSuchBucket");
        EXPECT_EQ(error.kind, ErrorKind::kNotFound);
        EXPECT_EQ(error.request, "GET s3://my-bucket/?lifecycle");
    }
    Harness bare;
    bare.transport->answer(404, "", {});
    EXPECT_THROW((void)bare.client.get_bucket_lifecycle(), ServiceError);
}

TEST(ClientLifecycle, GetErrorsAreThrown) {
    Harness h;
    h.transport->answer(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
    try {
        (void)h.client.get_bucket_lifecycle();
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kAccessDenied);
        EXPECT_EQ(error.http_status, 403);
    }
}

TEST(ClientLifecycle, AnAnswerThatIsNoXmlIsTriedAgain) {
    Harness h;
    h.client.retry.policy.max_attempts = 2;
    h.transport->answer(200, "<LifecycleConfiguration><Rule>");  // cut short
    h.transport->answer(200, kLifecycle);
    EXPECT_EQ(h.client.get_bucket_lifecycle(), std::optional<std::string>(kLifecycle));
    EXPECT_EQ(h.transport->sent.size(), 2u);
    EXPECT_EQ(h.client.counts().other.load(), 1);
    EXPECT_EQ(h.client.counts().retries.load(), 1);
}

TEST(ClientLifecycle, XmlThatCannotBeCarriedBackIsTheCallersToRefuse) {
    Harness h;
    const std::string twice =
        R"(<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
        "<Rule><ID>a</ID></Rule><Rule><ID>a</ID></Rule></LifecycleConfiguration>";
    h.transport->answer(200, twice);
    EXPECT_EQ(h.client.get_bucket_lifecycle(), std::optional<std::string>(twice));
}

TEST(ClientLifecycle, PutSendsTheDocumentWithContentMd5) {
    Harness h;
    h.transport->answer(200, "");
    h.client.put_bucket_lifecycle(kLifecycle);
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& request = h.transport->sent[0];
    EXPECT_EQ(request.method, "PUT");
    EXPECT_EQ(request.path, "/my-bucket/");
    EXPECT_EQ(request.query, "lifecycle=");
    EXPECT_EQ(request.body, kLifecycle);
    const auto md5 = header(request, "content-md5");
    ASSERT_TRUE(md5.has_value());
    EXPECT_EQ(*md5, base64_md5(kLifecycle));
    EXPECT_EQ(md5->size(), 24u);
    EXPECT_EQ(header(request, "content-type"), "application/xml");
    EXPECT_EQ(header(request, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
    const auto authorization = header(request, "authorization");
    ASSERT_TRUE(authorization.has_value());
    EXPECT_NE(authorization->find("content-md5"), std::string::npos) << *authorization;
    EXPECT_EQ(h.client.counts().other.load(), 1);
}

TEST(ClientLifecycle, PutIsRetriedWithTheSameBody) {
    Harness h;
    h.client.retry.policy.max_attempts = 2;
    h.transport->answer(500, "<Error><Code>InternalError</Code></Error>");
    h.transport->answer(200, "");
    h.client.put_bucket_lifecycle(kLifecycle);
    ASSERT_EQ(h.transport->sent.size(), 2u);
    EXPECT_EQ(h.transport->sent[1].body, kLifecycle);
    EXPECT_EQ(header(h.transport->sent[1], "content-md5"), base64_md5(kLifecycle));
    EXPECT_EQ(h.client.counts().other.load(), 1);
    EXPECT_EQ(h.client.counts().retries.load(), 1);
}

TEST(ClientLifecycle, PutRefusedIsServiceError) {
    Harness h;
    h.client.retry.policy.max_attempts = 3;
    h.transport->answer(400, "<Error><Code>MalformedXML</Code><Message>bad</Message></Error>");
    try {
        h.client.put_bucket_lifecycle(kLifecycle);
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kInvalid);
        EXPECT_EQ(error.code, "MalformedXML");
        EXPECT_EQ(error.request, "PUT s3://my-bucket/?lifecycle");
    }
    EXPECT_EQ(h.transport->sent.size(), 1u);
}

TEST(ClientLifecycle, DeleteSendsDeleteLifecycle) {
    Harness h;
    h.transport->answer(204, "");
    h.client.delete_bucket_lifecycle();
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& request = h.transport->sent[0];
    EXPECT_EQ(request.method, "DELETE");
    EXPECT_EQ(request.path, "/my-bucket/");
    EXPECT_EQ(request.query, "lifecycle=");
    EXPECT_TRUE(request.body.empty());
    EXPECT_EQ(h.client.counts().other.load(), 1);
    EXPECT_EQ(h.client.counts().del.load(), 0);
}

TEST(ClientLifecycle, DeleteOfNoneIsDone) {
    Harness h;
    h.transport->answer(404, kNoLifecycle);
    EXPECT_NO_THROW(h.client.delete_bucket_lifecycle());
}

TEST(ClientLifecycle, DeleteErrorsAreThrown) {
    Harness h;
    h.transport->answer(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
    try {
        h.client.delete_bucket_lifecycle();
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kAccessDenied);
        EXPECT_EQ(error.request, "DELETE s3://my-bucket/?lifecycle");
    }
}

}  // namespace
