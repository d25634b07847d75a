// Whether and when to try a failed request again: a pure decision, kept apart
// from the loop that sleeps (retry_loop.hpp) so it can be tested without a clock.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "aws/error.hpp"

namespace aws {

// What to do after a failed attempt: try again or not, and how long to wait first.
struct RetryDecision {
    bool again = false;
    std::chrono::milliseconds wait{0};
};

struct RetryPolicy {
    // --max-attempts / AWS_MAX_ATTEMPTS; counts the first try.
    int max_attempts = 8;
    // Capped exponential backoff with full jitter:
    // sleep = random(0, min(cap, base * 2^(attempt-1))).
    // https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
    std::chrono::milliseconds base{100};
    std::chrono::milliseconds cap{20'000};
    // A Retry-After longer than this is not waited for in full.
    std::chrono::milliseconds retry_after_cap{60'000};

    // attempt: the number of the attempt that just failed, from 1.
    [[nodiscard]] bool should_retry(ErrorKind kind, int attempt) const;
    // random01 in [0, 1). retry_after: the server's own word, honoured as a floor.
    [[nodiscard]] std::chrono::milliseconds backoff(
        int attempt, double random01,
        std::optional<std::chrono::milliseconds> retry_after = std::nullopt) const;
    // The whole decision after attempt `attempt` failed with `kind`. clock_corrected:
    // the answer refused the request's time and the signing clock is now corrected
    // (clock_skew.hpp); then any kind is worth another try while attempts remain, at
    // once, since the time was the problem, not the server's load. random01 is asked
    // for only when there is a backoff to draw.
    [[nodiscard]] RetryDecision decide(ErrorKind kind, int attempt, bool clock_corrected,
                                       const std::function<double()>& random01,
                                       std::optional<std::chrono::milliseconds> retry_after) const;
};

// Retry-After in delta-seconds ("3"); nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value);

// Hard limit on --max-attempts, so a typo cannot make a run retry for days.
inline constexpr int kMaxAttemptsLimit = 100;

}  // namespace aws
