// Client::delete_batch: one DeleteObjects batch carried until every key has a
// final answer. A 200 answer can still refuse single keys; whether such a key
// goes again is the retry policy's decision, made here where S3's per-key codes
// are known, not by the caller.
#include <map>
#include <utility>

#include "s3/client.hpp"
#include "s3/errors.hpp"

namespace s3 {

namespace {

// Where each object's per-key <Error> is, if it got one. Some stores leave
// VersionId out of a per-key <Error>: then the key alone names it. An error
// must never be lost.
class ErrorIndex {
public:
    explicit ErrorIndex(const DeleteResult& answer) {
        for (const auto& error : answer.errors) errors_[{error.key, error.version_id}] = &error;
    }
    const DeleteFailure* find(const ObjectIdentifier& object) const {
        auto it = errors_.find({object.key, object.version_id});
        if (it == errors_.end()) it = errors_.find({object.key, std::string_view()});
        return it == errors_.end() ? nullptr : it->second;
    }

private:
    std::map<std::pair<std::string_view, std::string_view>, const DeleteFailure*> errors_;
};

}  // namespace

BatchOutcome Client::delete_batch(const std::vector<ObjectIdentifier>& objects) {
    BatchOutcome outcome;
    std::vector<std::size_t> pending(objects.size());
    for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
    // The per-key errors of the keys about to be resent: if the run is stopped
    // before the resend, those keys failed with the error they last got.
    std::vector<BatchFailure> last_errors;
    for (int attempt = 1; !pending.empty(); ++attempt) {
        std::vector<ObjectIdentifier> batch;
        if (attempt > 1) {
            batch.reserve(pending.size());
            for (auto index : pending) batch.push_back(objects[index]);
        }
        const auto& sent = attempt == 1 ? objects : batch;
        DeleteResult answer;
        try {
            answer = delete_objects_by_id(sent, attempt > 1);
        } catch (const aws::ServiceError& error) {
            if (attempt == 1) throw;
            if (error.kind == aws::ErrorKind::kCancelled) {
                outcome.stopped = true;
                for (auto& failure : last_errors) {
                    failure.message += " (not resent: the run was stopped)";
                    outcome.failed.push_back(std::move(failure));
                }
                return outcome;
            }
            for (auto index : pending) outcome.failed.push_back({index, error.code, error.what()});
            return outcome;
        }
        // Quiet mode names only the keys that failed: none, and all are deleted.
        if (answer.errors.empty()) break;
        const ErrorIndex errors(answer);
        std::vector<std::size_t> again;
        last_errors.clear();
        for (std::size_t i = 0; i < pending.size(); ++i) {
            const DeleteFailure* error = errors.find(sent[i]);
            if (error == nullptr) continue;  // deleted
            BatchFailure failure{pending[i], error->code, error->message};
            if (retry.policy.should_retry(classify(error->code, 200), attempt)) {
                again.push_back(pending[i]);
                last_errors.push_back(std::move(failure));
            } else {
                outcome.failed.push_back(std::move(failure));
            }
        }
        if (again.empty()) break;
        retry.sleep(retry.policy.backoff(attempt + 1, retry.random01()), retry.stop_requested);
        pending = std::move(again);
    }
    return outcome;
}

}  // namespace s3
