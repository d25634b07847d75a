#include "aws/throttle.hpp"

#include <algorithm>

namespace aws {

Throttle::Throttle(Clock clock) : clock_(std::move(clock)) {}

std::chrono::milliseconds Throttle::reserve() {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    const auto earliest = std::max(now, paused_until_);
    if (interval_.count() == 0) return std::chrono::ceil<std::chrono::milliseconds>(earliest - now);
    const auto slot = std::max(earliest, next_slot_);
    next_slot_ = slot + interval_;
    return std::chrono::ceil<std::chrono::milliseconds>(slot - now);
}

void Throttle::pause_for(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    paused_until_ = std::max(paused_until_, clock_() + delay);
}

void Throttle::on_throttled() {
    std::lock_guard lock(mutex_);
    interval_ = std::clamp<std::chrono::microseconds>(2 * interval_, kFirstGap, kMaxGap);
}

void Throttle::on_success() {
    std::lock_guard lock(mutex_);
    if (interval_.count() == 0) return;
    interval_ = std::chrono::microseconds(
        static_cast<long long>(static_cast<double>(interval_.count()) * kRecovery));
    if (interval_ < std::chrono::milliseconds{1}) interval_ = std::chrono::microseconds{0};
}

std::chrono::milliseconds Throttle::interval() const {
    std::lock_guard lock(mutex_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(interval_);
}

}  // namespace aws
