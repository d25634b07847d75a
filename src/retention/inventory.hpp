// Finds the deployments under a root: the folders of a Delimiter listing, then
// each folder's objects from listing exactly ROOT + NAME + "/".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "retention/bucket.hpp"
#include "retention/deployment.hpp"

namespace retention {

struct Folders {
    std::vector<Deployment> deployments;  // name and prefix only: listed == false
    std::uint64_t root_objects = 0;       // keys directly under the root: never deployments
};

// The folders directly under root (empty, or ending with '/').
Folders list_folders(Bucket& bucket, const std::string& root);

// How a listing stores what deletion needs.
struct KeySink {
    // Where keys beyond the memory budget go; null: all stay in memory.
    KeyStore* store = nullptr;
    // The moment the listing began (the client's clock): an entry modified
    // later was written during the run and is held back, not stored. nullopt:
    // every entry is stored.
    std::optional<TimePoint> began;
};

// Drops the deployment's stored keys, in memory and spilled, and gives their
// memory back to the store's budget.
void release_keys(Deployment& deployment, KeyStore* store);

// Lists every object under deployment.prefix into it (listed becomes true).
// A folder whose listing comes back empty has no current objects. On a
// versioned bucket the listing is of versions: the same current objects (each
// key's latest version, unless that is a delete marker) and ages, and what
// the folder stores by version id, in one listing.
void list_deployment(Bucket& bucket, Deployment& deployment, bool versioned = false,
                     const KeySink& sink = {});

// list_deployment for many, on up to `concurrency` connections at once: a
// deployment whose first page comes back truncated is fanned out, its
// sub-folders listed in parallel (recursively), with the figures and keys of
// a flat listing. sink_for() is asked as each deployment's listing begins;
// on_listed is called as each one is complete (from any worker, one call per
// deployment, not serialized).
void list_deployments(Bucket& bucket, const std::vector<Deployment*>& deployments, bool versioned,
                      int concurrency, const std::function<KeySink()>& sink_for,
                      const std::function<void(const Deployment&)>& on_listed);

// Lists every version and delete marker under deployment.prefix into its
// contents (by version id) and its version counts.
void list_versions(Bucket& bucket, Deployment& deployment, const KeySink& sink = {});

// The folders directly under root that hold any version or delete marker.
std::vector<std::string> list_version_folders(Bucket& bucket, const std::string& root);

enum class FolderContent { kNothing, kOnlyFolderMarkers, kContent };

// What is under deployment.prefix: one max-keys=1 request when its first key
// is content; past folder markers, the listing goes on until content shows up.
FolderContent folder_content(Bucket& bucket, const Deployment& deployment);

// Runs fn(i) for i in [0, count) on up to `concurrency` threads; the first
// exception stops the others from starting new work and is rethrown.
void for_each_parallel(std::size_t count, int concurrency,
                       const std::function<void(std::size_t)>& fn);

}  // namespace retention
