// s3-cleanup as an AWS Lambda custom runtime: each invocation's event is a
// policy (the policy file's schema, in JSON, with the run keys dry_run, yes,
// concurrency and metrics_pushgateway), its answer the run's JSON document.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/options.hpp"

namespace cli {

// Set by Lambda for a custom runtime: the Runtime API's host:port.
inline constexpr const char* kRuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

// How long before an invocation's deadline the run stops sending new
// requests: the requests in flight finish (a DeleteObjects takes well under a
// second) and the answer is posted before Lambda stops the function.
inline constexpr std::chrono::milliseconds kDeadlineMargin{5'000};
// Tests shorten the margin with this variable (milliseconds).
inline constexpr const char* kDeadlineMarginVariable = "S3_CLEANUP_LAMBDA_MARGIN_MS";

// The errorType of an invocation whose event is no policy s3-cleanup can run.
inline constexpr const char* kInvalidEvent = "InvalidEvent";

// Lambda runs the image's ENTRYPOINT with no arguments; with any, s3-cleanup
// is the command-line tool, wherever it runs.
bool lambda_runtime_asked(int argc);

// Serves invocations until Lambda stops the process; returns the exit code
// when the Runtime API cannot be reached or the environment is unusable
// (after telling /runtime/init/error).
int run_lambda_runtime();

// An event understood: the run flags and the targets to run.
struct EventRun {
    Options run;
    std::vector<Options> targets;
};

// The event read as a policy: one line naming the problem when it is none.
// `base`: the run flags from the environment (JSON output, no terminal).
std::variant<EventRun, UsageError> read_event(const std::string& event, const RawOptions& base);

}  // namespace cli
