// Ctrl-C and SIGTERM during deletion: finish the requests in flight, send no
// new ones, report, and exit 128 + signal.
#pragma once

namespace cli {

// Installs handlers for SIGINT and SIGTERM that only record the signal.
void install_stop_handlers();
// The signal received since install_stop_handlers(), or 0.
int stop_signal();

}  // namespace cli
