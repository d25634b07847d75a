// Carries out a plan: deletes exactly the objects listed under the doomed
// deployments' prefixes, in DeleteObjects batches, and records the outcome of
// every key.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "retention/bucket.hpp"
#include "retention/plan.hpp"

namespace retention {

struct FailedKey {
    std::string key;
    std::string code;
    std::string message;
    std::string version_id;  // empty: the current object
};

struct AppearedObjects {
    std::string deployment;
    std::uint64_t objects = 0;  // at least this many (the re-check asks for one)
};

struct ExecutionResult {
    std::uint64_t deployments_deleted = 0;  // every object gone, nothing new appeared
    // Current objects removed: with --purge-versions, the current versions
    // (older versions and delete markers are counted below).
    std::uint64_t objects_deleted = 0;
    std::uint64_t bytes_freed = 0;
    std::uint64_t objects_not_attempted = 0;  // left when a stop was requested
    // With --purge-versions: removed by version id (current versions included).
    std::uint64_t versions_deleted = 0;
    std::uint64_t delete_markers_deleted = 0;
    std::uint64_t ghosts_purged = 0;
    // Keys (or versions) with an outcome, deleted or failed: for progress.
    std::uint64_t entries_answered = 0;
    std::vector<FailedKey> failed;
    std::vector<AppearedObjects> appeared;
    std::vector<std::string> warnings;  // e.g. a re-check that could not be made
    bool interrupted = false;
    // A batch failed the safety check (a key outside its deployment), or the
    // spilled keys could not be read back: the run stopped there, and what
    // was not sent is not attempted.
    std::string safety_error;
};

// The plan would send a key outside a doomed deployment's prefix, or a
// deployment is not what its prefix says. Nothing has been sent.
struct PlanSafetyError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Checks that every key of every doomed deployment starts with
// root + name + "/"; throws PlanSafetyError otherwise.
void check_plan_safety(const Plan& plan);

// An object of the plan: the index-th entry of one key list (a spilled chunk
// read back, or the contents in memory) of the d-th doomed deployment.
struct ObjectId {
    std::uint32_t deployment;
    std::uint32_t index;
    const ObjectList* list;
};

struct Batch {
    std::vector<ObjectId> objects;
    // The key lists the objects point into, kept alive while the batch is.
    std::vector<std::shared_ptr<const ObjectList>> lists;
    bool single = false;  // a key no batch can carry: deleted alone
};

// Hands out the doomed objects in batches of the bucket's batch_limit(),
// across deployments, made as they are asked for (the plan is not copied):
// keys stream from the spill file one chunk at a time, so memory stays
// bounded whatever the plan's size. Every batch is full except the last; keys
// the bucket cannot batch (for S3: those XML 1.0 cannot carry) come out as
// single-key batches. Every key of every batch is checked to lie under its
// deployment's prefix (PlanSafetyError otherwise). Not thread-safe.
class BatchCursor {
public:
    BatchCursor(std::vector<const Deployment*> doomed, const Bucket& bucket,
                const KeyStore* store = nullptr);
    std::optional<Batch> next();
    // Objects not yet handed out.
    std::uint64_t remaining() const { return total_ - handed_out_; }
    const Deployment& deployment(const ObjectId& id) const { return *doomed_[id.deployment]; }

private:
    bool advance();  // to the next key list; false at the end

    std::vector<const Deployment*> doomed_;
    const Bucket& bucket_;
    const KeyStore* store_;
    std::size_t deployment_ = 0;
    std::size_t part_ = 0;  // chunk of the deployment; chunks.size(): its contents
    std::shared_ptr<const ObjectList> list_;
    std::size_t index_ = 0;
    std::vector<std::pair<ObjectId, std::shared_ptr<const ObjectList>>> singles_;
    std::uint64_t total_ = 0;
    std::uint64_t handed_out_ = 0;
};

// The doomed deployments of a plan, in plan order; with --purge-versions the
// ghosts follow.
std::vector<const Deployment*> doomed_deployments(const Plan& plan);

// What happened to one key (or one version of it): for the audit log.
struct KeyOutcome {
    std::string_view key;
    std::string_view version_id;  // empty: the current object
    std::string_view deployment;
    bool deleted = false;
    std::string_view code;  // the store's error code when not deleted
};

struct ExecutorHooks {
    // Called once per key as its outcome is known, one call at a time; the
    // views live only during the call.
    std::function<void(const KeyOutcome&)> on_key_done = [](const KeyOutcome&) {};
    // Polled before each new request; true means send no more.
    std::function<bool()> stop_requested = [] { return false; };
    // Called after each batch with the running totals (progress, audit); one
    // call at a time, whatever the concurrency.
    std::function<void(const ExecutionResult&)> on_batch_done = [](const ExecutionResult&) {};
    // Batches in flight at once (sent in parallel).
    int concurrency = 1;
};

// Deletes the plan's doomed objects. Every key ends as deleted, failed (with
// the store's code) or not attempted (after a stop). Throws PlanSafetyError
// before sending anything when a key lies outside its doomed prefix.
ExecutionResult execute_plan(const Plan& plan, Bucket& bucket, const ExecutorHooks& hooks);

}  // namespace retention
