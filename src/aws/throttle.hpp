// One pace for all workers. A SlowDown seen by one worker widens the gap
// between everybody's requests; every success narrows it again, so the pace
// recovers when the errors stop. (rclone's pacer works the same way.) A
// Retry-After holds back every worker, not only the one that was told.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace aws {

class Throttle {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    explicit Throttle(Clock clock = [] { return std::chrono::steady_clock::now(); });

    // Claims the next slot; returns how long the caller must wait for it.
    std::chrono::milliseconds reserve();
    void on_throttled();
    void on_success();
    // A server's Retry-After: no worker's next request goes before `delay`
    // from now (a later pause wins over an earlier one, never the reverse).
    void pause_for(std::chrono::milliseconds delay);
    std::chrono::milliseconds interval() const;

    // The gap after a first SlowDown, its ceiling, and how fast it shrinks.
    static constexpr std::chrono::milliseconds kFirstGap{50};
    static constexpr std::chrono::milliseconds kMaxGap{5'000};
    // Halved by every success (rclone's pacer decays the same way): at 0.9 a
    // steady 15% of SlowDown answers kept the gap at its ceiling for good.
    static constexpr double kRecovery = 0.5;

private:
    Clock clock_;
    mutable std::mutex mutex_;
    std::chrono::microseconds interval_{0};
    std::chrono::steady_clock::time_point next_slot_{};
    std::chrono::steady_clock::time_point paused_until_{};
};

}  // namespace aws
