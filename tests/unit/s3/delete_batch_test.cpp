// Client::delete_batch over the shared fake transport: what goes on the wire,
// which keys are resent after a per-key refusal, and what comes back.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <deque>
#include <map>
#include <memory>

#include "../net/fake_transport.hpp"
#include "s3/client.hpp"

namespace s3 {
namespace {

std::vector<std::string> keys_in(const std::string& body) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(body.c_str()));
    std::vector<std::string> keys;
    for (auto object : doc.child("Delete").children("Object")) {
        keys.emplace_back(object.child_value("Key"));
    }
    return keys;
}

net::HttpResponse ok(std::string body) { return net::HttpResponse{200, {}, std::move(body)}; }

std::string key_error(const std::string& key, const std::string& code,
                      const std::string& message = "") {
    return "<Error><Key>" + key + "</Key><Code>" + code + "</Code><Message>" + message +
           "</Message></Error>";
}

// ObjectIdentifier names keys it does not own: the keys live as long as the test.
std::vector<ObjectIdentifier> objects(const std::string& prefix, int count) {
    static std::deque<std::string> keys;
    std::vector<ObjectIdentifier> out;
    for (int i = 0; i < count; ++i) {
        out.push_back({keys.emplace_back(prefix + "file-" + std::to_string(i)), ""});
    }
    return out;
}

struct DeleteBatchTest : ::testing::Test {
    std::shared_ptr<nettest::FakeTransport> transport = std::make_shared<nettest::FakeTransport>();
    Client client{
        ClientConfig{"site", "us-east-1", "http://127.0.0.1:1", AddressingStyle::kAuto,
                     std::make_shared<aws::StaticProvider>(
                         aws::sigv4::Credentials{"AKIDEXAMPLE", "SECRETEXAMPLE", ""}, "test")},
        transport};

    void SetUp() override {
        client.retry.random01 = [] { return 0.0; };
        client.retry.sleep = [](std::chrono::milliseconds, const std::function<bool()>&) {};
        transport->handler = [](const net::HttpRequest&) { return ok("<DeleteResult/>"); };
    }
};

TEST_F(DeleteBatchTest, SendsContentMd5AndQuietModeWithEveryKeyEscaped) {
    auto outcome = client.delete_batch({{"a&<b/file-0", ""}, {"a&<b/file-1", "v1"}});
    EXPECT_TRUE(outcome.failed.empty());
    ASSERT_EQ(transport->sent.size(), 1u);
    const auto& sent = transport->sent[0];
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.query, "delete=");
    bool has_md5 = false;
    for (const auto& [name, value] : sent.headers) has_md5 |= name == "content-md5";
    EXPECT_TRUE(has_md5);
    EXPECT_NE(sent.body.find("<Quiet>true</Quiet>"), std::string::npos);
    EXPECT_NE(sent.body.find("<VersionId>v1</VersionId>"), std::string::npos);
    EXPECT_EQ(keys_in(sent.body), (std::vector<std::string>{"a&<b/file-0", "a&<b/file-1"}));
}

TEST_F(DeleteBatchTest, RetryableKeyErrorsAreResentAloneUntilTheyGo) {
    std::map<std::string, int> errors_left{{"old/file-3", 2}, {"old/file-7", 1}};
    transport->handler = [&errors_left](const net::HttpRequest& r) {
        std::string errors;
        for (const auto& key : keys_in(r.body)) {
            auto it = errors_left.find(key);
            if (it != errors_left.end() && it->second-- > 0)
                errors += key_error(key, "InternalError");
        }
        return ok("<DeleteResult>" + errors + "</DeleteResult>");
    };
    auto outcome = client.delete_batch(objects("old/", 10));
    const auto& sent = transport->sent;
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(keys_in(sent[0].body).size(), 10u);
    EXPECT_EQ(keys_in(sent[1].body), (std::vector<std::string>{"old/file-3", "old/file-7"}));
    EXPECT_EQ(keys_in(sent[2].body), (std::vector<std::string>{"old/file-3"}));
    EXPECT_TRUE(outcome.failed.empty());
    EXPECT_FALSE(outcome.stopped);
    EXPECT_EQ(client.counts().del.load(), 1);  // resends are counted as retries
    EXPECT_EQ(client.counts().retries.load(), 2);
}

