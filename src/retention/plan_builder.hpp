// From a bucket to a plan: list what the decision needs, decide, and list
// what deleting needs. Listing runs on several threads; the decision itself
// is the pure make_plan().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "retention/bucket.hpp"
#include "retention/key_store.hpp"
#include "retention/plan.hpp"

namespace retention {

// A pointer object (--protect-referenced-by): its key and its body.
struct PointerObject {
    std::string key;
    std::string body;
};

struct BuildOptions {
    int concurrency = 1;
    // On a versioned bucket, plan to delete every version and delete marker
    // of the doomed deployments and of the ghosts.
    bool purge_versions = false;
    // Told, one call at a time, how many deployments and objects have been
    // listed so far (progress display).
    // What is live: sources read before planning (CloudFront origins, with
    // their deployments), and pointer objects, whose references are resolved
    // against the folder names once those are listed.
    std::vector<LiveSource> live;
    std::vector<PointerObject> pointers;
    // A live source could not be read: the plan is made without it and marked
    // incomplete (shown, never carried out).
    bool live_incomplete = false;
    std::function<void(std::uint64_t deployments, std::uint64_t objects)> on_listed =
        [](std::uint64_t, std::uint64_t) {};
    // Where the doomed deployments' keys wait for deletion (shared by every
    // target of a run, so the budget is the run's); null: all in memory.
    std::shared_ptr<KeyStore> key_store;
    // The clock whose reading marks when each deployment's listing began:
    // entries modified later were written during the run and are never sent.
    std::function<TimePoint()> now = [] {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
    };
};

// With --sort-by name and no cutoff the order is known from the folder names
// alone: only the deployments to delete are listed in full (deleting needs
// their keys); each one kept is checked with a single max-keys=1 request, so
// an empty folder (only delete markers, say) never takes one of the N places.
// Otherwise every folder is listed. Folders without objects are dropped:
// they are not deployments. Kept deployments' key lists are released.
Plan build_plan(Bucket& bucket, const std::string& bucket_name, const std::string& root,
                const Policy& policy, const BuildOptions& options);

}  // namespace retention
