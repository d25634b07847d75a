// The targets of a run: the command line's one, or every target of the
// policy file (--config), each validated as its command line would be and
// given the run flags of the real command line.
#pragma once

#include <variant>
#include <vector>

#include "cli/options.hpp"
#include "cli/policy_file.hpp"

namespace cli {

// Two targets on the same bucket whose roots overlap (one inside or equal to
// the other) would both decide about the same objects. Checked here where
// the URLs alone tell (a literal root over anything below it), and again once
// wildcard roots are expanded. Empty when none overlap.
std::string overlap_problem(const std::vector<Options>& targets);

// Whether two literal roots of one bucket overlap: one is a prefix of the
// other, folder-wise ("app/" never reaches "app2/").
bool roots_overlap(const std::string& a, const std::string& b);

// How messages name a target: its URL, and where it was written.
std::string target_name(const Options& target);

std::variant<std::vector<Options>, UsageError> run_targets(const Options& command_line);

// The targets of a policy read already (a file's, or a Lambda event's), each
// validated and given the run flags of `run`. file_name: as messages name it.
std::variant<std::vector<Options>, UsageError> targets_of(const PolicyFile& file,
                                                          const std::string& file_name,
                                                          const Options& run);

}  // namespace cli
