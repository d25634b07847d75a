#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/exit_codes.hpp"
#include "cli/options.hpp"

namespace cli {

// Does the whole job for validated options; returns the exit code.
int run_cleanup(const Options& options);

// Where a run's JSON document goes instead of stdout, with the run's exit code.
using DocumentSink = std::function<void(const nlohmann::ordered_json& document, int exit)>;

// The run of targets already read (run_targets()), with the run flags of
// `run_flags`; the document goes to on_document (stdout when empty). The
// stop handlers must be installed.
int run_policy(const Options& run_flags, std::vector<Options> targets, DocumentSink on_document);

// Prints "s3-cleanup: error: MESSAGE" on stderr.
void print_error(const std::string& message);

}  // namespace cli
