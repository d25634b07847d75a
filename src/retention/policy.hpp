// What the user asked to keep.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "retention/deployment.hpp"

namespace retention {

enum class SortBy { kNewest, kOldest, kName };

const char* to_string(SortBy sort_by);

struct Policy {
    int keep = 1;                      // the N newest unprotected deployments stay; >= 1
    std::optional<TimePoint> cutoff;   // past the N, only those last written before it go
    std::vector<std::string> protect;  // shell globs on the deployment name
    SortBy sort_by = SortBy::kNewest;
    // Deployments served right now (retention/live.hpp): kept with reason
    // live, outside the N, like protected ones; the executor refuses to doom one.
    std::vector<std::string> live;
};

}  // namespace retention
