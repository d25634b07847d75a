// Ctrl-C and SIGTERM during deletion: finish the requests in flight, send no
// new ones, report, and exit 128 + signal. A Lambda invocation's deadline
// stops a run the same way (cli/lambda_mode.hpp).
#pragma once

#include <chrono>
#include <optional>

namespace cli {

// Installs handlers for SIGINT and SIGTERM that only record the signal.
void install_stop_handlers();
// The signal received since install_stop_handlers(), or 0.
int stop_signal();

// From `deadline` on, stop_requested() is true: no new request is sent.
// nullopt: no deadline.
void set_stop_deadline(std::optional<std::chrono::steady_clock::time_point> deadline);
// Whether the stop deadline has passed (false without one).
bool deadline_passed();
// A signal came, or the deadline passed: send no new request.
bool stop_requested();

}  // namespace cli
