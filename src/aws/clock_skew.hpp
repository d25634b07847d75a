// A signing clock that follows the server's when this machine's is off, as
// the AWS SDKs correct it: a request refused for its time (RequestTimeTooSkewed
// and friends) whose answer's Date is minutes away from ours moves the clock
// of every later signature by the difference.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string_view>

namespace aws {

struct ServiceError;

class ClockSkew {
public:
    using WallTime = std::chrono::system_clock::time_point;

    // A difference smaller than this is not corrected: the servers accept
    // signatures up to 15 minutes off, and the Date header has whole seconds.
    // (aws-sdk-java-v2's ClockSkew adjusts from 4 minutes on, too.)
    static constexpr std::chrono::minutes kThreshold{4};

    // What to add to this machine's clock to sign; zero until corrected.
    [[nodiscard]] std::chrono::milliseconds offset() const;
    [[nodiscard]] WallTime corrected(WallTime local) const { return local + offset(); }

    // When `error` is an answer refusing the request's time, with a server
    // Date more than kThreshold away from corrected(local_now): adopts the
    // difference and returns it (the request should be signed again).
    // nullopt otherwise, and the offset stays.
    std::optional<std::chrono::milliseconds> correct(const ServiceError& error, WallTime local_now);

    // The error codes that say the signature's time was refused.
    static bool is_time_error(std::string_view code);

private:
    std::atomic<long long> offset_ms_{0};
};

}  // namespace aws
