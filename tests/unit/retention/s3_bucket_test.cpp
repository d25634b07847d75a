// retention::S3Bucket: how listings and batches of retention become S3
// requests, over the shared fake transport.
#include "retention/s3_bucket.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "../net/fake_transport.hpp"

namespace retention {
namespace {

std::string list_page(const std::string& contents, const std::string& token = "") {
    return "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>" +
           std::string(token.empty() ? "false" : "true") + "</IsTruncated>" +
           (token.empty() ? "" : "<NextContinuationToken>" + token + "</NextContinuationToken>") +
           contents + "</ListBucketResult>";
}

std::string object(const std::string& key, int size = 1) {
    return "<Contents><Key>" + key +
           "</Key><LastModified>2026-11-20T14:03:00.000Z</LastModified>"
           "<Size>" +
           std::to_string(size) + "</Size></Contents>";
}

struct S3BucketTest : ::testing::Test {
    std::shared_ptr<nettest::FakeTransport> transport = std::make_shared<nettest::FakeTransport>();
    s3::Client client{
        s3::ClientConfig{"site", "us-east-1", "http://127.0.0.1:1", s3::AddressingStyle::kPath,
                         std::make_shared<aws::StaticProvider>(
                             aws::sigv4::Credentials{"AKIDEXAMPLE", "SECRETEXAMPLE", ""}, "test")},
        transport};
    S3Bucket bucket{client};

    void SetUp() override {
        client.retry.policy.max_attempts = 1;
        client.retry.sleep = [](std::chrono::milliseconds, const std::function<bool()>&) {};
    }
};

TEST_F(S3BucketTest, ListsPageByPageWithTheFirstPageAsAskedAndTimesParsed) {
    transport->answer(200, list_page(object("app/d1/a%20b"), "t1"));
    transport->answer(200, list_page(object("app/d1/c", 7)));
    std::vector<ListedObject> seen;
    std::vector<std::shared_ptr<const void>> texts;  // a page's keys live in its text
    bucket.list({.prefix = "app/d1/", .first_page = 1}, [&](ListedPage& page) {
        texts.push_back(page.keys);
        for (auto& o : page.objects) seen.push_back(std::move(o));
        return true;
    });
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].key, "app/d1/a b");
    EXPECT_EQ(seen[1].size, 7u);
    EXPECT_TRUE(seen[1].is_latest);
    EXPECT_EQ(seen[0].last_modified, aws::parse_timestamp("2026-11-20T14:03:00.000Z"));
    ASSERT_EQ(transport->sent.size(), 2u);
    EXPECT_NE(transport->sent[0].query.find("max-keys=1"), std::string::npos);
    EXPECT_EQ(transport->sent[0].query.find("continuation-token"), std::string::npos);
    EXPECT_NE(transport->sent[1].query.find("continuation-token=t1"), std::string::npos);
    EXPECT_NE(transport->sent[1].query.find("max-keys=1000"), std::string::npos);
}

TEST_F(S3BucketTest, StopsWhenThePageHandlerSaysSo) {
    transport->answer(200, list_page(object("app/d1/a"), "t1"));
    int pages = 0;
    bucket.list({.prefix = "app/d1/"}, [&](ListedPage&) {
        ++pages;
        return false;
    });
    EXPECT_EQ(pages, 1);
    EXPECT_EQ(transport->sent.size(), 1u);
}

TEST_F(S3BucketTest, FoldersComeFromTheDelimitedListing) {
    transport->answer(200, list_page(object("app/stray.txt") +
                                     "<CommonPrefixes><Prefix>app/d1/</Prefix></CommonPrefixes>"));
    ListedPage seen;
    bucket.list({.prefix = "app/", .by_folder = true}, [&](ListedPage& page) {
        seen = std::move(page);
        return true;
    });
    EXPECT_EQ(seen.folders, (std::vector<std::string>{"app/d1/"}));
    ASSERT_EQ(seen.objects.size(), 1u);
    EXPECT_NE(transport->sent[0].query.find("delimiter=%2F"), std::string::npos);
}

