// The command line: flags as typed (RawOptions), checked once into Options.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/s3_url.hpp"
#include "retention/key_store.hpp"
#include "retention/policy.hpp"

namespace cli {

enum class OutputFormat { kText, kJson };

inline constexpr int kDefaultMaxAttempts = 8;
inline constexpr int kDefaultTimeoutSeconds = 30;
inline constexpr int kDefaultConcurrency = 16;
// Far beyond what helps against one bucket; keeps a typo from opening
// thousands of connections.
inline constexpr int kMaxConcurrency = 256;
inline constexpr int kMaxTimeoutSeconds = 3600;

// Flags exactly as given, before any checking; a pure function turns them into Options.
struct RawOptions {
    std::string url;  // empty: not given
    std::optional<std::string> keep;
    std::optional<std::string> older_than;
    std::optional<std::string> before;
    std::vector<std::string> protect;
    std::vector<std::string> protect_cloudfront;     // distribution ids
    std::vector<std::string> protect_referenced_by;  // keys of pointer objects
    std::optional<std::string> sort_by;              // newest when not given
    std::string output = "text";
    bool dry_run = false;
    bool yes = false;
    std::optional<std::string> endpoint_url;
    std::optional<std::string> region;
    std::optional<std::string> profile;
    std::optional<std::string> addressing_style;
    bool debug = false;
    std::optional<std::string> max_attempts;
    std::optional<std::string> timeout;
    std::optional<std::string> concurrency;
    std::optional<std::string> log_file;
    std::optional<std::string> metrics_file;         // --metrics-file PATH
    std::optional<std::string> metrics_pushgateway;  // --metrics-pushgateway URL
    bool no_progress = false;
    bool quiet = false;
    bool purge_versions = false;
    bool bypass_governance_retention = false;
    bool expire_with_lifecycle = false;
    std::optional<std::string> expire_with_lifecycle_over;  // N
    // The environment's say, where a flag has an AWS_* or S3_CLEANUP_* twin.
    std::optional<std::string> env_max_attempts;  // AWS_MAX_ATTEMPTS
    std::optional<std::string> env_concurrency;   // S3_CLEANUP_CONCURRENCY
    std::optional<std::string> env_key_budget;    // S3_CLEANUP_KEY_BUDGET
    std::optional<std::string> config;            // --config FILE: the targets come from it
    std::optional<std::string> expected_bucket_owner;
    std::optional<std::string> ca_bundle;  // --ca-bundle FILE
    bool no_verify_ssl = false;
};

struct Options {
    S3Url url;  // its root may hold glob segments (retention/root_pattern.hpp)
    // --config FILE: url and the policy come from the file, one Options per
    // target (cli/run_targets.hpp); this one holds the run flags.
    std::string config;
    // Where a target of a policy file was written ("policy.yaml:9"), for
    // messages; empty for the command line's target.
    std::string origin;
    int keep = 0;
    std::optional<std::chrono::seconds> older_than;
    std::optional<aws::TimePoint> before;
    std::vector<std::string> protect;
    std::vector<std::string> protect_cloudfront;
    std::vector<std::string> protect_referenced_by;
    retention::SortBy sort_by = retention::SortBy::kNewest;
    OutputFormat output = OutputFormat::kText;
    bool dry_run = false;
    bool yes = false;
    std::string endpoint_url;  // empty: not given
    std::string region;
    std::string profile;
    std::string addressing_style;  // empty: not given
    bool debug = false;
    int max_attempts = kDefaultMaxAttempts;
    int timeout_seconds = kDefaultTimeoutSeconds;
    int concurrency = kDefaultConcurrency;
    // S3_CLEANUP_KEY_BUDGET: bytes of listed keys held in memory before they
    // spill to a temporary file (retention/key_store.hpp).
    std::size_t key_budget = retention::kDefaultKeyBudget;
    std::string log_file;  // empty: no audit log
    // Prometheus metrics of the run (cli/run_metrics.hpp): a textfile for
    // node_exporter, and a Pushgateway; empty: not written, not pushed.
    std::string metrics_file;
    std::string metrics_pushgateway;
    bool no_progress = false;
    bool quiet = false;
    bool purge_versions = false;
    // --expire-with-lifecycle: doomed deployments (with more objects than
    // lifecycle_over) expire by a lifecycle rule, not by requests.
    bool expire_with_lifecycle = false;
    std::uint64_t lifecycle_over = 0;
    bool bypass_governance_retention = false;
    // --expected-bucket-owner: the 12-digit account S3 must find owns the
    // bucket, sent with every request to it; empty: not checked.
    std::string expected_bucket_owner;
    std::string ca_bundle;  // --ca-bundle; empty: AWS_CA_BUNDLE, the profile's, the system's
    bool no_verify_ssl = false;

    // The absolute cutoff for a run that starts at `now`.
    [[nodiscard]] std::optional<aws::TimePoint> cutoff(aws::TimePoint now) const;
};

std::variant<Options, UsageError> validate(const RawOptions& raw);

// Why fnmatch(3) would not read a --protect glob as the user meant it (it
// takes an unclosed '[' literally, and a trailing backslash matches nothing).
// Empty for a valid glob.
std::string glob_problem(const std::string& glob);

// An option of the command line, as check_arguments() sees it.
struct OptionSpec {
    std::string name;                    // how messages name it: "--keep"
    std::vector<std::string> spellings;  // "--keep", "-k"
    bool takes_value = false;
    bool repeatable = false;  // --protect; any other option given twice is a mistake
};

// The mistakes CLI11 reports in its own words, found in argv (without the
// program name) before it parses: an unknown option, with the known one it is
// close to; a single-value option given twice; a second URL; an option that
// takes the next flag as its value. Reads argv as CLI11 does (--opt=value,
// -k3, -yq, "--"). nullopt when there is none, or when --help or --version is
// asked for (they win, as in CLI11).
std::optional<UsageError> check_arguments(const std::vector<std::string>& args,
                                          const std::vector<OptionSpec>& specs);

// What parsing the command line came to: options to run with, a usage error,
// or text to print and leave (--help, --version).
struct ExitNow {
    int code;
    std::string text;
};
using ParseOutcome = std::variant<Options, UsageError, ExitNow>;

ParseOutcome parse_command_line(int argc, const char* const* argv);

}  // namespace cli
