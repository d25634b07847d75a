#pragma once

#include "cli/exit_codes.hpp"
#include "cli/options.hpp"

namespace cli {

// Does the whole job for validated options; returns the exit code.
int run_cleanup(const Options& options);

// Prints "s3-cleanup: error: MESSAGE" on stderr.
void print_error(const std::string& message);

}  // namespace cli
