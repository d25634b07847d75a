// Unit tests for src/aws/retry_loop.hpp: the one retry loop, with the sleep
// and the jitter replaced so nothing waits. The S3 client's use of it is
// tested in tests/unit/s3/client_test.cpp.
#include "aws/retry_loop.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace {

using aws::ErrorKind;
using aws::ServiceError;
using std::chrono::milliseconds;

struct Loop {
    Loop() {
        control.random01 = [] { return 1.0; };
        control.sleep = [this](milliseconds delay, const std::function<bool()>&) {
            sleeps.push_back(delay);
        };
        target = {"sts", "POST sts://x", [this] { ++retries; }};
    }
    aws::RetryControl control;
    aws::RetryTarget target;
    std::vector<milliseconds> sleeps;
    int retries = 0;
};

ServiceError failure(ErrorKind kind) {
    return ServiceError("sts", kind, 500, "Code", "message", "", "POST sts://x");
}

TEST(RetryLoop, FirstSuccessIsReturned) {
    Loop loop;
    std::vector<int> attempts;
    const int value = aws::with_retries<int>(
        loop.control, [&](int n) { return attempts.push_back(n), 42; }, loop.target);
    EXPECT_EQ(value, 42);
    EXPECT_EQ(attempts, std::vector<int>{1});
    EXPECT_EQ(loop.retries, 0);
    EXPECT_TRUE(loop.sleeps.empty());
}

TEST(RetryLoop, RetryableFailuresAreTriedAgainWithBackoff) {
    Loop loop;
    loop.control.policy.max_attempts = 3;
    std::vector<int> attempts;
    const std::string value = aws::with_retries<std::string>(
        loop.control,
        [&](int n) -> std::string {
            attempts.push_back(n);
            if (n < 3) throw failure(ErrorKind::kServer);
            return "done";
        },
        loop.target);
    EXPECT_EQ(value, "done");
    EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(loop.retries, 2);
    // Full jitter at random01 = 1: the ceilings of attempts 2 and 3.
    EXPECT_EQ(loop.sleeps, (std::vector<milliseconds>{milliseconds(200), milliseconds(400)}));
}

TEST(RetryLoop, LastFailureIsThrownWhenAttemptsRunOut) {
    Loop loop;
    loop.control.policy.max_attempts = 2;
    int attempts = 0;
    try {
        aws::run_with_retries(
            loop.control,
            [&](int) {
                ++attempts;
                throw failure(ErrorKind::kThrottled);
            },
            loop.target);
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kThrottled);
    }
    EXPECT_EQ(attempts, 2);
    EXPECT_EQ(loop.retries, 1);
    EXPECT_GT(loop.control.throttle->interval(), milliseconds(0));  // the throttle was told
}

TEST(RetryLoop, PermanentFailuresAreNotRetried) {
    Loop loop;
    int attempts = 0;
    EXPECT_THROW(aws::run_with_retries(
                     loop.control,
                     [&](int) {
                         ++attempts;
                         throw failure(ErrorKind::kAccessDenied);
                     },
                     loop.target),
                 ServiceError);
    EXPECT_EQ(attempts, 1);
    EXPECT_EQ(loop.retries, 0);
}

TEST(RetryLoop, RetryAfterIsTheFloorOfTheWait) {
    Loop loop;
    loop.control.random01 = [] { return 0.0; };
    loop.control.policy.max_attempts = 2;
    aws::run_with_retries(
        loop.control,
        [&](int n) {
            if (n == 1) {
                ServiceError error = failure(ErrorKind::kThrottled);
                error.retry_after = milliseconds(3000);
                throw error;
            }
        },
        loop.target);
    ASSERT_FALSE(loop.sleeps.empty());
    EXPECT_EQ(loop.sleeps.back(), milliseconds(3000));
}

TEST(RetryLoop, AStopBeforeAnAttemptIsACancelledErrorOfTheService) {
    Loop loop;
    loop.control.stop_requested = [] { return true; };
    int attempts = 0;
    try {
        aws::run_with_retries(
            loop.control, [&](int) { ++attempts; }, loop.target);
        FAIL() << "expected ServiceError";
    } catch (const ServiceError& error) {
        EXPECT_EQ(error.kind, ErrorKind::kCancelled);
        EXPECT_EQ(error.service, "sts");
        EXPECT_EQ(error.request, "POST sts://x");
        EXPECT_EQ(std::string(error.what()),
                  "stopped before the request was sent (no response) [POST sts://x]");
    }
    EXPECT_EQ(attempts, 0);
}

}  // namespace
