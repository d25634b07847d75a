// Expiring doomed deployments with the bucket's own lifecycle engine
// (--expire-with-lifecycle): one prefix rule per deployment, owned by
// s3-cleanup, instead of DeleteObjects requests. Planning decides which rules
// to add, remove and retire; writing merges that into the configuration as
// the bucket holds it at that moment, and reads it back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "retention/bucket.hpp"
#include "retention/key_store.hpp"

namespace retention {

struct Plan;

struct LifecycleOptions {
    bool enabled = false;
    // Only deployments with more objects than this get a rule; the others are
    // deleted with requests as without the mode.
    std::uint64_t over = 0;
};

// Why a doomed deployment is deleted with requests in this mode.
enum class ByRequests {
    kSmall,          // not more objects than --expire-with-lifecycle-over
    kLimit,          // the configuration is full (the store's rule limit)
    kNotCarriable,   // its prefix cannot travel in a rule (XML 1.0 cannot carry it)
    kWrittenDuring,  // objects were written under it during the run: a rule would expire them
};
const char* to_string(ByRequests reason);

struct RuleChange {
    LifecycleRule rule;
    std::string deployment;  // its NAME; empty when no deployment of the plan is there
    std::string reason;      // remove: why the deployment is kept now (the plan's reason)
};

struct LifecycleChange {
    std::vector<RuleChange> add;      // doomed deployments handed to the lifecycle engine
    std::vector<RuleChange> remove;   // deployments kept now (live, protected, among the N, ...)
    std::vector<RuleChange> retire;   // nothing is left under the prefix
    std::vector<RuleChange> pending;  // expiring: the rule stays as it is
    std::vector<std::pair<std::string, ByRequests>> by_requests;  // deployment names
    std::size_t rules_before = 0;  // in the bucket's whole configuration
    std::size_t rules_after = 0;
    std::size_t limit = 0;        // the store's rule limit
    aws::TimePoint planned_at{};  // the moment the ages of the rules are told from

    [[nodiscard]] bool writes() const { return !add.empty() || !remove.empty() || !retire.empty(); }
};

// After build_plan: hands the doomed deployments to lifecycle rules where the
// options allow (their action becomes kExpire, their keys are released), marks
// those that already have an owned rule kExpiring (not deleted again), and
// decides which owned rules go: those of deployments the plan keeps, and those
// whose prefix holds nothing any more (one 1-key listing each). `rules` is the
// bucket's configuration as read for this plan. Throws LifecycleError when an
// owned rule would expire what this plan keeps without being one of its
// deployments' (a rule covering the root, or inside a kept deployment).
// `store`: where the plan's keys are held (their budget is given back).
void plan_lifecycle(Bucket& bucket, Plan& plan, const std::vector<LifecycleRule>& rules,
                    const LifecycleOptions& options, aws::TimePoint now, KeyStore* store = nullptr);

struct LifecycleWrite {
    bool written = false;   // false: the configuration already was as planned
    std::size_t rules = 0;  // in the configuration written (and read back)
};

// Carries out the lifecycle changes of the plans of one bucket in one write:
// reads the configuration afresh (a rule changed since planning is not lost),
// drops the rules to remove and retire, adds the new ones, checks every rule
// against its plan (throws PlanSafetyError: a new rule for a deployment the
// plan does not doom, an owned rule left on one it keeps), writes, reads back
// and compares (throws LifecycleError naming each difference).
LifecycleWrite apply_lifecycle(Bucket& bucket, const std::vector<const Plan*>& plans);

}  // namespace retention
