#include "cli/interrupt.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>

namespace cli {

namespace {

// Written by the handler, read by every worker thread: a volatile sig_atomic_t is
// safe between a handler and its own thread only, so this is a lock-free atomic
// (which is async-signal-safe too).
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void record_signal(int signal_number) {
    int none = 0;
    // The first signal wins: a SIGTERM after Ctrl-C does not change the exit code.
    g_signal.compare_exchange_strong(none, signal_number);
}

}  // namespace

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a read at the confirmation prompt must return on Ctrl-C.
    // curl retries its own interrupted waits, so requests in flight run on.
    action.sa_flags = 0;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_signal.load(); }

namespace {
// Nanoseconds of the steady clock; 0 for no deadline. Read by every worker.
std::atomic<std::int64_t> g_deadline{0};

std::int64_t nanoseconds(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
}  // namespace

void set_stop_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    g_deadline.store(deadline ? std::max<std::int64_t>(nanoseconds(*deadline), 1) : 0);
}

bool deadline_passed() {
    const std::int64_t deadline = g_deadline.load();
    return deadline != 0 && nanoseconds(std::chrono::steady_clock::now()) >= deadline;
}

bool stop_requested() { return stop_signal() != 0 || deadline_passed(); }

}  // namespace cli
