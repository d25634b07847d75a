// The Pushgateway client: group paths, PUT or POST, what a failure says.
#include "metrics/pushgateway.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "../net/fake_transport.hpp"

namespace metrics {
namespace {

TEST(GroupPath, PlainValuesAsTheyAre) {
    EXPECT_EQ(group_path("s3-cleanup", {{"bucket", "site-prod.eu"}}),
              "/metrics/job/s3-cleanup/bucket/site-prod.eu");
}

TEST(GroupPath, OtherValuesBase64Url) {
    // "apps/shop/" holds '/', which a path cannot carry as it is.
    EXPECT_EQ(group_path("s3-cleanup", {{"bucket", "b"}, {"root", "apps/shop/"}}),
              "/metrics/job/s3-cleanup/bucket/b/root@base64/YXBwcy9zaG9wLw==");
    // The empty root (the bucket's top) is '=' (the Pushgateway's empty value).
    EXPECT_EQ(group_path("j", {{"root", ""}}), "/metrics/job/j/root@base64/=");
    // '+' and '/' of base64 become '-' and '_'.
    EXPECT_EQ(group_path("j", {{"root", "\xfb\xff"}}), "/metrics/job/j/root@base64/-_8=");
}

struct Gateway : ::testing::Test {
    std::shared_ptr<nettest::FakeTransport> transport = std::make_shared<nettest::FakeTransport>();
    Pushgateway gateway{aws::HttpUrl{"http", "127.0.0.1:9091", "/prefix/", ""}, transport};
};

TEST_F(Gateway, ReplacesTheGroupWithPut) {
    transport->answer(200, "");
    gateway.push("s3-cleanup", {{"bucket", "b"}}, "x 1\n", PushMode::kReplaceGroup);
    ASSERT_EQ(transport->sent.size(), 1U);
    const auto& sent = transport->sent.front();
    EXPECT_EQ(sent.method, "PUT");
    EXPECT_EQ(sent.url(), "http://127.0.0.1:9091/prefix/metrics/job/s3-cleanup/bucket/b");
    EXPECT_EQ(sent.body, "x 1\n");
    ASSERT_EQ(sent.headers.size(), 1U);
    EXPECT_EQ(sent.headers.front().second, "text/plain; version=0.0.4");
}

TEST_F(Gateway, ReplacesOnlyItsMetricsWithPost) {
    transport->answer(202, "");
    gateway.push("s3-cleanup", {}, "x 0\n", PushMode::kReplaceMetrics);
    EXPECT_EQ(transport->sent.front().method, "POST");
}

TEST_F(Gateway, AnErrorStatusNamesTheRequestAndWhatWasSaid) {
    transport->answer(400, "pushed metrics are invalid or inconsistent\nmore\n");
    try {
        gateway.push("j", {}, "bad", PushMode::kReplaceGroup);
        FAIL() << "no error";
    } catch (const PushError& error) {
        EXPECT_STREQ(error.what(),
                     "HTTP 400 from PUT http://127.0.0.1:9091/prefix/metrics/job/j: pushed "
                     "metrics are invalid or inconsistent");
    }
    transport->answer(500, "");
    EXPECT_THROW(gateway.push("j", {}, "", PushMode::kReplaceGroup), PushError);
    transport->answer(301, "");
    EXPECT_THROW(gateway.push("j", {}, "", PushMode::kReplaceGroup), PushError);
}

TEST_F(Gateway, NoAnswerIsAPushError) {
    transport->fail("Couldn't connect to server");
    try {
        gateway.push("j", {}, "", PushMode::kReplaceGroup);
        FAIL() << "no error";
    } catch (const PushError& error) {
        EXPECT_STREQ(error.what(), "Couldn't connect to server");
    }
}

}  // namespace
}  // namespace metrics
