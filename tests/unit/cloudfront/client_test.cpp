// GetDistributionConfig against the shared fake transport: the request it
// signs, the errors it classifies, what it retries.
#include "cloudfront/client.hpp"

#include <gtest/gtest.h>

#include "../net/fake_transport.hpp"

namespace cloudfront {
namespace {

constexpr const char* kConfig =
    "<DistributionConfig><Origins><Quantity>1</Quantity><Items><Origin><Id>o1</Id>"
    "<DomainName>site.s3.amazonaws.com</DomainName><OriginPath>/d04</OriginPath></Origin>"
    "</Items></Origins></DistributionConfig>";

struct ClientTest : ::testing::Test {
    std::shared_ptr<nettest::FakeTransport> transport = std::make_shared<nettest::FakeTransport>();
    aws::RetryControl retry;
    std::unique_ptr<Client> client;

    void SetUp() override {
        retry.policy.max_attempts = 3;
        retry.random01 = [] { return 0.0; };
        retry.sleep = [](std::chrono::milliseconds, const std::function<bool()>&) {};
        client = std::make_unique<Client>(
            aws::HttpUrl{"https", "cloudfront.example.test", "", ""},
            std::make_shared<aws::StaticProvider>(
                aws::sigv4::Credentials{"AKIDEXAMPLE", "SECRETEXAMPLE", ""}, "test"),
            transport, retry, [] { return std::chrono::system_clock::time_point{}; });
    }
};

TEST_F(ClientTest, SignsForCloudFrontInUsEast1) {
    transport->answer(200, kConfig);
    const auto config = client->get_distribution_config("E2QWRUHAPOMQZL");
    ASSERT_EQ(config.origins.size(), 1u);
    EXPECT_EQ(config.origins[0].origin_path, "/d04");
    ASSERT_EQ(transport->sent.size(), 1u);
    const auto& request = transport->sent[0];
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.url(),
              "https://cloudfront.example.test/2020-05-31/distribution/E2QWRUHAPOMQZL/config");
    std::string authorization;
    for (const auto& [name, value] : request.headers) {
        if (name == "Authorization" || name == "authorization") authorization = value;
    }
    EXPECT_NE(authorization.find("/us-east-1/cloudfront/aws4_request"), std::string::npos)
        << authorization;
}

TEST_F(ClientTest, NoSuchDistributionIsNotFoundAndNotRetried) {
    transport->answer(404,
                      "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchDistribution</Code>"
                      "<Message>The specified distribution does not exist.</Message></Error>"
                      "<RequestId>r1</RequestId></ErrorResponse>");
    try {
        (void)client->get_distribution_config("E000");
        FAIL() << "no error";
    } catch (const aws::ServiceError& error) {
        EXPECT_EQ(error.service, "cloudfront");
        EXPECT_EQ(error.kind, aws::ErrorKind::kNotFound);
        EXPECT_EQ(error.code, "NoSuchDistribution");
        EXPECT_EQ(error.request_id, "r1");
    }
    EXPECT_EQ(transport->sent.size(), 1u);
}

TEST_F(ClientTest, ThrottlingAndNetworkFailuresAreRetried) {
    transport->answer(400,
                      "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded"
                      "</Message></Error></ErrorResponse>",
                      {{"retry-after", "0"}});
    transport->fail("Connection reset by peer");
    transport->answer(200, kConfig);
    EXPECT_EQ(client->get_distribution_config("E1").origins.size(), 1u);
    EXPECT_EQ(transport->sent.size(), 3u);
}

TEST_F(ClientTest, AnAnswerThatIsNotADistributionConfigIsABadResponse) {
    for (int i = 0; i < 3; ++i) transport->answer(200, "<html>proxy</html>");
    try {
        (void)client->get_distribution_config("E1");
        FAIL() << "no error";
    } catch (const aws::ServiceError& error) {
        EXPECT_EQ(error.kind, aws::ErrorKind::kBadResponse);
    }
    EXPECT_EQ(transport->sent.size(), 3u);  // retried like any bad answer, then given up
}

TEST_F(ClientTest, AStatusWithoutAnErrorDocumentNamesTheStatus) {
    transport->answer(403, "");
    try {
        (void)client->get_distribution_config("E1");
        FAIL() << "no error";
    } catch (const aws::ServiceError& error) {
        EXPECT_EQ(error.kind, aws::ErrorKind::kAccessDenied);
        const std::string what = error.what();
        EXPECT_NE(what.find("HTTP 403"), std::string::npos) << what;
        EXPECT_EQ(what.find("HTTP 403"), what.rfind("HTTP 403")) << "said once: " << what;
    }
}

}  // namespace
}  // namespace cloudfront
