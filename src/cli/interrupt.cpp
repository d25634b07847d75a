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
    // Restart interrupted system calls: a request in flight runs to its end.
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_signal; }

}  // namespace cli
