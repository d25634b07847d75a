// Planning is a pure function: listed deployments + policy -> plan. The
// current time enters only through the policy's absolute cutoff.
#pragma once

#include <vector>

#include "retention/plan.hpp"

namespace retention {

// True when name matches one of the shell globs.
bool is_protected(const std::string& name, const std::vector<std::string>& globs);

// True when a live source names the deployment (policy.live).
bool is_live(const std::string& name, const Policy& policy);

// Orders newest first by the policy's sort key; ties go to the greater name.
void sort_newest_first(std::vector<Deployment>& deployments, SortBy sort_by);

Plan make_plan(std::string bucket, std::string root, std::vector<Deployment> deployments,
               const Policy& policy);

}  // namespace retention
