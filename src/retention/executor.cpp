#include "retention/executor.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "s3/xml.hpp"

namespace retention {

namespace {

std::vector<const Decision*> doomed(const Plan& plan) {
    std::vector<const Decision*> out;
    for (const auto& decision : plan.decisions) {
        if (decision.action == Action::kDelete) out.push_back(&decision);
    }
    return out;
}

struct DeploymentProgress {
    std::size_t remaining = 0;  // keys not yet answered
    bool any_failed = false;
};

}  // namespace

void check_plan_safety(const Plan& plan) {
    for (const auto* decision : doomed(plan)) {
        const Deployment& dep = decision->deployment;
        const std::string expected = plan.root + dep.name + "/";
        if (dep.name.empty() || dep.name.find('/') != std::string::npos || dep.prefix != expected) {
            throw PlanSafetyError("deployment '" + dep.name + "' has prefix '" + dep.prefix +
                                  "', expected '" + expected + "'");
        }
        for (const auto& object : dep.contents) {
            if (object.key.size() <= expected.size() - 1 ||
                object.key.compare(0, expected.size(), expected) != 0) {
                throw PlanSafetyError("key '" + object.key + "' is outside the doomed prefix '" +
                                      expected + "'");
            }
        }
    }
}

std::vector<Batch> make_batches(const Plan& plan) {
    std::vector<Batch> batches;
    Batch current;
    for (const auto* decision : doomed(plan)) {
        for (const auto& object : decision->deployment.contents) {
            if (!s3::xml_can_carry(object.key)) {
                batches.push_back(Batch{{&object}, true});
                continue;
            }
            current.objects.push_back(&object);
            if (current.objects.size() == kDeleteObjectsMaxKeys) {
                batches.push_back(std::move(current));
                current = Batch{};
            }
        }
    }
    if (!current.objects.empty()) batches.push_back(std::move(current));
    return batches;
}

namespace {

// One run of the executor: the batches, the shared tally, the workers.
class Execution {
public:
    Execution(const Plan& plan, s3::Client& client, const ExecutorHooks& hooks)
        : client_(client), hooks_(hooks), batches_(make_batches(plan)) {
        for (const auto* decision : doomed(plan)) {
            const Deployment* dep = &decision->deployment;
            progress_[dep].remaining = dep->contents.size();
            for (const auto& object : dep->contents) owner_[&object] = dep;
        }
    }

    ExecutionResult run() {
        const int workers =
            std::max(1, std::min<int>(hooks_.concurrency, static_cast<int>(batches_.size())));
        if (workers <= 1) {
            work();
        } else {
            std::vector<std::thread> threads;
            threads.reserve(static_cast<std::size_t>(workers));
            for (int i = 0; i < workers; ++i) threads.emplace_back([this] { work(); });
            for (auto& thread : threads) thread.join();
        }
        return std::move(result_);
    }

private:
    void work() {
        for (;;) {
            const std::size_t index = next_.fetch_add(1);
            if (index >= batches_.size()) return;
            if (hooks_.stop_requested()) {
                not_attempted(batches_[index].objects);
                continue;  // count every batch left as not attempted
            }
            const Batch& batch = batches_[index];
            if (batch.single) {
                delete_one(batch.objects.front());
            } else {
                delete_batch(batch.objects);
            }
            std::lock_guard lock(mutex_);
            hooks_.on_batch_done(result_);
        }
    }

    void delete_one(const ObjectRef* object) {
        try {
            client_.delete_object(object->key);
            finish(object, nullptr);
        } catch (const s3::S3Error& error) {
            if (error.kind == s3::ErrorKind::kCancelled) return not_attempted({object});
            FailedKey failure{object->key, error.code, error.what()};
            finish(object, &failure);
        }
    }

    void delete_batch(std::vector<const ObjectRef*> pending) {
        for (int attempt = 1; !pending.empty(); ++attempt) {
            std::vector<std::string> keys;
            keys.reserve(pending.size());
            for (const auto* object : pending) keys.push_back(object->key);
            s3::DeleteResult answer;
            try {
                answer = client_.delete_objects(keys, attempt > 1);
            } catch (const s3::S3Error& error) {
                if (error.kind == s3::ErrorKind::kCancelled) return not_attempted(pending);
                for (const auto* object : pending) {
                    FailedKey failure{object->key, error.code, error.what()};
                    finish(object, &failure);
                }
                return;
            }
            // A 200 answer can still carry a per-key <Error>: each is about that
            // key alone. Transient ones go again; the rest are failures.
            std::unordered_map<std::string, const s3::DeleteFailure*> errors;
            for (const auto& error : answer.errors) errors[error.key] = &error;
            std::vector<const ObjectRef*> again;
            for (const auto* object : pending) {
                auto it = errors.find(object->key);
                if (it == errors.end()) {
                    finish(object, nullptr);
                    continue;
                }
                const auto& error = *it->second;
                if (client_.retry.policy.should_retry(s3::classify(error.code, 200), attempt)) {
                    again.push_back(object);
                } else {
                    FailedKey failure{object->key, error.code, error.message};
                    finish(object, &failure);
                }
            }
            if (again.empty()) return;
            client_.retry.sleep(client_.retry.policy.backoff(attempt + 1, client_.retry.random01()),
                                client_.retry.stop_requested);
            pending = std::move(again);
        }
    }

    void not_attempted(const std::vector<const ObjectRef*>& objects) {
        std::lock_guard lock(mutex_);
        result_.interrupted = true;
        result_.objects_not_attempted += objects.size();
    }

    void finish(const ObjectRef* object, const FailedKey* failure) {
        const Deployment* dep = owner_.at(object);
        {
            std::lock_guard lock(mutex_);
            auto& state = progress_[dep];
            --state.remaining;
            if (failure != nullptr) {
                state.any_failed = true;
                result_.failed.push_back(*failure);
            } else {
                ++result_.objects_deleted;
                result_.bytes_freed += object->size;
            }
            if (state.remaining != 0 || state.any_failed) return;
        }
        recheck(dep);
    }

    // Everything listed under the deployment is gone. Anything there now was
    // written during the run (an upload racing us): leave it, and say so.
    void recheck(const Deployment* dep) {
        try {
            auto page = client_.list_objects_v2(dep->prefix, "", "", 1);
            std::lock_guard lock(mutex_);
            if (page.objects.empty()) {
                ++result_.deployments_deleted;
            } else {
                result_.appeared.push_back({dep->name, page.objects.size()});
            }
        } catch (const s3::S3Error& error) {
            std::lock_guard lock(mutex_);
            ++result_.deployments_deleted;
            result_.warnings.push_back(dep->name +
                                       ": deleted, but the check for objects written during "
                                       "cleanup failed: " +
                                       error.what());
        }
    }

    s3::Client& client_;
    const ExecutorHooks& hooks_;
    const std::vector<Batch> batches_;
    std::atomic<std::size_t> next_{0};
    std::unordered_map<const ObjectRef*, const Deployment*> owner_;
    std::mutex mutex_;
    std::map<const Deployment*, DeploymentProgress> progress_;
    ExecutionResult result_;
};

}  // namespace

ExecutionResult execute_plan(const Plan& plan, s3::Client& client, const ExecutorHooks& hooks) {
    check_plan_safety(plan);
    return Execution(plan, client, hooks).run();
}

}  // namespace retention
