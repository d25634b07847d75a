#include "retention/lifecycle.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "retention/executor.hpp"
#include "retention/inventory.hpp"
#include "retention/plan.hpp"
#include "retention/planner.hpp"

namespace retention {

const char* to_string(ByRequests reason) {
    switch (reason) {
        case ByRequests::kSmall:
            return "small";
        case ByRequests::kLimit:
            return "limit";
        case ByRequests::kNotCarriable:
            return "xml";
        case ByRequests::kWrittenDuring:
            return "written-during-run";
    }
    return "small";
}

namespace {

// The deployment NAME an owned rule of this root expires, or empty when its
// prefix is not ROOT/NAME/ (another root's rule, or none of ours).
std::string deployment_of(const LifecycleRule& rule, const std::string& root) {
    if (!rule.owned || rule.prefix.size() <= root.size() + 1 || !rule.prefix.starts_with(root) ||
        rule.prefix.back() != '/') {
        return {};
    }
    std::string name = rule.prefix.substr(root.size(), rule.prefix.size() - root.size() - 1);
    return name.find('/') == std::string::npos ? name : std::string();
}

// A deployment leaves the request deletion: its figures leave the summary's.
void take_out_of_deletion(Plan& plan, Decision& decision, KeyStore* store) {
    Deployment& d = decision.deployment;
    --plan.summary.remove;
    plan.summary.objects_to_delete -= d.objects - d.held_back;
    plan.summary.bytes_to_delete -= d.bytes;
    if (plan.purge_versions) {
        plan.summary.versions_to_delete -= d.versions + d.delete_markers - d.versions_held_back;
        plan.summary.version_bytes_to_delete -= d.version_bytes;
    }
    release_keys(d, store);
}

// Whether anything at all is left under the prefix: an object, or on a
// bucket that may keep versions, a version or delete marker.
bool holds_anything(Bucket& bucket, const std::string& prefix, bool versions) {
    bool found = false;
    bucket.list({.prefix = prefix, .versions = versions, .first_page = 1}, [&](ListedPage& page) {
        found = !page.objects.empty();
        return false;
    });
    return found;
}

// A rule that would expire what this plan keeps without being one of its
// deployments' rules: it covers the whole root, or lies inside a kept
// deployment (two policies on overlapping roots).
void refuse_overlaps(const Plan& plan, const std::vector<LifecycleRule>& rules) {
    for (const auto& rule : rules) {
        if (!rule.owned || !deployment_of(rule, plan.root).empty()) continue;
        const bool covers_root = plan.root.starts_with(rule.prefix);
        const auto inside = std::find_if(
            plan.decisions.begin(), plan.decisions.end(), [&rule](const Decision& decision) {
                return decision.action == Action::kKeep &&
                       rule.prefix.starts_with(decision.deployment.prefix);
            });
        if (covers_root || inside != plan.decisions.end()) {
            throw LifecycleError(
                "lifecycle rule '" + rule.id + "' (s3-cleanup's, prefix '" + rule.prefix +
                "') expires " +
                (covers_root ? "everything under this root"
                             : "objects of the kept deployment '" + inside->deployment.name + "'") +
                ": it belongs to a policy whose root overlaps this one; remove it or the overlap "
                "first");
        }
    }
}

// A ghost whose versions an owned rule has all expired, leaving only delete
// markers: listed again with their version ids to be deleted (a purge deletes
// ghosts anyway). nullopt when anything else is there.
std::optional<Deployment> markers_alone(Bucket& bucket, const Plan& plan, const std::string& name,
                                        aws::TimePoint now, KeyStore* store) {
    if (plan.purge_versions) return std::nullopt;
    const auto ghost = std::find_if(plan.ghosts.begin(), plan.ghosts.end(),
                                    [&name](const Deployment& g) { return g.name == name; });
    if (ghost == plan.ghosts.end() || ghost->versions > 0 || ghost->delete_markers == 0) {
        return std::nullopt;
    }
    Deployment markers;
    markers.name = ghost->name;
    markers.prefix = ghost->prefix;
    markers.listed = false;
    // Anything written from now on is held back, never sent.
    list_versions(bucket, markers, {store, now});
    if (markers.versions > 0 || markers.versions_held_back > 0 || markers.delete_markers == 0) {
        release_keys(markers, store);
        return std::nullopt;
    }
    return markers;
}

}  // namespace

void plan_lifecycle(Bucket& bucket, Plan& plan, const std::vector<LifecycleRule>& rules,
                    const LifecycleOptions& options, aws::TimePoint now, KeyStore* store) {
    refuse_overlaps(plan, rules);
    LifecycleChange change;
    change.rules_before = rules.size();
    change.limit = bucket.lifecycle_rule_limit();
    change.planned_at = now;
    std::map<std::string, const LifecycleRule*> owned;  // by deployment name
    for (const auto& rule : rules) {
        std::string name = deployment_of(rule, plan.root);
        if (!name.empty()) owned.emplace(std::move(name), &rule);
    }

    std::vector<Decision*> candidates;
    for (auto& decision : plan.decisions) {
        const auto it = owned.find(decision.deployment.name);
        if (it == owned.end()) {
            if (decision.action == Action::kDelete) candidates.push_back(&decision);
            continue;
        }
        const LifecycleRule& rule = *it->second;
        if (decision.action == Action::kDelete) {
            // Expiring: the rule does the deleting; nothing is sent again.
            decision.action = Action::kExpiring;
            decision.rule = rule;
            take_out_of_deletion(plan, decision, store);
            ++plan.summary.expiring;
            change.pending.push_back({rule, decision.deployment.name, {}});
        } else {
            // Kept now (a rollback made it live, a protect glob, among the N):
            // its pending expiry must not happen.
            change.remove.push_back({rule, decision.deployment.name, to_string(decision.reason)});
        }
        owned.erase(it);
    }

    // Rules of folders that are no deployment now: emptied by their rule, or
    // with only old versions or folder markers left (still expiring).
    std::set<std::string> others(plan.empty_folders.begin(), plan.empty_folders.end());
    for (const auto& ghost : plan.ghosts) others.insert(ghost.name);
    for (const auto& [name, rule] : owned) {
        if (others.count(name) == 0 && !holds_anything(bucket, rule->prefix, plan.versioned())) {
            change.retire.push_back({*rule, {}, {}});
        } else if (auto markers = markers_alone(bucket, plan, name, now, store)) {
            change.retire.push_back({*rule, {}, {}});
            plan.leftover_markers.push_back(std::move(*markers));
        } else {
            change.pending.push_back({*rule, name, {}});
        }
    }

    // New rules, biggest deployments first, while the configuration has room.
    std::vector<Decision*> eligible;
    for (auto* decision : candidates) {
        const Deployment& d = decision->deployment;
        if (d.objects <= options.over) {
            change.by_requests.emplace_back(d.name, ByRequests::kSmall);
        } else if (d.held_back > 0 || d.versions_held_back > 0) {
            change.by_requests.emplace_back(d.name, ByRequests::kWrittenDuring);
        } else if (!bucket.rule_can_carry(d.prefix)) {
            change.by_requests.emplace_back(d.name, ByRequests::kNotCarriable);
        } else {
            eligible.push_back(decision);
        }
    }
    std::stable_sort(eligible.begin(), eligible.end(), [](const Decision* a, const Decision* b) {
        return a->deployment.objects > b->deployment.objects;
    });
    const std::size_t staying = rules.size() - change.remove.size() - change.retire.size();
    const std::size_t room = change.limit > staying ? change.limit - staying : 0;
    const auto created = std::chrono::floor<std::chrono::seconds>(now);
    // A bucket whose versioning may be on keeps noncurrent versions: they expire too.
    const bool noncurrent = plan.versioning != Versioning::kDisabled;
    for (std::size_t i = 0; i < eligible.size(); ++i) {
        Decision& decision = *eligible[i];
        if (i >= room) {
            change.by_requests.emplace_back(decision.deployment.name, ByRequests::kLimit);
            continue;
        }
        decision.rule = bucket.owned_rule(decision.deployment.prefix, created, noncurrent);
        decision.action = Action::kExpire;
        plan.summary.objects_to_expire += decision.deployment.objects;
        plan.summary.bytes_to_expire += decision.deployment.bytes;
        ++plan.summary.expire;
        take_out_of_deletion(plan, decision, store);
        change.add.push_back({decision.rule, decision.deployment.name, {}});
    }
    change.rules_after = staying + change.add.size();
    plan.lifecycle = std::move(change);
}

namespace {

// Defence in depth, like check_plan_safety for keys: every new rule expires
// exactly a deployment its plan dooms, and no owned rule is left on one the
// plan keeps.
void check_rules(const Plan& plan, const std::vector<LifecycleRule>& next) {
    if (plan.incomplete) {
        throw PlanSafetyError("the plan is incomplete: a live source could not be read");
    }
    for (const auto& added : plan.lifecycle->add) {
        const auto it = std::find_if(
            plan.decisions.begin(), plan.decisions.end(),
            [&added](const Decision& d) { return d.deployment.name == added.deployment; });
        const std::string expected = plan.root + added.deployment + "/";
        if (it == plan.decisions.end() || it->action != Action::kExpire ||
            added.deployment.empty() || added.deployment.find('/') != std::string::npos ||
            added.rule.prefix != expected || it->deployment.prefix != expected) {
            throw PlanSafetyError("lifecycle rule '" + added.rule.id + "' with prefix '" +
                                  added.rule.prefix + "' does not expire a doomed deployment '" +
                                  expected + "'");
        }
        if (is_live(added.deployment, plan.policy)) {
            throw PlanSafetyError("deployment '" + added.deployment +
                                  "' is live and must not be expired");
        }
    }
    for (const auto& decision : plan.decisions) {
        if (decision.action != Action::kKeep) continue;
        for (const auto& rule : next) {
            if (rule.owned && rule.prefix.starts_with(decision.deployment.prefix)) {
                throw PlanSafetyError("lifecycle rule '" + rule.id + "' would expire the kept " +
                                      "deployment '" + decision.deployment.name + "'");
            }
        }
    }
}

std::string differences(const std::vector<LifecycleRule>& written,
                        const std::vector<LifecycleRule>& back) {
    std::string out;
    auto say = [&out](const std::string& what) { out += (out.empty() ? "" : "; ") + what; };
    auto name = [](const LifecycleRule& rule) {
        return rule.id.empty() ? std::string("a rule without ID") : "rule '" + rule.id + "'";
    };
    // Rules are matched by ID; those without one (foreign rules S3 would have
    // named, other stores may not) by their place among those without.
    std::vector<const LifecycleRule*> unnamed_back;
    for (const auto& rule : back) {
        if (rule.id.empty()) unnamed_back.push_back(&rule);
    }
    std::size_t unnamed = 0;
    for (const auto& rule : written) {
        const LifecycleRule* found = nullptr;
        if (rule.id.empty()) {
            if (unnamed < unnamed_back.size()) found = unnamed_back[unnamed];
            ++unnamed;
        } else {
            const auto it = std::find_if(back.begin(), back.end(), [&rule](const LifecycleRule& b) {
                return b.id == rule.id;
            });
            if (it != back.end()) found = &*it;
        }
        if (found == nullptr) {
            say(name(rule) + " is missing");
        } else if (found->meaning != rule.meaning) {
            say(name(rule) + " came back changed");
        }
    }
    for (const auto& rule : back) {
        if (rule.id.empty()) continue;
        if (std::none_of(written.begin(), written.end(),
                         [&rule](const LifecycleRule& w) { return w.id == rule.id; })) {
            say(name(rule) + " appeared");
        }
    }
    if (unnamed_back.size() > unnamed) say("a rule without ID appeared");
    return out;
}

}  // namespace

LifecycleWrite apply_lifecycle(Bucket& bucket, const std::vector<const Plan*>& plans) {
    const std::vector<LifecycleRule> current = bucket.lifecycle_rules();
    std::set<std::string> dropped;
    for (const auto* plan : plans) {
        for (const auto& change : plan->lifecycle->remove) dropped.insert(change.rule.id);
        for (const auto& change : plan->lifecycle->retire) dropped.insert(change.rule.id);
    }
    std::vector<LifecycleRule> next;
    std::set<std::string> owned_prefixes;
    for (const auto& rule : current) {
        if (rule.owned && dropped.count(rule.id) != 0) continue;
        if (rule.owned) owned_prefixes.insert(rule.prefix);
        next.push_back(rule);
    }
    for (const auto* plan : plans) {
        for (const auto& change : plan->lifecycle->add) {
            // Added since planning (another run): that rule expires it already.
            if (owned_prefixes.insert(change.rule.prefix).second) next.push_back(change.rule);
        }
    }
    for (const auto* plan : plans) check_rules(*plan, next);
    const std::size_t limit = bucket.lifecycle_rule_limit();
    if (next.size() > limit) {
        throw LifecycleError("the lifecycle configuration would hold " +
                             std::to_string(next.size()) + " rules, more than the limit of " +
                             std::to_string(limit) +
                             " (rules were added since planning): nothing written");
    }
    LifecycleWrite write;
    write.rules = next.size();
    const bool same = next.size() == current.size() &&
                      std::equal(next.begin(), next.end(), current.begin(),
                                 [](const LifecycleRule& a, const LifecycleRule& b) {
                                     return a.id == b.id && a.meaning == b.meaning;
                                 });
    if (same) return write;
    bucket.put_lifecycle_rules(next);
    write.written = true;
    const std::string diff = differences(next, bucket.lifecycle_rules());
    if (!diff.empty()) {
        throw LifecycleError("the lifecycle configuration read back is not what was written: " +
                             diff);
    }
    return write;
}

}  // namespace retention
