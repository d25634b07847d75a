#include "retention/executor.hpp"

#include <algorithm>
#include <mutex>
#include <thread>

#include "aws/error.hpp"
#include "retention/planner.hpp"

namespace retention {

std::vector<const Deployment*> doomed_deployments(const Plan& plan) {
    std::vector<const Deployment*> out;
    for (const auto& decision : plan.decisions) {
        if (decision.action == Action::kDelete) out.push_back(&decision.deployment);
    }
    if (plan.purge_versions) {
        for (const auto& ghost : plan.ghosts) out.push_back(&ghost);
    }
    return out;
}

void check_plan_safety(const Plan& plan) {
    if (plan.incomplete) {
        throw PlanSafetyError("the plan is incomplete: a live source could not be read");
    }
    for (const auto* dep : doomed_deployments(plan)) {
        // Defence in depth: planning never dooms a live deployment.
        if (is_live(dep->name, plan.policy)) {
            throw PlanSafetyError("deployment '" + dep->name + "' is live and must not be deleted");
        }
        const std::string expected = plan.root + dep->name + "/";
        if (dep->name.empty() || dep->name.find('/') != std::string::npos ||
            dep->prefix != expected) {
            throw PlanSafetyError("deployment '" + dep->name + "' has prefix '" + dep->prefix +
                                  "', expected '" + expected + "'");
        }
        if (!dep->listed && !dep->versions_listed) {
            throw PlanSafetyError("deployment '" + dep->name +
                                  "' is to be deleted but was never "
                                  "listed");
        }
        for (std::size_t i = 0; i < dep->contents.size(); ++i) {
            const std::string_view key = dep->contents.key(i);
            if (key.size() < expected.size() || key.substr(0, expected.size()) != expected) {
                throw PlanSafetyError("key '" + std::string(key) +
                                      "' is outside the doomed prefix '" + expected + "'");
            }
        }
    }
}

BatchCursor::BatchCursor(std::vector<const Deployment*> doomed, const Bucket& bucket)
    : doomed_(std::move(doomed)), bucket_(bucket) {
    for (const auto* dep : doomed_) total_ += dep->contents.size();
}

std::optional<Batch> BatchCursor::next() {
    Batch batch;
    const std::size_t limit = bucket_.batch_limit();
    while (batch.objects.size() < limit && deployment_ < doomed_.size()) {
        const ObjectList& list = doomed_[deployment_]->contents;
        if (index_ >= list.size()) {
            ++deployment_;
            index_ = 0;
            continue;
        }
        ObjectId id{static_cast<std::uint32_t>(deployment_), static_cast<std::uint32_t>(index_)};
        ++index_;
        if (bucket_.batchable(list.key(id.index))) {
            batch.objects.push_back(id);
        } else {
            singles_.push_back(id);  // set aside, so the batches stay full
        }
    }
    if (!batch.objects.empty()) {
        handed_out_ += batch.objects.size();
        return batch;
    }
    if (!singles_.empty()) {
        Batch single{{singles_.back()}, true};
        singles_.pop_back();
        ++handed_out_;
        return single;
    }
    return std::nullopt;
}

namespace {

struct DeploymentProgress {
    std::size_t remaining = 0;  // keys not yet answered
    bool any_failed = false;
};

// One run of the executor: the batches, the shared tally, the workers.
class Execution {
public:
    Execution(const Plan& plan, Bucket& bucket, const ExecutorHooks& hooks)
        : bucket_(bucket),
          hooks_(hooks),
          // A plain delete on a versioned bucket only adds a delete marker:
          // no byte is freed, and the result must not say otherwise.
          frees_storage_(!plan.versioned() || plan.purge_versions),
          cursor_(doomed_deployments(plan), bucket) {
        for (const auto* dep : doomed_deployments(plan))
            progress_.push_back({dep->contents.size(), false});
    }

    ExecutionResult run() {
        const int workers = std::max(1, hooks_.concurrency);
        if (workers == 1) {
            work();
        } else {
            std::vector<std::thread> threads;
            threads.reserve(static_cast<std::size_t>(workers));
            for (int i = 0; i < workers; ++i) threads.emplace_back([this] { work(); });
            for (auto& thread : threads) thread.join();
        }
        if (cursor_.remaining() > 0) {
            result_.interrupted = true;
            result_.objects_not_attempted += cursor_.remaining();
        }
        return std::move(result_);
    }

private:
    std::optional<Batch> take() {
        std::lock_guard lock(mutex_);
        if (hooks_.stop_requested()) return std::nullopt;
        return cursor_.next();
    }

    void work() {
        while (auto batch = take()) {
            if (batch->single) {
                delete_one(batch->objects.front());
            } else {
                delete_batch(batch->objects);
            }
            std::lock_guard lock(mutex_);
            hooks_.on_batch_done(result_);
        }
    }

