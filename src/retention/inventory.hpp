// Finds the deployments under a root: the folders of a Delimiter listing, then
// each folder's objects from listing exactly ROOT + NAME + "/".
#pragma once

#include <cstdint>
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

// Lists every object under deployment.prefix into it (listed becomes true).
// A folder whose listing comes back empty has no current objects. On a
// versioned bucket the listing is of versions: the same current objects (each
// key's latest version, unless that is a delete marker) and ages, and what
// the folder stores by version id, in one listing.
void list_deployment(Bucket& bucket, Deployment& deployment, bool versioned = false);

// Lists every version and delete marker under deployment.prefix into its
// contents (by version id) and its version counts.
void list_versions(Bucket& bucket, Deployment& deployment);

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
