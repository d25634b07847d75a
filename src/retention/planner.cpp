#include "retention/planner.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace retention {

const char* to_string(SortBy sort_by) {
    switch (sort_by) {
        case SortBy::kNewest:
            return "newest";
        case SortBy::kOldest:
            return "oldest";
        case SortBy::kName:
            return "name";
    }
    return "newest";
}

const char* to_string(Action action) {
    switch (action) {
        case Action::kKeep:
            return "keep";
        case Action::kDelete:
            return "delete";
        case Action::kExpire:
            return "expire";
        case Action::kExpiring:
            return "expiring";
    }
    return "keep";
}

const char* to_string(Reason reason) {
    switch (reason) {
        case Reason::kNewest:
            return "newest";
        case Reason::kProtected:
            return "protected";
        case Reason::kLive:
            return "live";
        case Reason::kNewerThanCutoff:
            return "newer-than-cutoff";
        case Reason::kPastKeep:
            return "past-keep";
    }
    return "newest";
}

bool is_protected(const std::string& name, const std::vector<std::string>& globs) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
        return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
    });
}

bool is_live(const std::string& name, const Policy& policy) {
    return std::find(policy.live.begin(), policy.live.end(), name) != policy.live.end();
}

void sort_newest_first(std::vector<Deployment>& deployments, SortBy sort_by) {
    auto newer = [sort_by](const Deployment& a, const Deployment& b) {
        switch (sort_by) {
            case SortBy::kNewest:
                if (a.newest != b.newest) return a.newest > b.newest;
                break;
            case SortBy::kOldest:
                if (a.oldest != b.oldest) return a.oldest > b.oldest;
                break;
            case SortBy::kName:
                break;
        }
        return a.name > b.name;  // total order: the greater name counts as newer
    };
    std::sort(deployments.begin(), deployments.end(), newer);
}

Plan make_plan(std::string bucket, std::string root, std::vector<Deployment> deployments,
               const Policy& policy) {
    sort_newest_first(deployments, policy.sort_by);
    Plan plan;
    plan.bucket = std::move(bucket);
    plan.root = std::move(root);
    plan.policy = policy;
    int kept_unprotected = 0;
    for (auto& deployment : deployments) {
        Decision decision;
        if (is_live(deployment.name, policy)) {
            decision.reason = Reason::kLive;
        } else if (is_protected(deployment.name, policy.protect)) {
            decision.reason = Reason::kProtected;
        } else if (kept_unprotected < policy.keep) {
            ++kept_unprotected;
            decision.reason = Reason::kNewest;
        } else if (policy.cutoff && deployment.newest >= *policy.cutoff) {
            // Age is when the deployment was last written, whatever the sort order.
            decision.reason = Reason::kNewerThanCutoff;
        } else {
            decision.action = Action::kDelete;
            decision.reason = Reason::kPastKeep;
        }
        ++plan.summary.deployments;
        if (decision.action == Action::kKeep) {
            ++plan.summary.keep;
        } else {
            ++plan.summary.remove;
            // What is sent: entries written during the run are held back.
            plan.summary.objects_to_delete += deployment.objects - deployment.held_back;
            plan.summary.bytes_to_delete += deployment.bytes;
        }
        decision.deployment = std::move(deployment);
        plan.decisions.push_back(std::move(decision));
    }
    return plan;
}

}  // namespace retention
