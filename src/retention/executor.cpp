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
    for (const auto& markers : plan.leftover_markers) out.push_back(&markers);
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
        if (dep->any_spilled() && plan.key_store == nullptr) {
            throw PlanSafetyError("deployment '" + dep->name +
                                  "' has spilled keys but the plan has no key store");
        }
        // Keys in memory are checked now, before anything is sent; every key,
        // spilled ones included, is checked again in its batch.
        auto check = [&expected](const ObjectList& list) {
            for (std::size_t i = 0; i < list.size(); ++i) {
                const std::string_view key = list.key(i);
                if (key.size() < expected.size() || key.substr(0, expected.size()) != expected) {
                    throw PlanSafetyError("key '" + std::string(key) +
                                          "' is outside the doomed prefix '" + expected + "'");
                }
            }
        };
        for (const auto& chunk : dep->chunks) {
            if (chunk.in_memory) check(*chunk.in_memory);
        }
        check(dep->contents);
    }
}

BatchCursor::BatchCursor(std::vector<const Deployment*> doomed, const Bucket& bucket,
                         const KeyStore* store)
    : doomed_(std::move(doomed)), bucket_(bucket), store_(store) {
    for (const auto* dep : doomed_) total_ += dep->stored_entries();
}

bool BatchCursor::advance() {
    for (;;) {
        if (deployment_ >= doomed_.size()) {
            list_.reset();
            return false;
        }
        const Deployment& dep = *doomed_[deployment_];
        index_ = 0;
        if (part_ < dep.chunks.size()) {
            const KeyChunk& chunk = dep.chunks[part_++];
            if (chunk.in_memory) {
                list_ = chunk.in_memory;
                return true;
            }
            if (store_ == nullptr) {
                throw PlanSafetyError("deployment '" + dep.name +
                                      "' has spilled keys but the plan has no key store");
            }
            list_ = std::make_shared<const ObjectList>(store_->load(chunk.on_disk));
            return true;
        }
        if (part_ == dep.chunks.size()) {
            ++part_;
            // Not owned: the plan outlives the cursor.
            list_ = std::shared_ptr<const ObjectList>(std::shared_ptr<void>(), &dep.contents);
            return true;
        }
        ++deployment_;
        part_ = 0;
    }
}

