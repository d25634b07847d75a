// Unit tests for src/aws/timestamp.hpp: RFC 3339 times as S3 writes them.
#include "aws/timestamp.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace {

using aws::TimePoint;
using std::chrono::milliseconds;

// Milliseconds since the Unix epoch.
TimePoint at_ms(long long ms) { return TimePoint{milliseconds{ms}}; }

constexpr long long kSecond = 1000;
constexpr long long kMinute = 60 * kSecond;
constexpr long long kHour = 60 * kMinute;
// 2026-11-20T14:03:00Z: 20777 days after the epoch, plus 14:03.
constexpr long long k20261120T140300 = 20777LL * 24 * kHour + 14 * kHour + 3 * kMinute;

struct AcceptCase {
    std::string text;
    long long expected_ms;
};

void PrintTo(const AcceptCase& c, std::ostream* os) { *os << ::testing::PrintToString(c.text); }

class TimestampAcceptTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(TimestampAcceptTest, Parses) {
    const auto& c = GetParam();
    const auto parsed = aws::parse_timestamp(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text;
    EXPECT_EQ(parsed->time_since_epoch().count(), c.expected_ms) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, TimestampAcceptTest,
    ::testing::Values(AcceptCase{"1970-01-01T00:00:00Z", 0},
                      AcceptCase{"1970-01-01T00:00:01Z", kSecond},
                      AcceptCase{"2026-11-20T14:03:00Z", k20261120T140300},
                      AcceptCase{"2026-11-20T14:03:00.000Z", k20261120T140300},
                      AcceptCase{"2026-11-20t14:03:00z", k20261120T140300},
                      AcceptCase{"2026-11-20T14:03:00.5Z", k20261120T140300 + 500},
                      AcceptCase{"2026-11-20T14:03:00.12Z", k20261120T140300 + 120},
                      AcceptCase{"2026-11-20T14:03:00.123Z", k20261120T140300 + 123},
                      AcceptCase{"2026-11-20T14:03:00.123456789Z",
                                 k20261120T140300 + 123},  // truncated
                      AcceptCase{"2026-11-20T14:03:00.999999Z", k20261120T140300 + 999},
                      AcceptCase{"2026-11-20T16:03:00+02:00", k20261120T140300},
                      AcceptCase{"2026-11-20T16:03:00.000+02:00", k20261120T140300},
                      AcceptCase{"2026-11-20T09:03:00-05:00", k20261120T140300},
                      AcceptCase{"2026-11-20T19:33:00+05:30", k20261120T140300},
                      AcceptCase{"2026-11-20T14:03:00+00:00", k20261120T140300},
                      AcceptCase{"2026-11-20T14:03:00-00:00", k20261120T140300},
                      AcceptCase{"2026-11-21T00:03:00+10:00", k20261120T140300},  // crosses the day
                      AcceptCase{"2024-02-29T00:00:00Z", 19782LL * 24 * kHour},   // leap day
                      AcceptCase{"2000-03-01T00:00:00Z", 951868800LL * kSecond},
                      AcceptCase{"1969-12-31T23:59:59Z", -kSecond},
                      AcceptCase{"2026-12-31T23:59:59Z", 1798761599LL * kSecond}));

class TimestampRejectTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TimestampRejectTest, Rejects) {
    EXPECT_FALSE(aws::parse_timestamp(GetParam()).has_value()) << "'" << GetParam() << "'";
}

INSTANTIATE_TEST_SUITE_P(
    Table, TimestampRejectTest,
    ::testing::Values(
        // missing zone
        "2026-11-20T14:03:00", "2026-11-20T14:03:00.000",
        // bad fields
        "2026-13-20T14:03:00Z", "2026-00-20T14:03:00Z", "2026-02-30T00:00:00Z",
        "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-00T14:03:00Z",
        "2026-11-20T24:00:00Z", "2026-11-20T14:60:00Z", "2026-11-20T14:03:60Z",
        // bad offsets
        "2026-11-20T14:03:00+24:00", "2026-11-20T14:03:00+02:60", "2026-11-20T14:03:00+0200",
        "2026-11-20T14:03:00+02", "2026-11-20T14:03:00+2:00", "2026-11-20T14:03:00+02:0",
        "2026-11-20T14:03:00 +02:00",
        // trailing junk
        "2026-11-20T14:03:00Zjunk", "2026-11-20T14:03:00Z ", "2026-11-20T14:03:00+02:00Z",
        "2026-11-20T14:03:00.Z", "2026-11-20T14:03:00.000ZZ",
        // short strings and wrong shapes
        "", "2026", "2026-11-20", "2026-11-20T14:03Z", "2026-11-20T14:03:0Z",
        " 2026-11-20T14:03:00Z", "2026-11-20 14:03:00Z", "2026/11/20T14:03:00Z",
        "26-11-20T14:03:00Z", "2026-1-20T14:03:00Z", "20261120T140300Z", "2026-11-20T14-03-00Z",
        "abcd-ef-ghTij:kl:mnZ", "2026-11-20T14:03:00.0a0Z"));

