// Unit tests for src/s3/error.hpp: the one classification table and S3Error.
#include "s3/error.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace {

using s3::ErrorKind;

struct ClassifyCase {
    std::string code;
    long status;
    ErrorKind expected;
};

void PrintTo(const ClassifyCase& c, std::ostream* os) { *os << "'" << c.code << "' " << c.status; }

class ErrorClassifyTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(ErrorClassifyTest, Table) {
    const auto& c = GetParam();
    EXPECT_EQ(s3::classify(c.code, c.status), c.expected)
        << "code '" << c.code << "' status " << c.status << " gave "
        << s3::to_string(s3::classify(c.code, c.status)) << ", expected "
        << s3::to_string(c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    KnownCodes, ErrorClassifyTest,
    ::testing::Values(ClassifyCase{"SlowDown", 503, ErrorKind::kThrottled},
                      ClassifyCase{"Throttling", 400, ErrorKind::kThrottled},
                      ClassifyCase{"TooManyRequests", 429, ErrorKind::kThrottled},
                      ClassifyCase{"InternalError", 500, ErrorKind::kServer},
                      ClassifyCase{"ServiceUnavailable", 503, ErrorKind::kServer},
                      ClassifyCase{"RequestTimeout", 400, ErrorKind::kServer},
                      ClassifyCase{"AccessDenied", 403, ErrorKind::kAccessDenied},
                      ClassifyCase{"AllAccessDisabled", 403, ErrorKind::kAccessDenied},
                      ClassifyCase{"NoSuchBucket", 404, ErrorKind::kNotFound},
                      ClassifyCase{"NoSuchKey", 404, ErrorKind::kNotFound},
                      ClassifyCase{"SignatureDoesNotMatch", 403, ErrorKind::kAuth},
                      ClassifyCase{"InvalidAccessKeyId", 403, ErrorKind::kAuth},
                      ClassifyCase{"ExpiredToken", 400, ErrorKind::kAuth},
                      ClassifyCase{"InvalidBucketName", 400, ErrorKind::kInvalid},
                      ClassifyCase{"MalformedXML", 400, ErrorKind::kInvalid},
                      ClassifyCase{"InvalidDigest", 400, ErrorKind::kInvalid},
                      // The code wins over the status it arrived with.
                      ClassifyCase{"AccessDenied", 500, ErrorKind::kAccessDenied},
                      ClassifyCase{"SlowDown", 0, ErrorKind::kThrottled},
                      ClassifyCase{"NoSuchBucket", 200, ErrorKind::kNotFound}));

INSTANTIATE_TEST_SUITE_P(
    UnknownCodeFallsBackOnStatus, ErrorClassifyTest,
    ::testing::Values(
        ClassifyCase{"", 503, ErrorKind::kThrottled}, ClassifyCase{"", 429, ErrorKind::kThrottled},
        ClassifyCase{"", 500, ErrorKind::kServer}, ClassifyCase{"", 502, ErrorKind::kServer},
        ClassifyCase{"", 504, ErrorKind::kServer}, ClassifyCase{"", 401, ErrorKind::kAuth},
        ClassifyCase{"", 403, ErrorKind::kAccessDenied},
        ClassifyCase{"", 404, ErrorKind::kNotFound}, ClassifyCase{"", 400, ErrorKind::kInvalid},
        ClassifyCase{"", 409, ErrorKind::kInvalid}, ClassifyCase{"", 0, ErrorKind::kTransport},
        ClassifyCase{"", 200, ErrorKind::kOther}, ClassifyCase{"", 301, ErrorKind::kOther},
        ClassifyCase{"SomethingNew", 503, ErrorKind::kThrottled},
        ClassifyCase{"SomethingNew", 500, ErrorKind::kServer},
        ClassifyCase{"SomethingNew", 403, ErrorKind::kAccessDenied},
        ClassifyCase{"SomethingNew", 404, ErrorKind::kNotFound},
        ClassifyCase{"SomethingNew", 0, ErrorKind::kTransport},
        // Codes are case-sensitive: a lookalike is unknown.
        ClassifyCase{"slowdown", 400, ErrorKind::kInvalid},
        ClassifyCase{"accessdenied", 404, ErrorKind::kNotFound}));

TEST(ErrorIsRetryable, Table) {
    struct Case {
        ErrorKind kind;
        bool retryable;
    };
    const Case cases[] = {
        {ErrorKind::kNotFound, false}, {ErrorKind::kAccessDenied, false},
        {ErrorKind::kAuth, false},     {ErrorKind::kInvalid, false},
        {ErrorKind::kThrottled, true}, {ErrorKind::kServer, true},
        {ErrorKind::kTransport, true}, {ErrorKind::kBadResponse, true},
        {ErrorKind::kOther, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(s3::to_string(c.kind));
        EXPECT_EQ(s3::is_retryable(c.kind), c.retryable);
    }
}

TEST(ErrorToString, EveryKindHasADistinctName) {
    const ErrorKind kinds[] = {ErrorKind::kNotFound,  ErrorKind::kAccessDenied, ErrorKind::kAuth,
                               ErrorKind::kInvalid,   ErrorKind::kThrottled,    ErrorKind::kServer,
                               ErrorKind::kTransport, ErrorKind::kBadResponse,  ErrorKind::kOther};
    std::set<std::string> names;
    for (auto kind : kinds) {
        const std::string name = s3::to_string(kind);
        EXPECT_FALSE(name.empty());
        names.insert(name);
    }
    EXPECT_EQ(names.size(), std::size(kinds));
    EXPECT_STREQ(s3::to_string(ErrorKind::kThrottled), "throttled");
    EXPECT_STREQ(s3::to_string(ErrorKind::kAccessDenied), "access denied");
    EXPECT_STREQ(s3::to_string(ErrorKind::kNotFound), "not found");
}

TEST(ErrorS3Error, WhatNamesCodeStatusAndRequestId) {
    const s3::S3Error error(ErrorKind::kNotFound, 404, "NoSuchBucket",
                            "The specified bucket does not exist", "4442587FB7D0A2F9",
                            "GET s3://my-bucket/?list-type=2");
    const std::string what = error.what();
    EXPECT_NE(what.find("NoSuchBucket"), std::string::npos) << what;
    EXPECT_NE(what.find("The specified bucket does not exist"), std::string::npos) << what;
    EXPECT_NE(what.find("HTTP 404"), std::string::npos) << what;
    EXPECT_NE(what.find("4442587FB7D0A2F9"), std::string::npos) << what;
    EXPECT_NE(what.find("GET s3://my-bucket/?list-type=2"), std::string::npos) << what;
    EXPECT_EQ(error.kind, ErrorKind::kNotFound);
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.code, "NoSuchBucket");
    EXPECT_EQ(error.message, "The specified bucket does not exist");
    EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");
    EXPECT_EQ(error.request, "GET s3://my-bucket/?list-type=2");
}

TEST(ErrorS3Error, WhatTable) {
    struct Case {
        long status;
        std::string code;
        std::string message;
        std::string request_id;
        std::string request;
        std::vector<std::string> present;
        std::vector<std::string> absent;
    };
    const Case cases[] = {
        {403,
         "AccessDenied",
         "Access Denied",
         "RID1",
         "DELETE s3://b/k",
         {"AccessDenied", "Access Denied", "HTTP 403", "RID1", "DELETE s3://b/k"},
         {"no response"}},
        {503, "", "", "", "", {"HTTP 503"}, {"request id"}},
        {0,
         "",
         "Connection refused",
         "",
         "GET s3://b/",
         {"Connection refused", "no response", "GET s3://b/"},
         {"HTTP"}},
        {500,
         "InternalError",
         "boom",
         "",
         "",
         {"InternalError", "boom", "HTTP 500"},
         {"request id"}},
    };
    for (const auto& c : cases) {
        const s3::S3Error error(s3::classify(c.code, c.status), c.status, c.code, c.message,
                                c.request_id, c.request);
        const std::string what = error.what();
        SCOPED_TRACE(what);
        for (const auto& text : c.present) EXPECT_NE(what.find(text), std::string::npos) << text;
        for (const auto& text : c.absent) EXPECT_EQ(what.find(text), std::string::npos) << text;
    }
}

TEST(ErrorS3Error, WithoutErrorDocumentStatesTheStatusOnce) {
    const auto error = s3::S3Error::without_error_document(
        404, "text/html", false, "http://127.0.0.1:8080", "", "GET s3://b/?list-type=2");
    EXPECT_EQ(std::string(error.what()),
              "the endpoint answered HTTP 404 with no S3 error document (text/html): is "
              "http://127.0.0.1:8080 an S3 endpoint? [GET s3://b/?list-type=2]");
    EXPECT_EQ(error.message,
              "the endpoint answered HTTP 404 with no S3 error document (text/html): is "
              "http://127.0.0.1:8080 an S3 endpoint?");
    EXPECT_EQ(error.kind, ErrorKind::kNotFound);
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.code, "");
    EXPECT_EQ(error.request, "GET s3://b/?list-type=2");
}

