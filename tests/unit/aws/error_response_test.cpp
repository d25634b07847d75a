// Unit tests for src/aws/error_response.hpp: the <ErrorResponse> document of
// STS and CloudFront.
#include "aws/error_response.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(ErrorResponse, ReadsEveryField) {
    const auto error = aws::parse_error_response(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>User is not authorized to perform: sts:AssumeRole</Message></Error>"
        "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>");
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->type, "Sender");
    EXPECT_EQ(error->code, "AccessDenied");
    EXPECT_EQ(error->message, "User is not authorized to perform: sts:AssumeRole");
    EXPECT_EQ(error->request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

TEST(ErrorResponse, MissingFieldsAreEmpty) {
    const auto error = aws::parse_error_response(
        "<?xml version=\"1.0\"?><ErrorResponse><Error><Code>Throttling</Code></Error>"
        "</ErrorResponse>");
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, "Throttling");
    EXPECT_EQ(error->type, "");
    EXPECT_EQ(error->message, "");
    EXPECT_EQ(error->request_id, "");
}

TEST(ErrorResponse, OtherDocumentsAreNone) {
    for (const char* body : {"", "not xml", "<html><body>502 Bad Gateway</body></html>",
                             "<Error><Code>NoSuchBucket</Code></Error>",  // S3's shape
                             "<ErrorResponse><Error><Code>X</Code>"}) {
        SCOPED_TRACE(body);
        EXPECT_FALSE(aws::parse_error_response(body).has_value());
    }
}

}  // namespace

namespace aws {
namespace {

TEST(ErrorResponse, AnErrorNestedInErrorsIsReadToo) {
    const auto error = parse_error_response(
        "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>no</Message>"
        "<Type>Sender</Type></Error></Errors></ErrorResponse>");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, "AccessDenied");
    EXPECT_EQ(error->message, "no");
    EXPECT_EQ(error->type, "Sender");
}

}  // namespace
}  // namespace aws
