#include "retention/plan_warnings.hpp"

#include <algorithm>

#include "retention/planner.hpp"

namespace retention {

namespace {

// Names the examples of a warning shows at most.
constexpr std::size_t kNamesShown = 3;

std::string url_of(const Plan& plan) { return "s3://" + plan.bucket + "/" + plan.root; }

std::string some_names(const Plan& plan) {
    std::string out;
    for (std::size_t i = 0; i < plan.decisions.size() && i < kNamesShown; ++i) {
        out += (i == 0 ? "" : ", ") + plan.decisions[i].deployment.name;
    }
    if (plan.decisions.size() > kNamesShown) out += ", ...";
    return out;
}

std::string plural(std::uint64_t count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

void root_warnings(const Plan& plan, const RootFacts& facts, std::vector<std::string>& out) {
    if (facts.folders > 0 || !plan.ghosts.empty()) return;
    if (facts.root_is_object) {
        const std::string key = plan.root.substr(0, plan.root.size() - 1);
        out.push_back("s3://" + plan.bucket + "/" + key +
                      " is an object, not a folder: give the folder that holds the deployments");
    } else if (facts.root_objects > 0) {
        out.push_back(url_of(plan) + " holds no folder, only " +
                      plural(facts.root_objects, "object", "objects") +
                      " directly under it (never deployments): is the URL one level too deep?");
    } else {
        out.push_back(url_of(plan) +
                      " is empty: no folder and no object under it; check the bucket and the "
                      "path for a typo");
    }
}

void protect_warnings(const Plan& plan, std::vector<std::string>& out) {
    if (plan.decisions.empty()) return;  // the root's own warning says enough
    for (const auto& glob : plan.policy.protect) {
        const bool matches =
            std::any_of(plan.decisions.begin(), plan.decisions.end(),
                        [&](const Decision& d) { return is_protected(d.deployment.name, {glob}); });
        if (matches) continue;
        out.push_back("--protect '" + glob + "' matches no deployment under " + url_of(plan) +
                      " (deployments: " + some_names(plan) + "): check the name");
    }
}

void apps_warning(const Plan& plan, std::vector<std::string>& out) {
    std::size_t listed = 0;
    for (const auto& d : plan.decisions) {
        const Deployment& dep = d.deployment;
        if (!dep.listed) continue;
        if (dep.has_direct_objects || !dep.has_subfolders) return;
        ++listed;
    }
    if (listed < kAppsWarningMinFolders) return;
    out.push_back("no folder under " + url_of(plan) + " (" + some_names(plan) +
                  ") has an object of its own, every one holds only sub-folders: these look "
                  "like apps, not deployments: did you mean " +
                  url_of(plan) + "*/ (keep N per app), or one app, such as " + url_of(plan) +
                  plan.decisions.front().deployment.name + "/?");
}

}  // namespace

std::vector<std::string> plan_warnings(const Plan& plan, const RootFacts& facts) {
    std::vector<std::string> out;
    root_warnings(plan, facts, out);
    protect_warnings(plan, out);
    apps_warning(plan, out);
    return out;
}

}  // namespace retention