    ObjectRef ref_of(const ObjectId& id) const {
        const ObjectList& list = cursor_.deployment(id).contents;
        return {list.key(id.index), list.version_id(id.index)};
    }

    FailedKey failed_key(const ObjectId& id, std::string code, std::string message) const {
        const ObjectRef object = ref_of(id);
        return {std::string(object.key), std::move(code), std::move(message),
                std::string(object.version_id)};
    }

    void delete_one(const ObjectId& id) {
        try {
            bucket_.delete_one(ref_of(id));
            finish(id, nullptr);
        } catch (const aws::ServiceError& error) {
            if (error.kind == aws::ErrorKind::kCancelled) return not_attempted(1);
            const FailedKey failure = failed_key(id, error.code, error.what());
            finish(id, &failure);
        }
    }

    void delete_batch(const std::vector<ObjectId>& ids) {
        std::vector<ObjectRef> objects;
        objects.reserve(ids.size());
        for (const auto& id : ids) objects.push_back(ref_of(id));
        BatchAnswer answer;
        try {
            answer = bucket_.delete_batch(objects);
        } catch (const aws::ServiceError& error) {
            if (error.kind == aws::ErrorKind::kCancelled) return not_attempted(ids.size());
            for (const auto& id : ids) {
                const FailedKey failure = failed_key(id, error.code, error.what());
                finish(id, &failure);
            }
            return;
        }
        if (answer.stopped) mark_interrupted();
        // Failures first, by their place in the batch; every other key is gone.
        std::vector<const NotDeleted*> failure_at(ids.size(), nullptr);
        for (const auto& failure : answer.not_deleted) {
            if (failure.index < ids.size()) failure_at[failure.index] = &failure;
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (failure_at[i] == nullptr) {
                finish(ids[i], nullptr);
            } else {
                const FailedKey failure =
                    failed_key(ids[i], failure_at[i]->code, failure_at[i]->message);
                finish(ids[i], &failure);
            }
        }
    }

    void not_attempted(std::size_t count) {
        std::lock_guard lock(mutex_);
        result_.interrupted = true;
        result_.objects_not_attempted += count;
    }

    void mark_interrupted() {
        std::lock_guard lock(mutex_);
        result_.interrupted = true;
    }

    void finish(const ObjectId& id, const FailedKey* failure) {
        const Deployment& dep = cursor_.deployment(id);
        {
            std::lock_guard lock(mutex_);
            auto& state = progress_[id.deployment];
            --state.remaining;
            hooks_.on_key_done(KeyOutcome{
                dep.contents.key(id.index), dep.contents.version_id(id.index), dep.name,
                failure == nullptr,
                failure == nullptr ? std::string_view() : std::string_view(failure->code)});
            if (failure != nullptr) {
                state.any_failed = true;
                result_.failed.push_back(*failure);
            } else {
                // By version id, an object is gone when its current version is:
                // older versions and delete markers have counts of their own.
                if (dep.contents.is_current_object(id.index)) ++result_.objects_deleted;
                if (frees_storage_) result_.bytes_freed += dep.contents.object_size(id.index);
                if (dep.contents.has_versions()) {
                    ++(dep.contents.is_delete_marker(id.index) ? result_.delete_markers_deleted
                                                               : result_.versions_deleted);
                }
            }
            ++result_.entries_answered;
            if (state.remaining != 0 || state.any_failed) return;
        }
        recheck(dep);
    }

    // Everything listed under the deployment is gone. Anything there now was
    // written during the run (an upload racing us): leave it, and say so.
    void recheck(const Deployment& dep) {
        try {
            // After a purge, any version at all is new; otherwise any current object.
            std::size_t found = 0;
            bucket_.list(
                {.prefix = dep.prefix, .versions = dep.contents.has_versions(), .first_page = 1},
                [&found](ListedPage& page) {
                    found = page.objects.size();
                    return false;
                });
            std::lock_guard lock(mutex_);
            const bool ghost = !dep.listed;
            if (found == 0) {
                ++(ghost ? result_.ghosts_purged : result_.deployments_deleted);
            } else {
                result_.appeared.push_back({dep.name, found});
            }
        } catch (const aws::ServiceError& error) {
            std::lock_guard lock(mutex_);
            ++result_.deployments_deleted;
            result_.warnings.push_back(dep.name +
                                       ": deleted, but the check for objects written during "
                                       "cleanup was not made: " +
                                       error.what());
        }
    }

    Bucket& bucket_;
    const ExecutorHooks& hooks_;
    const bool frees_storage_;
    std::mutex mutex_;
    BatchCursor cursor_;
    std::vector<DeploymentProgress> progress_;
    ExecutionResult result_;
};

}  // namespace

ExecutionResult execute_plan(const Plan& plan, Bucket& bucket, const ExecutorHooks& hooks) {
    check_plan_safety(plan);
    return Execution(plan, bucket, hooks).run();
}

}  // namespace retention