TEST_F(S3BucketTest, AListingThatReturnsAKeyOutsideItsPrefixIsRefused) {
    transport->answer(200, list_page(object("app/d10/index.html")));
    try {
        bucket.list({.prefix = "app/d1/"}, [](ListedPage&) { return true; });
        FAIL() << "expected a ServiceError";
    } catch (const aws::ServiceError& error) {
        EXPECT_EQ(error.kind, aws::ErrorKind::kBadResponse);
        EXPECT_NE(std::string(error.what()).find("returned key 'app/d10/index.html' outside it"),
                  std::string::npos)
            << error.what();
    }
}

TEST_F(S3BucketTest, VersionListingsPageByKeyAndVersionMarkers) {
    transport->answer(
        200,
        "<ListVersionsResult><EncodingType>url</EncodingType>"
        "<IsTruncated>true</IsTruncated><NextKeyMarker>app/d1/a</NextKeyMarker>"
        "<NextVersionIdMarker>v1</NextVersionIdMarker>"
        "<Version><Key>app/d1/a</Key><VersionId>v1</VersionId>"
        "<IsLatest>true</IsLatest><LastModified>2026-11-20T14:03:00.000Z</LastModified>"
        "<Size>3</Size></Version></ListVersionsResult>");
    transport->answer(
        200,
        "<ListVersionsResult><IsTruncated>false</IsTruncated>"
        "<DeleteMarker><Key>app/d1/b</Key><VersionId>m1</VersionId>"
        "<IsLatest>true</IsLatest><LastModified>2026-11-21T14:03:00.000Z</LastModified>"
        "</DeleteMarker></ListVersionsResult>");
    std::vector<ListedObject> seen;
    std::vector<std::shared_ptr<const void>> texts;  // a page's keys live in its entries
    bucket.list({.prefix = "app/d1/", .versions = true}, [&](ListedPage& page) {
        texts.push_back(page.keys);
        for (auto& o : page.objects) seen.push_back(std::move(o));
        return true;
    });
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].version_id, "v1");
    EXPECT_EQ(seen[0].size, 3u);
    EXPECT_TRUE(seen[1].is_delete_marker);
    ASSERT_EQ(transport->sent.size(), 2u);
    EXPECT_NE(transport->sent[1].query.find("key-marker=app%2Fd1%2Fa"), std::string::npos);
    EXPECT_NE(transport->sent[1].query.find("version-id-marker=v1"), std::string::npos);
}

TEST_F(S3BucketTest, BatchesAreDeleteObjectsAndFailuresKeepTheirPlace) {
    transport->answer(200,
                      "<DeleteResult><Error><Key>app/d1/b</Key><VersionId>v2</VersionId>"
                      "<Code>AccessDenied</Code><Message>no</Message></Error></DeleteResult>");
    const auto answer = bucket.delete_batch({{"app/d1/a", ""}, {"app/d1/b", "v2"}});
    ASSERT_EQ(answer.not_deleted.size(), 1u);
    EXPECT_EQ(answer.not_deleted[0].index, 1u);
    EXPECT_EQ(answer.not_deleted[0].code, "AccessDenied");
    EXPECT_FALSE(answer.stopped);
    EXPECT_EQ(transport->sent[0].method, "POST");
    EXPECT_EQ(bucket.batch_limit(), s3::kDeleteObjectsMaxKeys);
    EXPECT_FALSE(bucket.batchable("app/d1/ctl\x01"));
    EXPECT_TRUE(bucket.batchable("app/d1/a&<b"));
}

TEST_F(S3BucketTest, OneObjectIsDeletedAloneByVersion) {
    transport->answer(204, "");
    bucket.delete_one({"app/d1/ctl\x01", "v9"});
    ASSERT_EQ(transport->sent.size(), 1u);
    EXPECT_EQ(transport->sent[0].method, "DELETE");
    EXPECT_EQ(transport->sent[0].path, "/site/app/d1/ctl%01");
    EXPECT_EQ(transport->sent[0].query, "versionId=v9");
}

TEST_F(S3BucketTest, VersioningIsAskedOfTheBucket) {
    transport->answer(200,
                      "<VersioningConfiguration><Status>Suspended</Status>"
                      "</VersioningConfiguration>");
    EXPECT_EQ(bucket.versioning(), Versioning::kSuspended);
}

}  // namespace
}  // namespace retention
