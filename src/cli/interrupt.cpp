#include "cli/interrupt.hpp"

#include <atomic>
#include <csignal>

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

}  // namespace cli
