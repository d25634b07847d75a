// Unit tests for src/aws/send_attempt.hpp: one attempt of a request to an
// <ErrorResponse> service, and the classified ServiceError of each failure.
// Its users' retries are tested with them (sts_test.cpp, cloudfront/client_test.cpp).
#include "aws/send_attempt.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "../net/fake_transport.hpp"

namespace {

using aws::ErrorKind;
using aws::ServiceError;

constexpr const char* kService = "example";
constexpr const char* kLabel = "POST example Action";

// A service code of its own, to show the table is asked before the core one.
constexpr std::array kCodes{
    aws::CodeClass{"ProviderUnreachable", ErrorKind::kServer},
};

net::HttpRequest request() {
    net::HttpRequest out;
    out.method = "POST";
    out.scheme = "https";
    out.host = "example.test";
    out.path = "/";
    out.body = "Action=Go";
    out.attempt = 2;
    return out;
}

std::string error_document(const std::string& code, const std::string& message) {
    return "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
           "</Message></Error><RequestId>req-7</RequestId></ErrorResponse>";
}

// The ServiceError of one attempt; fails the test when there is none.
ServiceError failure_of(nettest::FakeTransport& transport) {
    try {
        (void)aws::send_attempt(transport, request(), kService, kCodes, kLabel);
    } catch (const ServiceError& error) {
        return error;
    }
    ADD_FAILURE() << "expected ServiceError";
    return ServiceError(kService, ErrorKind::kOther, 0, "", "", "", "");
}

TEST(SendAttempt, A2xxAnswerIsReturnedAsSent) {
    nettest::FakeTransport transport;
    transport.answer(204, "done", {{"x-amz-request-id", "r"}});
    const auto response = aws::send_attempt(transport, request(), kService, kCodes, kLabel);
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(response.body, "done");
    ASSERT_EQ(transport.sent.size(), 1u);
    EXPECT_EQ(transport.sent[0].body, "Action=Go");
    EXPECT_EQ(transport.sent[0].attempt, 2);
}

TEST(SendAttempt, ATransportFailureIsATransportErrorWithoutStatus) {
    nettest::FakeTransport transport;
    transport.fail("Connection reset by peer");
    const auto error = failure_of(transport);
    EXPECT_EQ(error.service, kService);
    EXPECT_EQ(error.kind, ErrorKind::kTransport);
    EXPECT_EQ(error.http_status, 0);
    EXPECT_EQ(error.message, "Connection reset by peer");
    EXPECT_EQ(error.request, kLabel);
    EXPECT_EQ(transport.sent.size(), 1u);  // once: retrying is the loop's business
}

TEST(SendAttempt, AnErrorDocumentIsClassifiedByItsCode) {
    struct Case {
        const char* name;
        long status;
        std::string code;
        ErrorKind kind;
    };
    const std::vector<Case> cases = {
        {"service_table_first", 400, "ProviderUnreachable", ErrorKind::kServer},
        {"core_table", 400, "Throttling", ErrorKind::kThrottled},
        {"core_access_denied", 403, "AccessDenied", ErrorKind::kAccessDenied},
        {"unknown_code_falls_back_on_status", 404, "NoSuchThing", ErrorKind::kNotFound},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        nettest::FakeTransport transport;
        transport.answer(c.status, error_document(c.code, "why"));
        const auto error = failure_of(transport);
        EXPECT_EQ(error.kind, c.kind);
        EXPECT_EQ(error.http_status, c.status);
        EXPECT_EQ(error.code, c.code);
        EXPECT_EQ(error.message, "why");
        EXPECT_EQ(error.request_id, "req-7");
        EXPECT_EQ(error.request, kLabel);
        EXPECT_FALSE(error.retry_after.has_value());
    }
}

TEST(SendAttempt, AStatusWithoutAnErrorDocumentSaysTheStatusOnce) {
    nettest::FakeTransport transport;
    transport.answer(502, "<html>Bad Gateway</html>", {{"x-amz-request-id", "edge-1"}});
    const auto error = failure_of(transport);
    EXPECT_EQ(error.kind, ErrorKind::kServer);
    EXPECT_EQ(error.code, "");
    EXPECT_EQ(error.request_id, "edge-1");
    EXPECT_EQ(std::string(error.what()),
              "HTTP 502 without an error document (request id edge-1) [POST example Action]");
}

TEST(SendAttempt, RetryAfterIsKept) {
    nettest::FakeTransport transport;
    transport.answer(503, "", {{"retry-after", "3"}});
    const auto error = failure_of(transport);
    EXPECT_EQ(error.kind, ErrorKind::kThrottled);
    EXPECT_EQ(error.retry_after, std::chrono::milliseconds(3000));

    transport.answer(503, "", {{"retry-after", "soon"}});
    EXPECT_FALSE(failure_of(transport).retry_after.has_value());
}

}  // namespace
