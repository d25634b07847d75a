#include "retention/plan_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>

#include "aws/error.hpp"
#include "retention/inventory.hpp"
#include "retention/plan_warnings.hpp"
#include "retention/planner.hpp"

namespace retention {

namespace {

// Lists deployments in parallel, reporting progress after each; on a
// versioned bucket by version, so the plan shows what each one stores.
// Where a listing starting now stores its keys.
KeySink sink_of(const BuildOptions& options) { return {options.key_store.get(), options.now()}; }

void list_all(Bucket& bucket, const std::vector<Deployment*>& deployments,
              const BuildOptions& options, bool versioned) {
    std::mutex mutex;
    std::uint64_t done = 0;
    std::uint64_t objects = 0;
    list_deployments(
        bucket, deployments, versioned, options.concurrency,
        [&options] { return sink_of(options); },
        [&](const Deployment& deployment) {
            std::lock_guard lock(mutex);
            ++done;
            objects += deployment.objects;
            options.on_listed(done, objects);
        });
}

bool names_suffice(const Policy& policy) {
    return policy.sort_by == SortBy::kName && !policy.cutoff;
}

// Takes the listed folders that hold no content out of deployments: those
// with folder markers go to empty_folders, those with nothing (emptied since
// the folder listing) are dropped.
void drop_empty(std::vector<Deployment>& deployments, std::vector<std::string>& empty_folders,
                KeyStore* store) {
    std::erase_if(deployments, [&](Deployment& d) {
        if (!d.only_folder_markers()) return false;
        release_keys(d, store);
        if (d.objects > 0) empty_folders.push_back(std::move(d.name));
        return true;
    });
}

void release_kept(Plan& plan, KeyStore* store) {
    for (auto& decision : plan.decisions) {
        if (decision.action == Action::kKeep) release_keys(decision.deployment, store);
    }
}

Plan plan_from_names(Bucket& bucket, const std::string& bucket_name, const std::string& root,
                     std::vector<Deployment> folders, const Policy& policy,
                     const BuildOptions& options, bool versioned,
                     std::vector<std::string>& empty_folders) {
    // Decide on names; confirm the kept ones hold objects; decide again
    // without the empty ones until every kept one is confirmed.
    // One byte a folder, not std::vector<bool>: the checks run in parallel, and
    // neighbouring bits of one word written by two threads lose one of the writes
    // (seen as a folder checked twice under load).
    std::vector<std::uint8_t> confirmed(folders.size(), 0);
    std::vector<std::uint8_t> empty(folders.size(), 0);
    std::vector<std::uint8_t> markers_only(folders.size(), 0);
    for (;;) {
        std::vector<Deployment> candidates;
        std::vector<std::size_t> origin;
        for (std::size_t i = 0; i < folders.size(); ++i) {
            if (empty[i] != 0) continue;
            Deployment d;
            d.name = folders[i].name;
            d.prefix = folders[i].prefix;
            d.listed = false;
            candidates.push_back(std::move(d));
            origin.push_back(i);
        }
        Plan trial = make_plan(bucket_name, root, std::move(candidates), policy);
        std::vector<std::size_t> to_check;
        for (const auto& decision : trial.decisions) {
            if (decision.action != Action::kKeep) continue;
            auto it = std::find_if(origin.begin(), origin.end(), [&](std::size_t i) {
                return folders[i].name == decision.deployment.name;
            });
            if (confirmed[*it] == 0) to_check.push_back(*it);
        }
        if (to_check.empty()) break;
        for_each_parallel(to_check.size(), options.concurrency, [&](std::size_t k) {
            const std::size_t i = to_check[k];
            switch (folder_content(bucket, folders[i])) {
                case FolderContent::kContent:
                    confirmed[i] = 1;
                    break;
                case FolderContent::kOnlyFolderMarkers:
                    markers_only[i] = 1;
                    empty[i] = 1;
                    break;
                case FolderContent::kNothing:
                    empty[i] = 1;
                    break;
            }
        });
    }
    std::vector<Deployment> remaining;
    for (std::size_t i = 0; i < folders.size(); ++i) {
        if (markers_only[i] != 0) empty_folders.push_back(folders[i].name);
        if (empty[i] == 0) remaining.push_back(std::move(folders[i]));
    }
    Plan plan = make_plan(bucket_name, root, std::move(remaining), policy);
    std::vector<Deployment*> doomed;
    for (auto& decision : plan.decisions) {
        if (decision.action == Action::kDelete) doomed.push_back(&decision.deployment);
    }
    list_all(bucket, doomed, options, versioned);
    // A doomed folder that turned out empty is no deployment: it leaves the
    // plan. The kept ones are unaffected (they were confirmed above).
    std::vector<Deployment> final_set;
    for (auto& decision : plan.decisions) final_set.push_back(std::move(decision.deployment));
    drop_empty(final_set, empty_folders, options.key_store.get());
    return make_plan(bucket_name, root, std::move(final_set), policy);
}

// Versioned buckets: finds the ghosts (folders with versions but no current
// object), and with --purge-versions lists the versions of everything doomed.
void add_versions(Bucket& bucket, const std::string& root, Plan& plan,
                  const BuildOptions& options) {
    std::set<std::string> deployments(plan.empty_folders.begin(), plan.empty_folders.end());
    for (const auto& decision : plan.decisions) deployments.insert(decision.deployment.name);
    for (auto& name : list_version_folders(bucket, root)) {
        if (deployments.count(name) != 0) continue;
        Deployment ghost;
        ghost.listed = false;  // no current object: nothing to list there
        ghost.prefix = root + name + "/";
        ghost.name = std::move(name);
        plan.ghosts.push_back(std::move(ghost));
    }
    std::vector<Deployment*> to_list;
    for (auto& ghost : plan.ghosts) to_list.push_back(&ghost);
    if (options.purge_versions) {
        for (auto& decision : plan.decisions) {
            if (decision.action == Action::kDelete) to_list.push_back(&decision.deployment);
        }
    }
    for_each_parallel(to_list.size(), options.concurrency,
                      [&](std::size_t k) { list_versions(bucket, *to_list[k], sink_of(options)); });
    // A ghost of folder markers alone is an empty folder too: nothing to purge.
    std::erase_if(plan.ghosts, [&](Deployment& g) {
        if (g.content_versions > 0) return false;
        if (g.versions + g.delete_markers > 0) plan.empty_folders.push_back(std::move(g.name));
        return true;
    });
    std::sort(plan.empty_folders.begin(), plan.empty_folders.end());
    if (!options.purge_versions) {
        // Only shown: keep no version ids for what will not be deleted.
        for (auto& ghost : plan.ghosts) release_keys(ghost, options.key_store.get());
        return;
    }
    plan.purge_versions = true;
    for (const auto* d : to_list) {
        plan.summary.versions_to_delete += d->versions + d->delete_markers - d->versions_held_back;
        plan.summary.version_bytes_to_delete += d->version_bytes;
    }
}

// Whether the root, without its '/', is the key of an object: the URL names
// a file, not a folder. Keys sort by bytes, so it comes first if it exists.
bool root_is_object(Bucket& bucket, const std::string& root) {
    if (root.empty()) return false;
    const std::string key = root.substr(0, root.size() - 1);
    bool found = false;
    bucket.list({.prefix = key, .first_page = 1}, [&](ListedPage& page) {
        found = !page.objects.empty() && page.objects.front().key == key;
        return false;
    });
    return found;
}

// The policy with every live deployment named: those the sources read before
// planning name, and those the pointer objects reference among the folders.
Policy with_live(const Policy& policy, const std::string& root,
                 const std::vector<Deployment>& folders, const BuildOptions& options,
                 std::vector<LiveSource>& live) {
    std::vector<std::string> names;
    names.reserve(folders.size());
    for (const auto& folder : folders) names.push_back(folder.name);
    for (const auto& pointer : options.pointers) {
        LiveSource source;
        source.kind = LiveSource::Kind::kObject;
        source.key = pointer.key;
        source.deployments = referenced_deployments(pointer.body, names, root);
        live.push_back(std::move(source));
    }
    Policy out = policy;
    std::set<std::string> live_names;
    for (const auto& source : live)
        live_names.insert(source.deployments.begin(), source.deployments.end());
    out.live.assign(live_names.begin(), live_names.end());
    return out;
}

}  // namespace

Plan build_plan(Bucket& bucket, const std::string& bucket_name, const std::string& root,
                const Policy& policy, const BuildOptions& options) {
    // A role allowed only to list and delete (the minimal policy) may not read
    // the versioning status; that only matters when versions are to be purged.
    Versioning versioning = Versioning::kUnknown;
    try {
        versioning = bucket.versioning();
    } catch (const aws::ServiceError& error) {
        if (error.kind != aws::ErrorKind::kAccessDenied || options.purge_versions) throw;
    }
    const bool versioned_bucket =
        versioning == Versioning::kEnabled || versioning == Versioning::kSuspended;
    Folders folders = list_folders(bucket, root);
    RootFacts facts{folders.deployments.size(), folders.root_objects, false};
    std::vector<LiveSource> live = options.live;
    const Policy policy_with_live = with_live(policy, root, folders.deployments, options, live);
    std::vector<std::string> empty_folders;
    Plan plan;
    if (names_suffice(policy)) {
        plan = plan_from_names(bucket, bucket_name, root, std::move(folders.deployments),
                               policy_with_live, options, versioned_bucket, empty_folders);
    } else {
        auto& deployments = folders.deployments;
        std::vector<Deployment*> all;
        all.reserve(deployments.size());
        for (auto& d : deployments) all.push_back(&d);
        list_all(bucket, all, options, versioned_bucket);
        drop_empty(deployments, empty_folders, options.key_store.get());
        plan = make_plan(bucket_name, root, std::move(deployments), policy_with_live);
    }
    plan.live = std::move(live);
    plan.incomplete = options.live_incomplete;
    std::sort(empty_folders.begin(), empty_folders.end());
    plan.empty_folders = std::move(empty_folders);
    release_kept(plan, options.key_store.get());
    plan.key_store = options.key_store;
    plan.versioning = versioning;
    if (plan.versioned()) add_versions(bucket, root, plan, options);
    if (facts.folders == 0 && facts.root_objects == 0 && plan.ghosts.empty()) {
        facts.root_is_object = root_is_object(bucket, root);
    }
    plan.warnings = plan_warnings(plan, facts);
    return plan;
}

}  // namespace retention
