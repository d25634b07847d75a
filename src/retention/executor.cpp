#include "retention/executor.hpp"

#include <map>
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

ExecutionResult execute_plan(const Plan& plan, s3::Client& client, const ExecutorHooks& hooks) {
    check_plan_safety(plan);
    ExecutionResult result;
    const auto batches = make_batches(plan);

    // Which deployment each key belongs to, to know when one is finished.
    std::unordered_map<const ObjectRef*, const Deployment*> owner;
    std::map<const Deployment*, DeploymentProgress> progress;
    for (const auto* decision : doomed(plan)) {
        const Deployment* dep = &decision->deployment;
        progress[dep].remaining = dep->contents.size();
        for (const auto& object : dep->contents) owner[&object] = dep;
    }

    auto finish_key = [&](const ObjectRef* object, const FailedKey* failure) {
        const Deployment* dep = owner.at(object);
        auto& state = progress[dep];
        --state.remaining;
        if (failure != nullptr) {
            state.any_failed = true;
            result.failed.push_back(*failure);
        } else {
            ++result.objects_deleted;
            result.bytes_freed += object->size;
        }
        if (state.remaining != 0 || state.any_failed) return;
        // Everything listed is gone. Anything there now was written during
        // the run (an upload racing us): leave it, and say so.
        try {
            auto page = client.list_objects_v2(dep->prefix, "", "", 1);
            if (page.objects.empty()) {
                ++result.deployments_deleted;
            } else {
                result.appeared.push_back({dep->name, page.objects.size()});
            }
        } catch (const s3::S3Error& error) {
            ++result.deployments_deleted;
            result.warnings.push_back(dep->name +
                                      ": deleted, but the check for objects written "
                                      "during cleanup failed: " +
                                      error.what());
        }
    };

    for (std::size_t i = 0; i < batches.size(); ++i) {
        const Batch& batch = batches[i];
        if (hooks.stop_requested()) {
            result.interrupted = true;
            for (std::size_t j = i; j < batches.size(); ++j) {
                result.objects_not_attempted += batches[j].objects.size();
            }
            break;
        }
        if (batch.single) {
            const ObjectRef* object = batch.objects.front();
            try {
                client.delete_object(object->key);
                finish_key(object, nullptr);
            } catch (const s3::S3Error& error) {
                FailedKey failure{object->key, error.code, error.what()};
                finish_key(object, &failure);
            }
            hooks.on_batch_done(result);
            continue;
        }

        std::vector<std::string> keys;
        keys.reserve(batch.objects.size());
        for (const auto* object : batch.objects) keys.push_back(object->key);
        std::unordered_map<std::string, FailedKey> failures;
        try {
            // A 200 answer can still carry a per-key <Error>: each is a failure
            // of that key alone. (Resending the retryable ones is the retry
            // layer's job; every key here ends with a recorded outcome.)
            auto answer = client.delete_objects(keys);
            for (auto& error : answer.errors) {
                failures[error.key] = FailedKey{error.key, error.code, error.message};
            }
        } catch (const s3::S3Error& error) {
            for (const auto& key : keys) failures[key] = FailedKey{key, error.code, error.what()};
        }
        for (const auto* object : batch.objects) {
            auto it = failures.find(object->key);
            finish_key(object, it == failures.end() ? nullptr : &it->second);
        }
        hooks.on_batch_done(result);
    }
    return result;
}

}  // namespace retention
