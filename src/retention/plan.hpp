// The plan: a value. --dry-run prints it; the executor carries out exactly it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "retention/deployment.hpp"
#include "retention/policy.hpp"

namespace retention {

enum class Action { kKeep, kDelete };
enum class Reason { kNewest, kProtected, kNewerThanCutoff, kPastKeep };

const char* to_string(Action action);
const char* to_string(Reason reason);

struct Decision {
    Deployment deployment;
    Action action = Action::kKeep;
    Reason reason = Reason::kNewest;
};

struct PlanSummary {
    std::uint64_t deployments = 0;
    std::uint64_t keep = 0;
    std::uint64_t remove = 0;
    std::uint64_t objects_to_delete = 0;
    std::uint64_t bytes_to_delete = 0;
};

struct Plan {
    std::string bucket;
    std::string root;  // with its trailing '/', or empty
    Policy policy;
    std::vector<Decision> decisions;  // newest first in the policy's order
    PlanSummary summary;
};

}  // namespace retention
