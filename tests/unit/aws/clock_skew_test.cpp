// Unit tests for src/aws/clock_skew.hpp and its use by the retry loop: a
// server that refuses the request's time corrects the signing clock once.
#include "aws/clock_skew.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "aws/error.hpp"
#include "aws/retry_loop.hpp"

namespace {

using aws::ClockSkew;
using aws::ErrorKind;
using aws::ServiceError;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using WallTime = std::chrono::system_clock::time_point;

const WallTime kLocal = WallTime{} + hours(24 * 20000);

ServiceError time_error(const std::string& code, std::optional<WallTime> server) {
    ServiceError error("s3", ErrorKind::kServer, 403, code, "too skewed", "", "GET s3://b/");
    if (server) {
        error.server_time = std::chrono::time_point_cast<milliseconds>(*server);
    }
    return error;
}

TEST(ClockSkew, StartsUncorrected) {
    ClockSkew skew;
    EXPECT_EQ(skew.offset(), milliseconds(0));
    EXPECT_EQ(skew.corrected(kLocal), kLocal);
}

TEST(ClockSkew, AdoptsTheServersTimeWhenItRefusesOurs) {
    for (const char* code : {"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException",
                             "RequestInTheFuture"}) {
        ClockSkew skew;
        const auto adopted = skew.correct(time_error(code, kLocal + hours(1)), kLocal);
        ASSERT_TRUE(adopted) << code;
        EXPECT_EQ(*adopted, hours(1));
        EXPECT_EQ(skew.corrected(kLocal + seconds(5)), kLocal + hours(1) + seconds(5));
    }
    ClockSkew ahead;
    EXPECT_EQ(ahead.correct(time_error("RequestTimeTooSkewed", kLocal - minutes(30)), kLocal),
              -minutes(30));
}

TEST(ClockSkew, LeavesTheClockAloneOtherwise) {
    ClockSkew skew;
    // Not a time error, no Date, or a Date within the threshold.
    EXPECT_FALSE(skew.correct(time_error("AccessDenied", kLocal + hours(1)), kLocal));
    EXPECT_FALSE(skew.correct(time_error("RequestTimeTooSkewed", std::nullopt), kLocal));
    EXPECT_FALSE(skew.correct(
        time_error("RequestTimeTooSkewed", kLocal + ClockSkew::kThreshold - seconds(1)), kLocal));
    EXPECT_FALSE(skew.correct(
        time_error("RequestTimeTooSkewed", kLocal - ClockSkew::kThreshold + seconds(1)), kLocal));
    EXPECT_EQ(skew.offset(), milliseconds(0));
}

TEST(ClockSkew, ACorrectedClockIsNotCorrectedAgainForTheSameDifference) {
    ClockSkew skew;
    ASSERT_TRUE(skew.correct(time_error("RequestTimeTooSkewed", kLocal + hours(1)), kLocal));
    // A second refusal seen by another worker, signed before the correction:
    // measured against the corrected clock, it is no news.
    EXPECT_FALSE(skew.correct(time_error("RequestTimeTooSkewed", kLocal + hours(1)), kLocal));
    EXPECT_EQ(skew.offset(), hours(1));
}

TEST(ClockSkewRetry, ACorrectedAttemptIsTriedAgainAtOnceSignedWithTheServersTime) {
    aws::RetryControl control;
    control.random01 = [] { return 1.0; };
    std::vector<milliseconds> sleeps;
    control.sleep = [&](milliseconds delay, const std::function<bool()>&) {
        sleeps.push_back(delay);
    };
    control.wall_clock = [] { return kLocal; };
    std::vector<std::string> notices;
    control.notice = [&](const std::string& line) { notices.push_back(line); };
    int retries = 0;
    std::vector<WallTime> signed_at;
    aws::run_with_retries(control,
                          [&](int) {
                              signed_at.push_back(control.clock_skew->corrected(kLocal));
                              // The server's clock is an hour ahead of this machine's.
                              if (signed_at.back() < kLocal + minutes(50)) {
                                  throw time_error("RequestTimeTooSkewed", kLocal + hours(1));
                              }
                          },
                          {"s3", "GET s3://b/?list-type=2", [&] { ++retries; }});
    EXPECT_EQ(signed_at, (std::vector<WallTime>{kLocal, kLocal + hours(1)}));
    EXPECT_EQ(retries, 1);
    EXPECT_TRUE(sleeps.empty()) << "no backoff for a corrected clock";
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0],
              "s3 answered RequestTimeTooSkewed: this machine's clock is 3600 s behind the "
              "server's; signing with the server's time from now on and trying GET "
              "s3://b/?list-type=2 again");
}

TEST(ClockSkewRetry, ARefusalThatCorrectsNothingIsAnErrorLikeAnyOther) {
    aws::RetryControl control;
    control.sleep = [](milliseconds, const std::function<bool()>&) {};
    control.wall_clock = [] { return kLocal; };
    control.policy.max_attempts = 3;
    int attempts = 0;
    // RequestExpired (400) is not retryable by itself, and a Date within the
    // threshold corrects nothing: one attempt.
    EXPECT_THROW(aws::run_with_retries(control,
                                       [&](int) {
                                           ++attempts;
                                           ServiceError error =
                                               time_error("RequestExpired", kLocal + minutes(1));
                                           error.kind = ErrorKind::kInvalid;
                                           throw error;
                                       },
                                       {"sts", "POST sts://x", [] {}}),
                 ServiceError);
    EXPECT_EQ(attempts, 1);
}

TEST(ClockSkewRetry, TheCorrectionCountsAsAnAttempt) {
    aws::RetryControl control;
    control.sleep = [](milliseconds, const std::function<bool()>&) {};
    control.wall_clock = [] { return kLocal; };
    control.policy.max_attempts = 1;
    int attempts = 0;
    EXPECT_THROW(aws::run_with_retries(control,
                                       [&](int) {
                                           ++attempts;
                                           throw time_error("RequestTimeTooSkewed",
                                                            kLocal + hours(1));
                                       },
                                       {"s3", "GET s3://b/", [] {}}),
                 ServiceError);
    EXPECT_EQ(attempts, 1);
    EXPECT_EQ(control.clock_skew->offset(), hours(1)) << "later requests sign corrected";
}

}  // namespace