TEST(TimestampFormat, Table) {
    struct Case {
        long long ms;
        std::string expected;
    };
    const Case cases[] = {
        {0, "1970-01-01T00:00:00Z"},
        {k20261120T140300, "2026-11-20T14:03:00Z"},
        {k20261120T140300 + 999, "2026-11-20T14:03:00Z"},  // whole seconds
        {-1, "1969-12-31T23:59:59Z"},                      // floors, not truncates
        {951868800LL * kSecond - 1, "2000-02-29T23:59:59Z"},
        {253402300799LL * kSecond, "9999-12-31T23:59:59Z"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        EXPECT_EQ(aws::format_timestamp(at_ms(c.ms)), c.expected);
    }
}

TEST(TimestampFormat, RoundTrip) {
    const std::string texts[] = {
        "1970-01-01T00:00:00Z", "2026-11-20T14:03:00Z", "2024-02-29T23:59:59Z",
        "1999-12-31T23:59:59Z", "2038-01-19T03:14:08Z", "2100-03-01T12:00:00Z",
    };
    for (const auto& text : texts) {
        SCOPED_TRACE(text);
        const auto parsed = aws::parse_timestamp(text);
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(aws::format_timestamp(*parsed), text);
        const auto again = aws::parse_timestamp(aws::format_timestamp(*parsed));
        ASSERT_TRUE(again.has_value());
        EXPECT_EQ(*again, *parsed);
    }
}

TEST(TimestampFormat, RoundTripNormalisesOffsetsAndFractions) {
    struct Case {
        std::string input;
        std::string formatted;
    };
    const Case cases[] = {
        {"2026-11-20T14:03:00.000Z", "2026-11-20T14:03:00Z"},
        {"2026-11-20T14:03:00.999Z", "2026-11-20T14:03:00Z"},
        {"2026-11-20T16:03:00+02:00", "2026-11-20T14:03:00Z"},
        {"2026-11-20T23:30:00-01:00", "2026-11-21T00:30:00Z"},
        {"2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.input);
        const auto parsed = aws::parse_timestamp(c.input);
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(aws::format_timestamp(*parsed), c.formatted);
    }
}

TEST(TimestampFormat, EverySecondOfADayRoundTrips) {
    // 2026-11-20T00:00:00Z, then each second of the day (plus a leap-year day).
    for (long long base : {20777LL * 24 * kHour, 19782LL * 24 * kHour}) {
        for (long long s = 0; s < 24 * 3600; s += 7) {
            const auto when = at_ms(base + s * kSecond);
            const auto text = aws::format_timestamp(when);
            const auto parsed = aws::parse_timestamp(text);
            ASSERT_TRUE(parsed.has_value()) << text;
            ASSERT_EQ(*parsed, when) << text;
        }
    }
}

// 2026-11-20T14:03:00Z
TEST(TimestampAmzDate, Formats) {
    EXPECT_EQ(
        aws::amz_date(std::chrono::system_clock::time_point{std::chrono::seconds{1795183380}}),
        "20261120T140300Z");
    EXPECT_EQ(aws::amz_date(std::chrono::system_clock::time_point{}), "19700101T000000Z");
}

}  // namespace

// Found by fuzz_age_time: an offset carrying a time past year 9999 (or before
// year 0) would format as a five-digit year that no longer parses.
TEST(ParseTimestampRange, OffsetsMayNotLeaveFourDigitYears) {
    EXPECT_FALSE(aws::parse_timestamp("9999-12-31T23:59:59-01:00").has_value());
    EXPECT_FALSE(aws::parse_timestamp("0000-01-01T00:00:00+01:00").has_value());
    const auto edge = aws::parse_timestamp("9999-12-31T22:59:59-01:00");
    ASSERT_TRUE(edge.has_value());
    EXPECT_EQ(aws::format_timestamp(*edge), "9999-12-31T23:59:59Z");
}

namespace {

// The general reading of a time, for comparison with S3's own form read by
// position: from its fields, by calendar arithmetic of the standard library.
std::optional<aws::TimePoint> by_fields(int y, unsigned mo, unsigned d, int h, int mi, int s,
                                        int ms) {
    using namespace std::chrono;
    const year_month_day date{year{y}, month{mo}, day{d}};
    if (!date.ok()) return std::nullopt;
    return aws::TimePoint{sys_days{date}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s} +
                          milliseconds{ms}};
}

}  // namespace

