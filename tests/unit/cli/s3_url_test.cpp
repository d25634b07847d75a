// Unit tests for src/cli/s3_url.hpp: s3://BUCKET[/ROOT/] as typed.
#include "cli/s3_url.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace {

struct GoodUrl {
    std::string text;
    std::string bucket;
    std::string root;
};

void PrintTo(const GoodUrl& c, std::ostream* os) { *os << ::testing::PrintToString(c.text); }

class S3UrlAcceptTest : public ::testing::TestWithParam<GoodUrl> {};

TEST_P(S3UrlAcceptTest, Parses) {
    const auto& c = GetParam();
    const auto parsed = cli::parse_s3_url(c.text);
    ASSERT_TRUE(std::holds_alternative<cli::S3Url>(parsed))
        << c.text << ": " << std::get<cli::UsageError>(parsed).message;
    const auto& url = std::get<cli::S3Url>(parsed);
    EXPECT_EQ(url.bucket, c.bucket);
    EXPECT_EQ(url.root, c.root);
}

INSTANTIATE_TEST_SUITE_P(
    Table, S3UrlAcceptTest,
    ::testing::Values(GoodUrl{"s3://bkt", "bkt", ""}, GoodUrl{"s3://bkt/", "bkt", ""},
                      GoodUrl{"s3://bkt/sites/app", "bkt", "sites/app/"},
                      GoodUrl{"s3://bkt/sites/app/", "bkt", "sites/app/"},
                      GoodUrl{"s3://bkt/sites", "bkt", "sites/"},
                      GoodUrl{"s3://my-bucket.example.com/a", "my-bucket.example.com", "a/"},
                      GoodUrl{"s3://abc", "abc", ""},  // 3 characters: the minimum
                      GoodUrl{"s3://" + std::string(63, 'a'), std::string(63, 'a'), ""},
                      GoodUrl{"s3://0bucket9/x", "0bucket9", "x/"},
                      GoodUrl{"s3://a-b.c-d", "a-b.c-d", ""},
                      GoodUrl{"s3://bkt/With Space/Caf\xC3\xA9", "bkt",
                              "With Space/Caf\xC3\xA9/"}));

struct BadUrl {
    std::string text;
    std::string mentions;  // the message must contain this
};

void PrintTo(const BadUrl& c, std::ostream* os) { *os << ::testing::PrintToString(c.text); }

class S3UrlRejectTest : public ::testing::TestWithParam<BadUrl> {};

TEST_P(S3UrlRejectTest, Rejects) {
    const auto& c = GetParam();
    const auto parsed = cli::parse_s3_url(c.text);
    ASSERT_TRUE(std::holds_alternative<cli::UsageError>(parsed)) << "accepted '" << c.text << "'";
    const auto& message = std::get<cli::UsageError>(parsed).message;
    EXPECT_NE(message.find(c.mentions), std::string::npos)
        << "'" << message << "' should mention '" << c.mentions << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, S3UrlRejectTest,
    ::testing::Values(
        BadUrl{"http://x", "not an S3 URL"},
        BadUrl{"https://bkt.s3.amazonaws.com/", "not an S3 URL"}, BadUrl{"bkt", "not an S3 URL"},
        BadUrl{"", "not an S3 URL"}, BadUrl{"S3://bkt", "not an S3 URL"},
        BadUrl{"s3:/bkt", "not an S3 URL"}, BadUrl{"s3://", "no bucket"},
        BadUrl{"s3:///x", "no bucket"}, BadUrl{"s3://UPPER", "UPPER"},
        BadUrl{"s3://Bucket", "lower-case"}, BadUrl{"s3://under_score", "lower-case"},
        BadUrl{"s3://a..b", "'..'"}, BadUrl{"s3://b//x", "3 to 63"}, BadUrl{"s3://bkt//x", "//"},
        BadUrl{"s3://bkt/a//b", "//"}, BadUrl{"s3://bkt//", "//"}, BadUrl{"s3://b", "3 to 63"},
        BadUrl{"s3://ab", "3 to 63"}, BadUrl{"s3://" + std::string(64, 'a'), "3 to 63"},
        BadUrl{"s3://-bucket", "begin and end"}, BadUrl{"s3://bucket-", "begin and end"},
        BadUrl{"s3://.bucket", "begin and end"}, BadUrl{"s3://bucket./x", "begin and end"}));

TEST(S3UrlBucketNameProblem, Table) {
    struct Case {
        std::string bucket;
        bool valid;
    };
    const Case cases[] = {
        {"abc", true},
        {"my-bucket", true},
        {"my.bucket", true},
        {"a1", false},
        {"ABC", false},
        {"a_b", false},
        {"a b", false},
        {"-ab", false},
        {"ab-", false},
        {"a..b", false},
        {"", false},
        {std::string(63, 'z'), true},
        {std::string(64, 'z'), false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.bucket);
        EXPECT_EQ(cli::bucket_name_problem(c.bucket).empty(), c.valid)
            << cli::bucket_name_problem(c.bucket);
    }
}

}  // namespace
