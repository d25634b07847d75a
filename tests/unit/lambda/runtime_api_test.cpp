// The Lambda Runtime API client: the invocation read from /next, answers and
// errors posted where Lambda expects them.
#include "lambda/runtime_api.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "../net/fake_transport.hpp"

namespace lambda {
namespace {

struct RuntimeApiTest : ::testing::Test {
    std::shared_ptr<nettest::FakeTransport> poll = std::make_shared<nettest::FakeTransport>();
    std::shared_ptr<nettest::FakeTransport> answers = std::make_shared<nettest::FakeTransport>();
    RuntimeApi api{"127.0.0.1:9001", poll, answers};
};

TEST_F(RuntimeApiTest, ReadsTheNextInvocation) {
    poll->answer(200, R"({"version":1})",
                 {{"lambda-runtime-aws-request-id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
                  {"lambda-runtime-deadline-ms", "1542409706888"},
                  {"lambda-runtime-trace-id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700"}});
    const Invocation invocation = api.next();
    ASSERT_EQ(poll->sent.size(), 1U);
    EXPECT_EQ(poll->sent.front().method, "GET");
    EXPECT_EQ(poll->sent.front().url(), "http://127.0.0.1:9001/2018-06-01/runtime/invocation/next");
    EXPECT_EQ(invocation.request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
    ASSERT_TRUE(invocation.deadline);
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(
                  invocation.deadline->time_since_epoch())
                  .count(),
              1542409706888);
    EXPECT_EQ(invocation.trace_id, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700");
    EXPECT_EQ(invocation.event, R"({"version":1})");
    EXPECT_TRUE(answers->sent.empty());
}

TEST_F(RuntimeApiTest, ADeadlineThatIsNoNumberIsNone) {
    for (const char* text : {"", "soon", "12x", "-5", "0"}) {
        poll->answer(
            200, "{}",
            {{"lambda-runtime-aws-request-id", "r"}, {"lambda-runtime-deadline-ms", text}});
        EXPECT_FALSE(api.next().deadline) << text;
    }
}

TEST_F(RuntimeApiTest, AnInvocationWithoutRequestIdIsRefused) {
    poll->answer(200, "{}");
    EXPECT_THROW(api.next(), RuntimeApiError);
}

TEST_F(RuntimeApiTest, AnErrorStatusOrNoAnswerEndsTheRuntime) {
    poll->answer(500, "");
    try {
        api.next();
        FAIL() << "no error";
    } catch (const RuntimeApiError& error) {
        EXPECT_STREQ(error.what(),
                     "the Lambda Runtime API answered GET /2018-06-01/runtime/invocation/next "
                     "with HTTP 500");
    }
    poll->fail("Couldn't connect to server");
    try {
        api.next();
        FAIL() << "no error";
    } catch (const RuntimeApiError& error) {
        EXPECT_STREQ(error.what(),
                     "the Lambda Runtime API (127.0.0.1:9001) could not be reached: Couldn't "
                     "connect to server");
    }
}

TEST_F(RuntimeApiTest, PostsTheResponse) {
    answers->answer(202, R"({"status":"OK"})");
    api.respond("r-1", R"({"complete":true})");
    ASSERT_EQ(answers->sent.size(), 1U);
    const auto& sent = answers->sent.front();
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.url(), "http://127.0.0.1:9001/2018-06-01/runtime/invocation/r-1/response");
    EXPECT_EQ(sent.body, R"({"complete":true})");
}

TEST_F(RuntimeApiTest, PostsAnInvocationError) {
    answers->answer(202, "");
    api.fail("r-2", "InvalidEvent", "event:3: unknown key 'kep'");
    const auto& sent = answers->sent.front();
    EXPECT_EQ(sent.url(), "http://127.0.0.1:9001/2018-06-01/runtime/invocation/r-2/error");
    const auto body = nlohmann::json::parse(sent.body);
    EXPECT_EQ(body["errorType"], "InvalidEvent");
    EXPECT_EQ(body["errorMessage"], "event:3: unknown key 'kep'");
    bool typed = false;
    for (const auto& [name, value] : sent.headers) {
        if (name == "lambda-runtime-function-error-type") typed = value == "InvalidEvent";
    }
    EXPECT_TRUE(typed);
}

TEST_F(RuntimeApiTest, PostsAnInitError) {
    answers->answer(202, "");
    api.init_error("InitError", "S3_CLEANUP_CONCURRENCY must be ...");
    EXPECT_EQ(answers->sent.front().path, "/2018-06-01/runtime/init/error");
}

TEST_F(RuntimeApiTest, ARefusedAnswerIsAnError) {
    // 413: the response is larger than Lambda takes (6 MB).
    answers->answer(413, "");
    EXPECT_THROW(api.respond("r", "{}"), RuntimeApiError);
}

TEST(ErrorDocument, StaysUtf8WhateverTheMessageHolds) {
    const auto text = error_document("InvalidEvent", "key '\xff'");
    EXPECT_EQ(nlohmann::json::parse(text)["errorMessage"], "key '\xef\xbf\xbd'");
}

}  // namespace
}  // namespace lambda
