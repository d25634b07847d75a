#pragma once

#include "cli/options.hpp"

namespace cli {

// Exit codes a script can trust.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Does the whole job for validated options; returns the exit code.
int run_cleanup(const Options& options);

// Prints "s3-cleanup: error: MESSAGE" on stderr.
void print_error(const std::string& message);

}  // namespace cli