TEST(ErrorS3Error, WithoutErrorDocumentTable) {
    struct Case {
        long status;
        std::string content_type;
        bool empty_body;
        std::string request_id;
        std::string what;
    };
    const std::string tail = " [GET s3://b/]";
    const Case cases[] = {
        {403, "text/html;charset=UTF-8", false, "",
         "the endpoint answered HTTP 403 with no S3 error document (text/html): is http://e an S3 "
         "endpoint?" +
             tail},
        {400, "", true, "RID",
         "the endpoint answered HTTP 400 with no S3 error document (empty body): is http://e an "
         "S3 endpoint? (request id RID)" +
             tail},
        {301, "", false, "",
         "the endpoint answered HTTP 301 with no S3 error document: is http://e an S3 endpoint?" +
             tail},
        {503, "", true, "",
         "the endpoint answered HTTP 503 with no S3 error document (empty body)" + tail},
    };
    for (const auto& c : cases) {
        const auto error = s3::S3Error::without_error_document(
            c.status, c.content_type, c.empty_body, "http://e", c.request_id, "GET s3://b/");
        EXPECT_EQ(std::string(error.what()), c.what);
        // Classified as any answer without a code: retry semantics follow the status.
        EXPECT_EQ(error.kind, s3::classify("", c.status));
    }
}

// The transport's message for an unreachable proxy is an ordinary transport
// failure to the error table: retried as any connection failure.
TEST(ErrorS3Error, ProxyFailureIsATransportErrorAsBefore) {
    const s3::S3Error error(s3::classify("", 0), 0, "",
                            "cannot connect to the proxy http://127.0.0.1:3128 (from https_proxy): "
                            "connection refused; check the proxy setting or unset it",
                            "", "GET s3://b/?versioning");
    EXPECT_EQ(error.kind, ErrorKind::kTransport);
    EXPECT_TRUE(s3::is_retryable(error.kind));
    EXPECT_EQ(std::string(error.what()),
              "cannot connect to the proxy http://127.0.0.1:3128 (from https_proxy): connection "
              "refused; check the proxy setting or unset it (no response) "
              "[GET s3://b/?versioning]");
}

TEST(ErrorS3Error, IsARuntimeError) {
    try {
        throw s3::S3Error(ErrorKind::kServer, 500, "InternalError", "x", "", "");
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("InternalError"), std::string::npos);
        return;
    }
    FAIL() << "S3Error was not caught as std::runtime_error";
}

}  // namespace
