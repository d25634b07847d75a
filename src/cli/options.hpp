// The command line: flags as typed (RawOptions), checked once into Options.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/s3_url.hpp"
#include "retention/policy.hpp"

namespace cli {

enum class OutputFormat { kText, kJson };

// Flags exactly as given, before any checking; a pure function turns them into Options.
struct RawOptions {
    std::string url;
    std::string keep;
    std::optional<std::string> older_than;
    std::optional<std::string> before;
    std::vector<std::string> protect;
    std::string sort_by = "newest";
    std::string output = "text";
    bool dry_run = false;
    bool yes = false;
    std::optional<std::string> endpoint_url;
    std::optional<std::string> region;
    std::optional<std::string> profile;
    std::optional<std::string> addressing_style;
    bool debug = false;
};

struct Options {
    S3Url url;
    int keep = 0;
    std::optional<std::chrono::seconds> older_than;
    std::optional<s3::TimePoint> before;
    std::vector<std::string> protect;
    retention::SortBy sort_by = retention::SortBy::kNewest;
    OutputFormat output = OutputFormat::kText;
    bool dry_run = false;
    bool yes = false;
    std::string endpoint_url;  // empty: not given
    std::string region;
    std::string profile;
    std::string addressing_style;  // empty: not given
    bool debug = false;

    // The absolute cutoff for a run that starts at `now`.
    [[nodiscard]] std::optional<s3::TimePoint> cutoff(s3::TimePoint now) const;
};

std::variant<Options, UsageError> validate(const RawOptions& raw);

// What parsing the command line came to: options to run with, a usage error,
// or text to print and leave (--help, --version).
struct ExitNow {
    int code;
    std::string text;
};
using ParseOutcome = std::variant<Options, UsageError, ExitNow>;

ParseOutcome parse_command_line(int argc, const char* const* argv);

}  // namespace cli