TEST(ParseTimestampS3Form, DatesThatRepeatAndDatesThatChangeReadAlike) {
    // The date of S3's form is remembered while it repeats: a change of date,
    // a return to one seen before, and an impossible one all read right.
    struct Case {
        const char* text;
        std::optional<aws::TimePoint> want;
    };
    const Case cases[] = {
        {"2026-11-20T14:03:00.000Z", by_fields(2026, 11, 20, 14, 3, 0, 0)},
        {"2026-11-20T14:03:01.250Z", by_fields(2026, 11, 20, 14, 3, 1, 250)},
        {"2026-11-21T00:00:00.000Z", by_fields(2026, 11, 21, 0, 0, 0, 0)},
        {"2026-11-20T23:59:59.999Z", by_fields(2026, 11, 20, 23, 59, 59, 999)},
        {"2024-02-29T12:00:00.000Z", by_fields(2024, 2, 29, 12, 0, 0, 0)},
        {"2026-02-29T12:00:00.000Z", std::nullopt},  // not a leap year
        {"2026-02-28T24:00:00.000Z", std::nullopt},
        {"2026-02-28T12:60:00.000Z", std::nullopt},
        {"2026-02-28T12:00:60.000Z", std::nullopt},
        {"2026-02-28T12:00:00.0a0Z", std::nullopt},
        {"2026-13-01T12:00:00.000Z", std::nullopt},
        {"2026-00-01T12:00:00.000Z", std::nullopt},
        {"2026-11-20T14:03:00.000Z", by_fields(2026, 11, 20, 14, 3, 0, 0)},
        {"0000-01-01T00:00:00.000Z", by_fields(0, 1, 1, 0, 0, 0, 0)},
        {"9999-12-31T23:59:59.999Z", by_fields(9999, 12, 31, 23, 59, 59, 999)},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(aws::parse_timestamp(c.text), c.want) << c.text;
    }
}

namespace {

TEST(HttpDate, ParsesTheImfFixdate) {
    EXPECT_EQ(aws::parse_http_date("Fri, 20 Nov 2026 14:03:00 GMT"), at_ms(k20261120T140300));
    EXPECT_EQ(aws::parse_http_date("Thu, 01 Jan 1970 00:00:01 GMT"), at_ms(kSecond));
    EXPECT_EQ(aws::parse_http_date("Mon, 29 Feb 2016 23:59:59 GMT"),
              at_ms((16860LL + 1) * 24 * kHour - kSecond));
}

TEST(HttpDate, RejectsEveryOtherForm) {
    for (const char* text : {"",
                             "Fri, 20 Nov 2026 14:03:00 UTC",   // only GMT
                             "Friday, 20-Nov-26 14:03:00 GMT",  // RFC 850
                             "Fri Nov 20 14:03:00 2026",        // asctime
                             "Fri, 20 Now 2026 14:03:00 GMT",   // no such month
                             "Fri, 20 ovD 2026 14:03:00 GMT",   // not at a month's start
                             "Fri, 31 Nov 2026 14:03:00 GMT",   // no such day
                             "Fri, 20 Nov 2026 24:03:00 GMT", "Fri, 20 Nov 2026 14:60:00 GMT",
                             "Fri, 20 Nov 2026 14:03:61 GMT", "Fri, 2x Nov 2026 14:03:00 GMT",
                             "Fri, 20 Nov 2026 14:03:00 GMT ", "2026-11-20T14:03:00Z"}) {
        EXPECT_EQ(aws::parse_http_date(text), std::nullopt) << text;
    }
}

}  // namespace
