// Unit tests for src/aws/error.hpp: the core classification table, the
// service table hook, and ServiceError. S3's own table: tests/unit/s3/errors_test.cpp.
#include "aws/error.hpp"

#include <gtest/gtest.h>

#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace {

using aws::ErrorKind;

// The core table alone: what every service's codes fall back on.
TEST(ErrorClassify, CoreCodes) {
    struct Case {
        const char* code;
        long status;
        ErrorKind expected;
    };
    const Case cases[] = {
        {"SlowDown", 503, ErrorKind::kThrottled},
        {"Throttling", 400, ErrorKind::kThrottled},
        {"ThrottlingException", 400, ErrorKind::kThrottled},
        {"RequestLimitExceeded", 400, ErrorKind::kThrottled},
        {"TooManyRequests", 429, ErrorKind::kThrottled},
        {"InternalError", 500, ErrorKind::kServer},
        {"ServiceUnavailable", 503, ErrorKind::kServer},
        {"RequestTimeout", 400, ErrorKind::kServer},
        {"RequestTimeTooSkewed", 403, ErrorKind::kServer},
        {"AccessDenied", 403, ErrorKind::kAccessDenied},
        {"SignatureDoesNotMatch", 403, ErrorKind::kAuth},
        {"ExpiredToken", 400, ErrorKind::kAuth},
        // A service's own code is unknown here: the status decides.
        {"NoSuchBucket", 404, ErrorKind::kNotFound},
        {"NoSuchBucket", 400, ErrorKind::kInvalid},
        {"", 0, ErrorKind::kTransport},
        {"", 503, ErrorKind::kThrottled},
        {"", 502, ErrorKind::kServer},
        {"", 401, ErrorKind::kAuth},
        {"", 200, ErrorKind::kOther},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.code) + " " + std::to_string(c.status));
        EXPECT_EQ(aws::classify(c.code, c.status), c.expected);
    }
}

TEST(ErrorClassify, ServiceTableComesFirst) {
    constexpr aws::CodeClass kTable[] = {
        {"NoSuchDistribution", ErrorKind::kNotFound},
        {"Throttling", ErrorKind::kInvalid},  // a service may mean something else by a core code
    };
    EXPECT_EQ(aws::classify("NoSuchDistribution", 400, kTable), ErrorKind::kNotFound);
    EXPECT_EQ(aws::classify("Throttling", 400, kTable), ErrorKind::kInvalid);
    EXPECT_EQ(aws::classify("SlowDown", 503, kTable), ErrorKind::kThrottled);
    EXPECT_EQ(aws::classify("Unknown", 403, kTable), ErrorKind::kAccessDenied);
}

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
        SCOPED_TRACE(aws::to_string(c.kind));
        EXPECT_EQ(aws::is_retryable(c.kind), c.retryable);
    }
}

TEST(ErrorToString, EveryKindHasADistinctName) {
    const ErrorKind kinds[] = {ErrorKind::kNotFound,  ErrorKind::kAccessDenied, ErrorKind::kAuth,
                               ErrorKind::kInvalid,   ErrorKind::kThrottled,    ErrorKind::kServer,
                               ErrorKind::kTransport, ErrorKind::kBadResponse,  ErrorKind::kOther};
    std::set<std::string> names;
    for (auto kind : kinds) {
        const std::string name = aws::to_string(kind);
        EXPECT_FALSE(name.empty());
        names.insert(name);
    }
    EXPECT_EQ(names.size(), std::size(kinds));
    EXPECT_STREQ(aws::to_string(ErrorKind::kThrottled), "throttled");
    EXPECT_STREQ(aws::to_string(ErrorKind::kAccessDenied), "access denied");
    EXPECT_STREQ(aws::to_string(ErrorKind::kNotFound), "not found");
}

TEST(ErrorServiceError, WhatNamesCodeStatusAndRequestId) {
    const aws::ServiceError error("s3", ErrorKind::kNotFound, 404, "NoSuchBucket",
                                  "The specified bucket does not exist", "4442587FB7D0A2F9",
                                  "GET s3://my-bucket/?list-type=2");
    const std::string what = error.what();
    EXPECT_NE(what.find("NoSuchBucket"), std::string::npos) << what;
    EXPECT_NE(what.find("The specified bucket does not exist"), std::string::npos) << what;
    EXPECT_NE(what.find("HTTP 404"), std::string::npos) << what;
    EXPECT_NE(what.find("4442587FB7D0A2F9"), std::string::npos) << what;
    EXPECT_NE(what.find("GET s3://my-bucket/?list-type=2"), std::string::npos) << what;
    EXPECT_EQ(error.service, "s3");
    EXPECT_EQ(error.kind, ErrorKind::kNotFound);
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.code, "NoSuchBucket");
    EXPECT_EQ(error.message, "The specified bucket does not exist");
    EXPECT_EQ(error.request_id, "4442587FB7D0A2F9");
    EXPECT_EQ(error.request, "GET s3://my-bucket/?list-type=2");
}

TEST(ErrorServiceError, WhatTable) {
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
        const aws::ServiceError error("s3", aws::classify(c.code, c.status), c.status, c.code,
                                      c.message, c.request_id, c.request);
        const std::string what = error.what();
        SCOPED_TRACE(what);
        for (const auto& text : c.present) EXPECT_NE(what.find(text), std::string::npos) << text;
        for (const auto& text : c.absent) EXPECT_EQ(what.find(text), std::string::npos) << text;
    }
}

// The transport's message for an unreachable proxy is an ordinary transport
// failure to the error table: retried as any connection failure.
TEST(ErrorServiceError, ProxyFailureIsATransportErrorAsBefore) {
    const aws::ServiceError error(
        "s3", aws::classify("", 0), 0, "",
        "cannot connect to the proxy http://127.0.0.1:3128 (from https_proxy): "
        "connection refused; check the proxy setting or unset it",
        "", "GET s3://b/?versioning");
    EXPECT_EQ(error.kind, ErrorKind::kTransport);
    EXPECT_TRUE(aws::is_retryable(error.kind));
    EXPECT_EQ(std::string(error.what()),
              "cannot connect to the proxy http://127.0.0.1:3128 (from https_proxy): connection "
              "refused; check the proxy setting or unset it (no response) "
              "[GET s3://b/?versioning]");
}

TEST(ErrorServiceError, IsARuntimeError) {
    try {
        throw aws::ServiceError("sts", ErrorKind::kServer, 500, "InternalError", "x", "", "");
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("InternalError"), std::string::npos);
        return;
    }
    FAIL() << "ServiceError was not caught as std::runtime_error";
}

}  // namespace
