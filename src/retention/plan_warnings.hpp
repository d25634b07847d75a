// What in a plan looks like the user's mistake rather than their intent: a
// root with no folder under it, a --protect glob that protects nothing, a root
// one level too high. A nightly job with a typo must not "succeed" in silence.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "retention/plan.hpp"

namespace retention {

// What the folder listing of the root found, beyond the plan itself.
struct RootFacts {
    std::uint64_t folders = 0;       // folders directly under the root, empty ones included
    std::uint64_t root_objects = 0;  // keys directly under the root
    bool root_is_object = false;     // the root without its '/' is an object's key
};

// A root whose listed deployments all hold sub-folders and none an object of
// its own looks like a folder of apps; it takes this many to say so (one
// folder of sub-folders alone is too little to tell).
inline constexpr std::size_t kAppsWarningMinFolders = 2;

// One line per finding, in a fixed order; empty when nothing looks wrong.
std::vector<std::string> plan_warnings(const Plan& plan, const RootFacts& facts);

}  // namespace retention
