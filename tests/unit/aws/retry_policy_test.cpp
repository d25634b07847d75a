#include "aws/retry_policy.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "aws/throttle.hpp"

namespace aws {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, RetriesOnlyRetryableKindsAndStopsAtMaxAttempts) {
    RetryPolicy policy;
    policy.max_attempts = 3;
    EXPECT_TRUE(policy.should_retry(ErrorKind::kThrottled, 1));
    EXPECT_TRUE(policy.should_retry(ErrorKind::kServer, 2));
    EXPECT_TRUE(policy.should_retry(ErrorKind::kTransport, 1));
    EXPECT_TRUE(policy.should_retry(ErrorKind::kBadResponse, 1));
    EXPECT_FALSE(policy.should_retry(ErrorKind::kServer, 3));
    EXPECT_FALSE(policy.should_retry(ErrorKind::kAccessDenied, 1));
    EXPECT_FALSE(policy.should_retry(ErrorKind::kAuth, 1));
    EXPECT_FALSE(policy.should_retry(ErrorKind::kNotFound, 1));
    EXPECT_FALSE(policy.should_retry(ErrorKind::kInvalid, 1));
}

TEST(RetryPolicy, BackoffIsFullJitterUnderAnExponentialCeilingWithACap) {
    RetryPolicy policy;  // base 100 ms, cap 20 s
    EXPECT_EQ(policy.backoff(1, 0.0), milliseconds(0));
    EXPECT_EQ(policy.backoff(1, 0.999), milliseconds(99));
    EXPECT_EQ(policy.backoff(2, 0.5), milliseconds(100));
    EXPECT_EQ(policy.backoff(4, 0.5), milliseconds(400));
    EXPECT_EQ(policy.backoff(20, 0.5), milliseconds(10'000));
    EXPECT_EQ(policy.backoff(1000, 1.0), milliseconds(20'000));
    EXPECT_EQ(policy.backoff(3, 7.0), milliseconds(400));  // random clamped to [0, 1]
}

TEST(RetryPolicy, RetryAfterIsAFloorButNotUnbounded) {
    RetryPolicy policy;
    EXPECT_EQ(policy.backoff(1, 0.1, milliseconds(3000)), milliseconds(3000));
    EXPECT_EQ(policy.backoff(20, 0.9, milliseconds(10)), milliseconds(18'000));
    EXPECT_EQ(policy.backoff(1, 0.0, milliseconds(3'600'000)), milliseconds(60'000));
}

// A jitter source that always gives `value` and counts how often it was asked.
std::function<double()> counted_random(double value, int& draws) {
    return [value, &draws] {
        ++draws;
        return value;
    };
}

TEST(RetryPolicy, DecideRetriesWithBackoffOrStops) {
    RetryPolicy policy;
    policy.max_attempts = 3;
    int draws = 0;
    const auto half = counted_random(0.5, draws);
    // attempt 1 failed: attempt 2 comes after half of base * 2.
    const auto next = policy.decide(ErrorKind::kServer, 1, false, half, std::nullopt);
    EXPECT_TRUE(next.again);
    EXPECT_EQ(next.wait, std::chrono::milliseconds(100));
    EXPECT_EQ(draws, 1);
    // A Retry-After is the floor of the wait.
    EXPECT_EQ(policy.decide(ErrorKind::kThrottled, 1, false, half, std::chrono::seconds(3)).wait,
              std::chrono::milliseconds(3000));
    // Not retryable, or out of attempts: no try, and no jitter drawn for nothing.
    draws = 0;
    EXPECT_FALSE(policy.decide(ErrorKind::kAccessDenied, 1, false, half, std::nullopt).again);
    EXPECT_FALSE(policy.decide(ErrorKind::kServer, 3, false, half, std::nullopt).again);
    EXPECT_EQ(draws, 0);
}

TEST(RetryPolicy, DecideAfterAClockCorrectionTriesAgainAtOnceWhileAttemptsRemain) {
    RetryPolicy policy;
    policy.max_attempts = 2;
    int draws = 0;
    const auto count = counted_random(0.9, draws);
    // Any kind: the refusal was of the request's time, which is now corrected.
    const auto next = policy.decide(ErrorKind::kAccessDenied, 1, true, count, std::nullopt);
    EXPECT_TRUE(next.again);
    EXPECT_EQ(next.wait, std::chrono::milliseconds(0));
    EXPECT_EQ(draws, 0);
    // The retry still counts: --max-attempts 2 allows one correction, no more.
    EXPECT_FALSE(policy.decide(ErrorKind::kAccessDenied, 2, true, count, std::nullopt).again);
}

TEST(RetryPolicy, ParsesRetryAfterSeconds) {
    EXPECT_EQ(parse_retry_after("3"), milliseconds(3000));
    EXPECT_EQ(parse_retry_after("0"), milliseconds(0));
    EXPECT_EQ(parse_retry_after(""), std::nullopt);
    EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
    EXPECT_EQ(parse_retry_after("1.5"), std::nullopt);
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
}

struct FakeSteadyClock {
    std::chrono::steady_clock::time_point now{std::chrono::seconds(1000)};
};

TEST(Throttle, NoGapUntilAThrottleThenEveryoneWaits) {
    FakeSteadyClock clock;
    Throttle throttle([&clock] { return clock.now; });
    EXPECT_EQ(throttle.reserve(), milliseconds(0));
    EXPECT_EQ(throttle.reserve(), milliseconds(0));
    throttle.on_throttled();
    EXPECT_EQ(throttle.interval(), Throttle::kFirstGap);
    // Three workers asking at the same moment get slots one gap apart.
    EXPECT_EQ(throttle.reserve(), milliseconds(0));
    EXPECT_EQ(throttle.reserve(), milliseconds(50));
    EXPECT_EQ(throttle.reserve(), milliseconds(100));
}

TEST(Throttle, GapDoublesToACeilingAndRecoversOnSuccess) {
    FakeSteadyClock clock;
    Throttle throttle([&clock] { return clock.now; });
    for (int i = 0; i < 20; ++i) throttle.on_throttled();
    EXPECT_EQ(throttle.interval(), Throttle::kMaxGap);
    int successes = 0;
    while (throttle.interval() > milliseconds(0) && successes < 1000) {
        throttle.on_success();
        ++successes;
    }
    EXPECT_EQ(throttle.interval(), milliseconds(0));
    EXPECT_GT(successes, 10);   // gradual, not at once
    EXPECT_LT(successes, 200);  // but it does come back
}

TEST(Throttle, ARetryAfterHoldsBackEveryWorkerUntilItEnds) {
    FakeSteadyClock clock;
    Throttle throttle([&clock] { return clock.now; });
    throttle.pause_for(milliseconds(3000));
    // No gap was asked for: every worker's next slot is the pause's end.
    EXPECT_EQ(throttle.reserve(), milliseconds(3000));
    EXPECT_EQ(throttle.reserve(), milliseconds(3000));
    clock.now += milliseconds(1000);
    EXPECT_EQ(throttle.reserve(), milliseconds(2000));
    // A shorter pause told later does not end the longer one early.
    throttle.pause_for(milliseconds(500));
    EXPECT_EQ(throttle.reserve(), milliseconds(2000));
    clock.now += milliseconds(2000);
    EXPECT_EQ(throttle.reserve(), milliseconds(0));
}

TEST(Throttle, APauseAndAGapAddUp) {
    FakeSteadyClock clock;
    Throttle throttle([&clock] { return clock.now; });
    throttle.on_throttled();
    throttle.pause_for(milliseconds(1000));
    EXPECT_EQ(throttle.reserve(), milliseconds(1000));
    EXPECT_EQ(throttle.reserve(), milliseconds(1000) + Throttle::kFirstGap);
}

}  // namespace
}  // namespace aws
