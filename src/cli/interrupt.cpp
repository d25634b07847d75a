#include "cli/interrupt.hpp"

#include <csignal>

namespace cli {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int signal_number) {
    if (g_signal == 0) g_signal = signal_number;
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

int stop_signal() { return g_signal; }

}  // namespace cli
