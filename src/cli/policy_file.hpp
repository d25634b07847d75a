// The policy file of `s3-cleanup --config FILE`: YAML that names several
// targets, each with the settings its command line would have had.
//
//   version: 1
//   defaults: {keep: 5, region: eu-west-1}   # any target key; a target's own wins
//   targets:
//     - url: s3://site-prod/
//       keep: 10
//
// Parsing checks the file's shape only (keys, types, what is missing); the
// values are checked by validate(), as they would be on the command line.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cli/options.hpp"
#include "cli/s3_url.hpp"

namespace cli {

struct PolicyTarget {
    // The policy's keys only, defaults merged and the target's own value
    // winning; text exactly as the command line gives it (keep: 5 -> "5"),
    // lists as vectors, booleans as bool. Every other field keeps its default.
    RawOptions raw;
    int line = 0;                      // 1-based line of the target's entry (its first key)
    std::map<std::string, int> lines;  // policy key -> 1-based line of its effective value
};

struct PolicyFile {
    std::vector<PolicyTarget> targets;
    // A Lambda event's run keys (dry_run, yes, concurrency,
    // metrics_pushgateway), as the command line's run flags would be; unset
    // for a file, which may not hold them.
    RawOptions run;
    std::map<std::string, int> run_lines;  // run key -> 1-based line
};

// What the document is: a policy file, or a Lambda event (the same schema,
// in JSON, plus the run keys).
enum class PolicySource { kFile, kLambdaEvent };

// The whole file checked before anything happens; the first problem found is
// the error, one line "FILE:LINE: what is wrong". file_name: as messages name it.
std::variant<PolicyFile, UsageError> parse_policy(std::string_view text,
                                                  const std::string& file_name,
                                                  PolicySource source = PolicySource::kFile);

// parse_policy() on the file's content; "FILE: cannot be read: <strerror>"
// when it cannot be read.
std::variant<PolicyFile, UsageError> read_policy_file(const std::string& path);

// The policy key a command-line flag is written as: "keep" for "--keep",
// "older_than" for "--older-than". Empty when the flag is no policy key.
std::string policy_key_of_flag(std::string_view flag);

}  // namespace cli
