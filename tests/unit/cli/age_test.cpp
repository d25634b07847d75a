// Unit tests for src/cli/age.hpp: --older-than AGE and --before TIME.
#include "cli/age.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <variant>

namespace {

using std::chrono::seconds;

struct AgeCase {
    std::string text;
    long long seconds;
};

void PrintTo(const AgeCase& c, std::ostream* os) { *os << ::testing::PrintToString(c.text); }

class AgeAcceptTest : public ::testing::TestWithParam<AgeCase> {};

TEST_P(AgeAcceptTest, Parses) {
    const auto& c = GetParam();
    const auto age = cli::parse_age(c.text);
    ASSERT_TRUE(age.has_value()) << c.text;
    EXPECT_EQ(age->count(), c.seconds) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, AgeAcceptTest,
    ::testing::Values(AgeCase{"45m", 45 * 60}, AgeCase{"36h", 36 * 3600},
                      AgeCase{"30d", 30 * 86400}, AgeCase{"2w", 2 * 7 * 86400}, AgeCase{"1m", 60},
                      AgeCase{"1h", 3600}, AgeCase{"1d", 86400}, AgeCase{"1w", 604800},
                      AgeCase{"007d", 7 * 86400}, AgeCase{"90m", 5400},
                      AgeCase{"365d", 365LL * 86400},
                      AgeCase{"36600d", 36600LL * 86400}));  // 100 years: the maximum

class AgeRejectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AgeRejectTest, Rejects) {
    EXPECT_FALSE(cli::parse_age(GetParam()).has_value()) << "'" << GetParam() << "'";
}

INSTANTIATE_TEST_SUITE_P(Table, AgeRejectTest,
                         ::testing::Values("5x", "0d", "0m", "-1d", "+1d", "d", "", "1", "10",
                                           "1.5d", " 1d", "1d ", "1 d", "1D", "1H", "1s", "1y",
                                           "1dd", "d1", "abc", "1e3d", "0x10d", "36601d", "5229w",
                                           "99999999999999999999d", "9223372036854775807m",
                                           "9223372036854775808d"));

TEST(AgeReadAge, SaysWhyATextIsNotAnAge) {
    struct Case {
        std::string text;
        cli::AgeError error;
    };
    const Case cases[] = {
        {"0d", cli::AgeError::kZero},
        {"0m", cli::AgeError::kZero},
        {"000w", cli::AgeError::kZero},
        {"36601d", cli::AgeError::kTooLarge},  // one day past 100 years of 366 days
        {"5229w", cli::AgeError::kTooLarge},
        {"100000w", cli::AgeError::kTooLarge},
        {"878401h", cli::AgeError::kTooLarge},
        {"99999999999999999999d", cli::AgeError::kTooLarge},  // past long long
        {"9223372036854775807m", cli::AgeError::kTooLarge},
        {"5x", cli::AgeError::kMalformed},
        {"-1d", cli::AgeError::kMalformed},
        {"+1d", cli::AgeError::kMalformed},
        {"1.5d", cli::AgeError::kMalformed},
        {" 1d", cli::AgeError::kMalformed},
        {"1 d", cli::AgeError::kMalformed},
        {"d", cli::AgeError::kMalformed},
        {"", cli::AgeError::kMalformed},
        {"1D", cli::AgeError::kMalformed},
        {"0x10d", cli::AgeError::kMalformed},
        {"-0d", cli::AgeError::kMalformed},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto age = cli::read_age(c.text);
        ASSERT_TRUE(std::holds_alternative<cli::AgeError>(age));
        EXPECT_EQ(std::get<cli::AgeError>(age), c.error);
        EXPECT_FALSE(cli::parse_age(c.text).has_value());
    }
}

TEST(AgeReadAge, TheLimitItself) {
    EXPECT_EQ(cli::kMaxAgeSeconds, cli::kMaxAgeDays * 86400);
    const auto age = cli::read_age(std::to_string(cli::kMaxAgeDays) + "d");
    ASSERT_TRUE(std::holds_alternative<seconds>(age));
    EXPECT_EQ(std::get<seconds>(age).count(), cli::kMaxAgeSeconds);
    EXPECT_EQ(std::get<seconds>(cli::read_age("5228w")).count(), 5228LL * 7 * 86400);
}

TEST(AgeParseTime, AcceptsRfc3339WithZone) {
    struct Case {
        std::string text;
        long long epoch_seconds;
    };
    const Case cases[] = {
        {"2026-01-31T00:00:00Z", 1769817600},
        {"2026-01-31T02:00:00+02:00", 1769817600},
        {"2026-01-30T19:00:00-05:00", 1769817600},
        {"2026-01-31T00:00:00.000Z", 1769817600},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto when = cli::parse_time(c.text);
        ASSERT_TRUE(when.has_value());
        EXPECT_EQ(std::chrono::duration_cast<seconds>(when->time_since_epoch()).count(),
                  c.epoch_seconds);
    }
}

TEST(AgeParseTime, RejectsWithoutZoneOrMalformed) {
    for (const std::string text :
         {"2026-01-31", "2026-01-31T00:00:00", "yesterday", "30d", "", "2026-02-30T00:00:00Z"}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(cli::parse_time(text).has_value());
    }
}

}  // namespace
