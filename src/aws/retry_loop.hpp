// The one retry loop of every service client: wait for the shared throttle's
// slot, try, and on a failure let the pure RetryPolicy decide whether and
// when to try again (aws-sdk-cpp's AttemptExhaustively, rclone's pacer).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aws/clock_skew.hpp"
#include "aws/error.hpp"
#include "aws/retry_policy.hpp"
#include "aws/throttle.hpp"

namespace aws {

// How failed requests are retried, shared by all workers of a run.
struct RetryControl {
    RetryPolicy policy;
    std::shared_ptr<Throttle> throttle = std::make_shared<Throttle>();
    // Polled before every attempt and while waiting: true means stop.
    std::function<bool()> stop_requested = [] { return false; };
    // Uniform in [0, 1): the jitter. A seam for tests.
    std::function<double()> random01;
    // Waits, returning early when a stop is requested. A seam for tests.
    std::function<void(std::chrono::milliseconds, const std::function<bool()>&)> sleep;
    // The signing clock's correction, shared by every request of one signing
    // client: attempts sign at clock_skew->corrected(their clock).
    std::shared_ptr<ClockSkew> clock_skew = std::make_shared<ClockSkew>();
    // This machine's time, to measure a server's Date against. A seam for tests.
    std::function<std::chrono::system_clock::time_point()> wall_clock = [] {
        return std::chrono::system_clock::now();
    };
    // Told what the loop decided that a user may want to know (--debug).
    std::function<void(const std::string&)> notice = [](const std::string&) {};
    RetryControl();
};

// What one request is, for the loop's own errors and for counting.
struct RetryTarget {
    std::string service;  // the service id of a stop's ServiceError: "s3", ...
    std::string label;    // the request, as ServiceError::request says it
    // Told before each new attempt after a failure (not before the first).
    std::function<void()> on_retry = [] {};
};

// Waits for the throttle's next slot, then runs attempt(n) (n from 1) until it
// returns, throws a ServiceError that the policy does not retry, or runs out of
// attempts; between attempts, the policy's backoff (a Retry-After as its floor,
// and every worker held back by it). An answer that refuses the request's time
// with a server Date minutes away corrects the signing clock (clock_skew.hpp)
// and is tried again at once.
// Throws the last ServiceError, or one of kind kCancelled when a stop is
// requested before an attempt.
void run_with_retries(const RetryControl& control, const std::function<void(int)>& attempt,
                      const RetryTarget& target);

// The same for an attempt that returns a value.
template <typename T>
T with_retries(const RetryControl& control, const std::function<T(int)>& attempt,
               const RetryTarget& target) {
    std::optional<T> result;
    run_with_retries(
        control, [&](int n) { result.emplace(attempt(n)); }, target);
    return std::move(*result);
}

}  // namespace aws
