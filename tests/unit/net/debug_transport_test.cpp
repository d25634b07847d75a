// Unit tests for src/net/debug_transport.hpp: the --debug line for an
// exchange, and the wrapper that reports every exchange of a transport.
#include "net/debug_transport.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_transport.hpp"

namespace {

using net::HttpRequest;
using net::HttpResponse;

HttpRequest list_request() {
    HttpRequest request;
    request.method = "GET";
    request.scheme = "http";
    request.host = "127.0.0.1:9000";
    request.path = "/site/";
    request.query = "list-type=2";
    request.headers = {{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDDEBUG/x, Signature=ff"},
                       {"x-amz-security-token", "DEBUGSESSIONTOKEN"}};
    request.body = "<Delete><Object><Key>secret-body</Key></Object></Delete>";
    return request;
}

TEST(DescribeExchange, ResponseLine) {
    HttpResponse response{200, {{"x-amz-request-id", "4F2A"}, {"set-cookie", "c=1"}}, "<body/>"};
    EXPECT_EQ(net::describe_exchange(list_request(), &response, "", 12),
              "GET 127.0.0.1:9000 /site/?list-type=2 -> 200 id=4F2A 12ms attempt 1");
}

TEST(DescribeExchange, NeverHeadersOrBodies) {
    HttpResponse response{
        403,
        {{"x-amz-request-id", "RID"}, {"x-secret", "RESPONSEHEADERSECRET"}},
        "<Error><Code>AccessDenied</Code><Message>RESPONSEBODY</Message></Error>"};
    const std::string line = net::describe_exchange(list_request(), &response, "", 3);
    for (const char* hidden : {"AKIDDEBUG", "Signature", "DEBUGSESSIONTOKEN", "secret-body",
                               "RESPONSEHEADERSECRET", "RESPONSEBODY", "AccessDenied", "http://"}) {
        EXPECT_EQ(line.find(hidden), std::string::npos) << hidden << " in " << line;
    }
}

TEST(DescribeExchange, Table) {
    struct Case {
        const char* name;
        std::string method;
        std::string query;
        int attempt;
        std::map<std::string, std::string> headers;
        long status;
        bool failed;
        std::string failure;
        long ms;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"no_query",
         "DELETE",
         "",
         1,
         {},
         204,
         false,
         "",
         0,
         "DELETE 127.0.0.1:9000 /site/ -> 204 0ms attempt 1"},
        {"attempt",
         "POST",
         "delete=",
         3,
         {{"x-amz-request-id", "R3"}},
         503,
         false,
         "",
         250,
         "POST 127.0.0.1:9000 /site/?delete= -> 503 id=R3 250ms attempt 3"},
        {"sts_request_id",
         "POST",
         "",
         1,
         {{"x-amzn-requestid", "c6104cbe-af31"}},
         200,
         false,
         "",
         40,
         "POST 127.0.0.1:9000 /site/ -> 200 id=c6104cbe-af31 40ms attempt 1"},
        {"s3_id_preferred",
         "GET",
         "",
         1,
         {{"x-amz-request-id", "S3ID"}, {"x-amzn-requestid", "OTHER"}},
         200,
         false,
         "",
         1,
         "GET 127.0.0.1:9000 /site/ -> 200 id=S3ID 1ms attempt 1"},
        {"failure",
         "PUT",
         "",
         2,
         {},
         0,
         true,
         "Connection refused",
         1001,
         "PUT 127.0.0.1:9000 /site/ -> failed (Connection refused) 1001ms attempt 2"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        HttpRequest request = list_request();
        request.method = c.method;
        request.query = c.query;
        request.attempt = c.attempt;
        HttpResponse response{c.status, c.headers, ""};
        EXPECT_EQ(net::describe_exchange(request, c.failed ? nullptr : &response, c.failure, c.ms),
                  c.expected);
    }
}

TEST(DebugTransport, ForwardsAndReports) {
    auto inner = std::make_shared<nettest::FakeTransport>();
    inner->answer(200, "payload", {{"x-amz-request-id", "FWD1"}});
    std::vector<std::string> lines;
    net::DebugTransport debug(inner, [&lines](const std::string& line) { lines.push_back(line); });

    const HttpRequest request = list_request();
    const HttpResponse response = debug.send(request);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "payload");
    EXPECT_EQ(response.header("x-amz-request-id"), "FWD1");
    ASSERT_EQ(inner->sent.size(), 1u);
    EXPECT_EQ(inner->sent[0].url(), request.url());
    EXPECT_EQ(inner->sent[0].headers, request.headers);
    EXPECT_EQ(inner->sent[0].body, request.body);

    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("GET 127.0.0.1:9000 /site/?list-type=2 -> 200 id=FWD1 ", 0), 0u)
        << lines[0];
    EXPECT_NE(lines[0].find("ms attempt 1"), std::string::npos) << lines[0];
}

TEST(DebugTransport, ReportsAndRethrowsTransportFailure) {
    auto inner = std::make_shared<nettest::FakeTransport>();
    inner->fail("Operation timed out");
    std::vector<std::string> lines;
    net::DebugTransport debug(inner, [&lines](const std::string& line) { lines.push_back(line); });
    HttpRequest request = list_request();
    request.attempt = 4;
    try {
        (void)debug.send(request);
        FAIL() << "expected TransportFailure";
    } catch (const net::TransportFailure& failure) {
        EXPECT_EQ(failure.message, "Operation timed out");
    }
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(
        lines[0].rfind("GET 127.0.0.1:9000 /site/?list-type=2 -> failed (Operation timed out) ", 0),
        0u)
        << lines[0];
    EXPECT_NE(lines[0].find("attempt 4"), std::string::npos) << lines[0];
}

TEST(DebugTransport, OtherExceptionsPassThrough) {
    auto inner = std::make_shared<nettest::FakeTransport>();
    inner->handler = [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("bug"); };
    std::vector<std::string> lines;
    net::DebugTransport debug(inner, [&lines](const std::string& line) { lines.push_back(line); });
    EXPECT_THROW((void)debug.send(list_request()), std::runtime_error);
}

TEST(DebugTransport, EveryExchangeIsOneLine) {
    auto inner = std::make_shared<nettest::FakeTransport>();
    std::vector<std::string> lines;
    net::DebugTransport debug(inner, [&lines](const std::string& line) { lines.push_back(line); });
    for (int i = 1; i <= 3; ++i) {
        inner->answer(200, "payload", {{"x-amz-request-id", "FWD1"}});
        HttpRequest request = list_request();
        request.attempt = i;
        (void)debug.send(request);
    }
    ASSERT_EQ(lines.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_NE(lines[static_cast<std::size_t>(i)].find("attempt " + std::to_string(i + 1)),
                  std::string::npos);
    }
}

}  // namespace
