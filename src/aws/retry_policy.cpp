#include "aws/retry_policy.hpp"

#include <algorithm>
#include <charconv>

namespace aws {

bool RetryPolicy::should_retry(ErrorKind kind, int attempt) const {
    return is_retryable(kind) && attempt < max_attempts;
}

std::chrono::milliseconds RetryPolicy::backoff(
    int attempt, double random01, std::optional<std::chrono::milliseconds> retry_after) const {
    // 2^(attempt-1) overflows nothing here: the exponent stops growing at the cap.
    auto ceiling = base;
    for (int i = 1; i < attempt && ceiling < cap; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, cap);
    const double fraction = std::clamp(random01, 0.0, 1.0);
    auto delay = std::chrono::milliseconds(
        static_cast<long long>(static_cast<double>(ceiling.count()) * fraction));
    if (retry_after) delay = std::max(delay, std::min(*retry_after, retry_after_cap));
    return delay;
}

RetryDecision RetryPolicy::decide(ErrorKind kind, int attempt, bool clock_corrected,
                                  const std::function<double()>& random01,
                                  std::optional<std::chrono::milliseconds> retry_after) const {
    if (clock_corrected) return {attempt < max_attempts, std::chrono::milliseconds{0}};
    if (!should_retry(kind, attempt)) return {};
    return {true, backoff(attempt + 1, random01(), retry_after)};
}

std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value) {
    long long seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || seconds < 0) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(std::min(seconds, 86'400LL) * 1000);
}

}  // namespace aws
