// The plan: a value. --dry-run prints it; the executor carries out exactly it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "retention/bucket.hpp"
#include "retention/deployment.hpp"
#include "retention/key_store.hpp"
#include "retention/lifecycle.hpp"
#include "retention/live.hpp"
#include "retention/policy.hpp"

namespace retention {

// kExpire and kExpiring (--expire-with-lifecycle): doomed, and left to an owned
// lifecycle rule, written by this run or pending from an earlier one; never
// sent to DeleteObjects.
enum class Action { kKeep, kDelete, kExpire, kExpiring };
enum class Reason { kNewest, kProtected, kLive, kNewerThanCutoff, kPastKeep };

const char* to_string(Action action);
const char* to_string(Reason reason);

struct Decision {
    Deployment deployment;
    Action action = Action::kKeep;
    Reason reason = Reason::kNewest;
    LifecycleRule rule;  // kExpire, kExpiring: the owned rule that expires it
};

struct PlanSummary {
    std::uint64_t deployments = 0;
    std::uint64_t keep = 0;
    std::uint64_t remove = 0;
    std::uint64_t objects_to_delete = 0;
    std::uint64_t bytes_to_delete = 0;
    // With --purge-versions: what is removed by version id (doomed deployments
    // and ghosts), and its bytes.
    std::uint64_t versions_to_delete = 0;
    std::uint64_t version_bytes_to_delete = 0;
    // --expire-with-lifecycle: deployments whose rule this run writes (not in
    // remove), with their objects and bytes, and those whose rule is pending.
    std::uint64_t expire = 0;
    std::uint64_t objects_to_expire = 0;
    std::uint64_t bytes_to_expire = 0;
    std::uint64_t expiring = 0;

    // Totals of a run over many plans.
    PlanSummary& operator+=(const PlanSummary& other) {
        deployments += other.deployments;
        keep += other.keep;
        remove += other.remove;
        objects_to_delete += other.objects_to_delete;
        bytes_to_delete += other.bytes_to_delete;
        versions_to_delete += other.versions_to_delete;
        version_bytes_to_delete += other.version_bytes_to_delete;
        expire += other.expire;
        objects_to_expire += other.objects_to_expire;
        bytes_to_expire += other.bytes_to_expire;
        expiring += other.expiring;
        return *this;
    }
};

struct Plan {
    std::string bucket;
    std::string root;  // with its trailing '/', or empty
    Policy policy;
    std::vector<Decision> decisions;  // newest first in the policy's order
    PlanSummary summary;
    // kUnknown when the status could not be read (denied, and --purge-versions
    // not asked for).
    Versioning versioning = Versioning::kDisabled;
    bool purge_versions = false;
    // Folders with versions but no current object: not deployments. Listed
    // with their versions; purged with --purge-versions.
    std::vector<Deployment> ghosts;
    // Folders holding only folder markers (or, on a versioned bucket, only
    // versions of them): not deployments, never deleted, listed apart. By name.
    std::vector<std::string> empty_folders;
    // What looks like a user's mistake (a root with no folder, a --protect
    // glob that matches nothing, ...): said on stderr and in the JSON.
    std::vector<std::string> warnings;
    // Where the live deployments came from, for the report.
    std::vector<LiveSource> live;
    // A live source could not be read: the plan is what could be made without
    // it, printed but never carried out.
    bool incomplete = false;
    // Holds the doomed deployments' spilled keys (shared: a copy of the plan
    // reads the same file); null when nothing was spilled.
    std::shared_ptr<const KeyStore> key_store;
    // --expire-with-lifecycle: the rules to add, remove and retire.
    std::optional<LifecycleChange> lifecycle;
    // --expire-with-lifecycle: folders an owned rule has expired down to delete
    // markers alone, which some stores (Ceph RGW) never expire. Deleted by
    // version id (nothing is behind them to come back), their rule retired.
    std::vector<Deployment> leftover_markers;

    [[nodiscard]] bool versioned() const {
        return versioning == Versioning::kEnabled || versioning == Versioning::kSuspended;
    }
    // What the executor sends, one entry each: objects, or with --purge-versions
    // every version and delete marker (by version id).
    [[nodiscard]] std::uint64_t entries_to_delete() const {
        return purge_versions ? summary.versions_to_delete : summary.objects_to_delete;
    }
    // Whether carrying out the plan deletes anything at all.
    [[nodiscard]] bool deletes_anything() const {
        return summary.remove > 0 || (purge_versions && !ghosts.empty()) ||
               !leftover_markers.empty();
    }
    // Whether carrying out the plan changes the bucket: deletes, or writes rules.
    [[nodiscard]] bool changes_anything() const {
        return deletes_anything() || (lifecycle && lifecycle->writes());
    }
};

}  // namespace retention