TEST_F(DeleteBatchTest, AKeyFailingEveryAttemptIsReportedByItsPlaceInTheBatch) {
    client.retry.policy.max_attempts = 4;
    transport->handler = [](const net::HttpRequest& r) {
        for (const auto& key : keys_in(r.body)) {
            if (key == "old/file-2") {
                return ok("<DeleteResult>" + key_error(key, "InternalError", "boom") +
                          "</DeleteResult>");
            }
        }
        return ok("<DeleteResult/>");
    };
    auto outcome = client.delete_batch(objects("old/", 5));
    ASSERT_EQ(outcome.failed.size(), 1u);
    EXPECT_EQ(outcome.failed[0].index, 2u);
    EXPECT_EQ(outcome.failed[0].code, "InternalError");
    EXPECT_EQ(outcome.failed[0].message, "boom");
    EXPECT_EQ(transport->sent.size(), 4u);  // the batch, then the key alone three times
}

TEST_F(DeleteBatchTest, AKeyStoppedBeforeItsResendFailsWithItsLastError) {
    bool stopped = false;
    client.retry.stop_requested = [&stopped] { return stopped; };
    // The signal arrives during the backoff before the resend.
    client.retry.sleep = [&stopped](std::chrono::milliseconds, const std::function<bool()>&) {
        stopped = true;
    };
    transport->handler = [](const net::HttpRequest&) {
        return ok("<DeleteResult>" + key_error("old/file-1", "SlowDown", "slow") +
                  "</DeleteResult>");
    };
    auto outcome = client.delete_batch(objects("old/", 4));
    EXPECT_EQ(transport->sent.size(), 1u);  // no resend after the stop
    EXPECT_TRUE(outcome.stopped);
    ASSERT_EQ(outcome.failed.size(), 1u);
    EXPECT_EQ(outcome.failed[0].index, 1u);
    EXPECT_EQ(outcome.failed[0].code, "SlowDown");
    EXPECT_EQ(outcome.failed[0].message, "slow (not resent: the run was stopped)");
}

TEST_F(DeleteBatchTest, PermanentKeyErrorsAreNotResent) {
    transport->handler = [](const net::HttpRequest& r) {
        std::string errors;
        for (const auto& key : keys_in(r.body)) {
            if (key.starts_with("locked/")) errors += key_error(key, "AccessDenied");
        }
        return ok("<DeleteResult>" + errors + "</DeleteResult>");
    };
    auto batch = objects("locked/", 3);
    for (auto& object : objects("old/", 3)) batch.push_back(object);
    auto outcome = client.delete_batch(batch);
    EXPECT_EQ(outcome.failed.size(), 3u);
    EXPECT_EQ(transport->sent.size(), 1u);
}

TEST_F(DeleteBatchTest, AnErrorWithoutVersionIdStillNamesItsVersion) {
    // Some stores leave VersionId out of a per-key <Error>: the key alone names it.
    transport->handler = [](const net::HttpRequest&) {
        return ok("<DeleteResult>" + key_error("old/a", "AccessDenied") + "</DeleteResult>");
    };
    auto outcome = client.delete_batch({{"old/b", "v2"}, {"old/a", "v1"}});
    ASSERT_EQ(outcome.failed.size(), 1u);
    EXPECT_EQ(outcome.failed[0].index, 1u);
}

TEST_F(DeleteBatchTest, AFirstRequestFailingAsAWholeIsThrown) {
    transport->handler = [](const net::HttpRequest&) {
        return net::HttpResponse{403, {}, "<Error><Code>AccessDenied</Code></Error>"};
    };
    try {
        client.delete_batch(objects("old/", 2));
        FAIL() << "expected a ServiceError";
    } catch (const aws::ServiceError& error) {
        EXPECT_EQ(error.code, "AccessDenied");
    }
}

TEST_F(DeleteBatchTest, AResendFailingAsAWholeFailsTheKeysItCarried) {
    int posts = 0;
    transport->handler = [&posts](const net::HttpRequest&) {
        if (++posts == 1) {
            return ok("<DeleteResult>" + key_error("old/file-0", "InternalError") +
                      "</DeleteResult>");
        }
        return net::HttpResponse{403, {}, "<Error><Code>AccessDenied</Code></Error>"};
    };
    auto outcome = client.delete_batch(objects("old/", 3));
    ASSERT_EQ(outcome.failed.size(), 1u);
    EXPECT_EQ(outcome.failed[0].index, 0u);
    EXPECT_EQ(outcome.failed[0].code, "AccessDenied");
    EXPECT_FALSE(outcome.stopped);
}

}  // namespace
}  // namespace s3
