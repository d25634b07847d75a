// Unit tests for src/s3/errors.hpp: S3's codes over the core table, and the
// error of an answer without an S3 error document.
#include "s3/errors.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>

namespace {

using aws::ErrorKind;

struct ClassifyCase {
    std::string code;
    long status;
    ErrorKind expected;
};

void PrintTo(const ClassifyCase& c, std::ostream* os) { *os << "'" << c.code << "' " << c.status; }

class S3ClassifyTest : public ::testing::TestWithParam<ClassifyCase> {};

TEST_P(S3ClassifyTest, Table) {
    const auto& c = GetParam();
    EXPECT_EQ(s3::classify(c.code, c.status), c.expected)
        << "code '" << c.code << "' status " << c.status << " gave "
        << aws::to_string(s3::classify(c.code, c.status)) << ", expected "
        << aws::to_string(c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    KnownCodes, S3ClassifyTest,
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
    UnknownCodeFallsBackOnStatus, S3ClassifyTest,
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

// Every code S3 answers with, whichever table holds it (S3's or the core one),
// with the status that says nothing: the code alone decides.
TEST(S3Errors, EveryKnownCode) {
    const std::pair<const char*, ErrorKind> codes[] = {
        {"NoSuchBucket", ErrorKind::kNotFound},
        {"NoSuchKey", ErrorKind::kNotFound},
        {"NoSuchVersion", ErrorKind::kNotFound},
        {"AccessDenied", ErrorKind::kAccessDenied},
        {"AllAccessDisabled", ErrorKind::kAccessDenied},
        {"AccountProblem", ErrorKind::kAccessDenied},
        {"InvalidAccessKeyId", ErrorKind::kAuth},
        {"SignatureDoesNotMatch", ErrorKind::kAuth},
        {"ExpiredToken", ErrorKind::kAuth},
        {"InvalidToken", ErrorKind::kAuth},
        {"TokenRefreshRequired", ErrorKind::kAuth},
        {"AuthorizationHeaderMalformed", ErrorKind::kAuth},
        {"MissingSecurityHeader", ErrorKind::kAuth},
        {"InvalidBucketName", ErrorKind::kInvalid},
        {"InvalidArgument", ErrorKind::kInvalid},
        {"InvalidRequest", ErrorKind::kInvalid},
        {"MalformedXML", ErrorKind::kInvalid},
        {"InvalidDigest", ErrorKind::kInvalid},
        {"BadDigest", ErrorKind::kInvalid},
        {"PermanentRedirect", ErrorKind::kInvalid},
        {"SlowDown", ErrorKind::kThrottled},
        {"Throttling", ErrorKind::kThrottled},
        {"ThrottlingException", ErrorKind::kThrottled},
        {"RequestLimitExceeded", ErrorKind::kThrottled},
        {"TooManyRequests", ErrorKind::kThrottled},
        {"InternalError", ErrorKind::kServer},
        {"ServiceUnavailable", ErrorKind::kServer},
        {"RequestTimeout", ErrorKind::kServer},
        {"RequestTimeTooSkewed", ErrorKind::kServer},
    };
    for (const auto& [code, kind] : codes) {
        SCOPED_TRACE(code);
        EXPECT_EQ(s3::classify(code, 200), kind);
    }
}

TEST(S3Errors, WithoutErrorDocumentStatesTheStatusOnce) {
    const auto error = s3::error_without_document(404, "text/html", false, "http://127.0.0.1:8080",
                                                  "", "GET s3://b/?list-type=2");
    EXPECT_EQ(std::string(error.what()),
              "the endpoint answered HTTP 404 with no S3 error document (text/html): is "
              "http://127.0.0.1:8080 an S3 endpoint? [GET s3://b/?list-type=2]");
    EXPECT_EQ(error.message,
              "the endpoint answered HTTP 404 with no S3 error document (text/html): is "
              "http://127.0.0.1:8080 an S3 endpoint?");
    EXPECT_EQ(error.service, "s3");
    EXPECT_EQ(error.kind, ErrorKind::kNotFound);
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.code, "");
    EXPECT_EQ(error.request, "GET s3://b/?list-type=2");
}

TEST(S3Errors, WithoutErrorDocumentTable) {
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
        const auto error = s3::error_without_document(c.status, c.content_type, c.empty_body,
                                                      "http://e", c.request_id, "GET s3://b/");
        EXPECT_EQ(std::string(error.what()), c.what);
        // Classified as any answer without a code: retry semantics follow the status.
        EXPECT_EQ(error.kind, s3::classify("", c.status));
    }
}

}  // namespace
