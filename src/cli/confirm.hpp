// Asking before deleting.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "retention/plan.hpp"

namespace cli {

// "Delete 45 deployments (9,000 objects, 105 MiB) from s3://site/? [y/N] "
std::string confirmation_question(const retention::Plan& plan);
// One question for a run over several roots: a line per root that deletes,
// then the total.
std::string confirmation_question(const std::vector<const retention::Plan*>& plans);
// Only "y" or "yes" (any case, surrounding blanks ignored) is a yes.
bool is_yes(const std::string& answer);
bool stdin_is_terminal();

}  // namespace cli
