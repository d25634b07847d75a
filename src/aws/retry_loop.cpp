#include "aws/retry_loop.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace aws {

namespace {

void wait(const RetryControl& control, std::chrono::milliseconds delay) {
    if (delay.count() > 0) control.sleep(delay, control.stop_requested);
}

std::string correction_notice(const RetryTarget& target, const ServiceError& error,
                              std::chrono::milliseconds offset) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(offset).count();
    return target.service + " answered " + error.code + ": this machine's clock is " +
           std::to_string(seconds < 0 ? -seconds : seconds) + " s " +
           (seconds < 0 ? "ahead of" : "behind") +
           " the server's; signing with the server's time from now on and trying " + target.label +
           " again";
}

}  // namespace

RetryControl::RetryControl() {
    random01 = [] {
        thread_local std::mt19937_64 engine{std::random_device{}()};
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
    sleep = [](std::chrono::milliseconds delay, const std::function<bool()>& stop) {
        // In small steps, so Ctrl-C is answered within a tenth of a second.
        constexpr std::chrono::milliseconds kStep{100};
        const auto until = std::chrono::steady_clock::now() + delay;
        while (!stop()) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= until) return;
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(until - now, kStep));
        }
    };
}

void run_with_retries(const RetryControl& control, const std::function<void(int)>& attempt,
                      const RetryTarget& target) {
    for (int n = 1;; ++n) {
        wait(control, control.throttle->reserve());
        if (control.stop_requested()) {
            throw ServiceError(target.service, ErrorKind::kCancelled, 0, "",
                               "stopped before the request was sent", "", target.label);
        }
        try {
            attempt(n);
            control.throttle->on_success();
            return;
        } catch (const ServiceError& error) {
            if (error.kind == ErrorKind::kThrottled) control.throttle->on_throttled();
            if (error.retry_after) {
                control.throttle->pause_for(
                    std::min(*error.retry_after, control.policy.retry_after_cap));
            }
            const auto corrected = control.clock_skew->correct(error, control.wall_clock());
            if (corrected) control.notice(correction_notice(target, error, *corrected));
            const RetryDecision next = control.policy.decide(error.kind, n, corrected.has_value(),
                                                             control.random01, error.retry_after);
            if (!next.again) throw;
            target.on_retry();
            wait(control, next.wait);
        }
    }
}

}  // namespace aws