std::optional<Batch> BatchCursor::next() {
    Batch batch;
    const std::size_t limit = bucket_.batch_limit();
    while (batch.objects.size() < limit) {
        if (!list_ || index_ >= list_->size()) {
            if (!advance()) break;
            continue;
        }
        const ObjectId id{static_cast<std::uint32_t>(deployment_),
                          static_cast<std::uint32_t>(index_), list_.get()};
        ++index_;
        const std::string_view key = list_->key(id.index);
        const std::string& prefix = doomed_[deployment_]->prefix;
        // Checked again here, batch by batch, because spilled keys come back
        // from a file: nothing outside ROOT/NAME/ may reach a request.
        if (key.size() < prefix.size() || key.substr(0, prefix.size()) != prefix) {
            throw PlanSafetyError("key '" + std::string(key) + "' is outside the doomed prefix '" +
                                  prefix + "'");
        }
        if (bucket_.batchable(key)) {
            batch.objects.push_back(id);
            if (batch.lists.empty() || batch.lists.back() != list_) batch.lists.push_back(list_);
        } else {
            singles_.emplace_back(id, list_);  // set aside, so the batches stay full
        }
    }
    if (!batch.objects.empty()) {
        handed_out_ += batch.objects.size();
        return batch;
    }
    if (!singles_.empty()) {
        Batch single{{singles_.back().first}, {singles_.back().second}, true};
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
          cursor_(doomed_deployments(plan), bucket, plan.key_store.get()) {
        for (const auto* dep : doomed_deployments(plan)) {
            // Entries written during the run were never stored: the deployment
            // is left with them, which is known now.
            const std::uint64_t held =
                dep->versions_listed ? dep->versions_held_back : dep->held_back;
            if (held > 0) result_.appeared.push_back({dep->name, held});
            progress_.push_back({dep->stored_entries(), held > 0});
        }
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
        if (!result_.safety_error.empty() || hooks_.stop_requested()) return std::nullopt;
        try {
            return cursor_.next();
        } catch (const std::exception& error) {
            // A key outside its deployment, or the spill file unreadable: send
            // nothing more.
            result_.safety_error = error.what();
            return std::nullopt;
        }
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

    static ObjectRef ref_of(const ObjectId& id) {
        return {id.list->key(id.index), id.list->version_id(id.index)};
    }

    static FailedKey failed_key(const ObjectId& id, std::string code, std::string message) {
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
            std::vector<FailedKey> failures;
            failures.reserve(ids.size());
            std::vector<const FailedKey*> failed;
            failed.reserve(ids.size());
            for (const auto& id : ids) {
                failed.push_back(&failures.emplace_back(failed_key(id, error.code, error.what())));
            }
            finish_all(ids, failed);
            return;
        }
        if (answer.stopped) mark_interrupted();
        // Failures first, by their place in the batch; every other key is gone.
        std::vector<const NotDeleted*> failure_at(ids.size(), nullptr);
        for (const auto& failure : answer.not_deleted) {
            if (failure.index < ids.size()) failure_at[failure.index] = &failure;
        }
        std::vector<FailedKey> failures;
        failures.reserve(answer.not_deleted.size());
        std::vector<const FailedKey*> failed(ids.size(), nullptr);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (failure_at[i] == nullptr) continue;
            failed[i] = &failures.emplace_back(
                failed_key(ids[i], failure_at[i]->code, failure_at[i]->message));
        }
        finish_all(ids, failed);
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

    void finish(const ObjectId& id, const FailedKey* failure) { finish_all({id}, {failure}); }

    // The keys of one answer settled under one lock (a thousand of them, and
    // the lock taken once rather than per key); failed[i] is the failure of
    // ids[i], or null when it is gone. The deployments this empties are
    // rechecked after, unlocked.
    void finish_all(const std::vector<ObjectId>& ids, const std::vector<const FailedKey*>& failed) {
        std::vector<const Deployment*> emptied;
        {
            std::lock_guard lock(mutex_);
            for (std::size_t i = 0; i < ids.size(); ++i) {
                if (settle(ids[i], failed[i])) emptied.push_back(&cursor_.deployment(ids[i]));
            }
        }
        for (const Deployment* dep : emptied) recheck(*dep);
    }

    // Counts one key's outcome; true when it was its deployment's last and
    // every key of it is gone. Called with mutex_ held.
    bool settle(const ObjectId& id, const FailedKey* failure) {
        const Deployment& dep = cursor_.deployment(id);
        auto& state = progress_[id.deployment];
        --state.remaining;
        const ObjectList& list = *id.list;
        hooks_.on_key_done(
            KeyOutcome{list.key(id.index), list.version_id(id.index), dep.name, failure == nullptr,
                       failure == nullptr ? std::string_view() : std::string_view(failure->code)});
        if (failure != nullptr) {
            state.any_failed = true;
            result_.failed.push_back(*failure);
        } else {
            // By version id, an object is gone when its current version is:
            // older versions and delete markers have counts of their own.
            if (list.is_current_object(id.index)) ++result_.objects_deleted;
            if (frees_storage_) result_.bytes_freed += list.object_size(id.index);
            if (list.has_versions()) {
                ++(list.is_delete_marker(id.index) ? result_.delete_markers_deleted
                                                   : result_.versions_deleted);
            }
        }
        ++result_.entries_answered;
        return state.remaining == 0 && !state.any_failed;
    }

    // Everything listed under the deployment is gone. Anything there now was
    // written during the run (an upload racing us): leave it, and say so.
    void recheck(const Deployment& dep) {
        try {
            // After a purge, any version at all is new; otherwise any current object.
            std::size_t found = 0;
            bucket_.list({.prefix = dep.prefix, .versions = dep.versions_listed, .first_page = 1},
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
