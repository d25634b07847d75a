#include "retention/plan_builder.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>

#include "retention/inventory.hpp"
#include "retention/planner.hpp"

namespace retention {

namespace {

// Lists deployments in parallel, reporting progress after each.
void list_all(s3::Client& client, const std::vector<Deployment*>& deployments,
              const BuildOptions& options) {
    std::mutex mutex;
    std::uint64_t done = 0;
    std::uint64_t objects = 0;
    for_each_parallel(deployments.size(), options.concurrency, [&](std::size_t k) {
        list_deployment(client, *deployments[k]);
        std::lock_guard lock(mutex);
        ++done;
        objects += deployments[k]->objects;
        options.on_listed(done, objects);
    });
}

bool names_suffice(const Policy& policy) {
    return policy.sort_by == SortBy::kName && !policy.cutoff;
}

void drop_empty(std::vector<Deployment>& deployments) {
    std::erase_if(deployments, [](const Deployment& d) { return d.listed && d.objects == 0; });
}

void release_kept(Plan& plan) {
    for (auto& decision : plan.decisions) {
        if (decision.action == Action::kKeep) decision.deployment.contents.release();
    }
}

Plan plan_from_names(s3::Client& client, const std::string& bucket, const std::string& root,
                     std::vector<Deployment> folders, const Policy& policy,
                     const BuildOptions& options) {
    // Decide on names; confirm the kept ones hold objects; decide again
    // without the empty ones until every kept one is confirmed.
    // One byte a folder, not std::vector<bool>: the checks run in parallel, and
    // neighbouring bits of one word written by two threads lose one of the writes
    // (seen as a folder checked twice under load).
    std::vector<std::uint8_t> confirmed(folders.size(), 0);
    std::vector<std::uint8_t> empty(folders.size(), 0);
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
        Plan trial = make_plan(bucket, root, std::move(candidates), policy);
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
            if (has_objects(client, folders[i])) {
                confirmed[i] = 1;
            } else {
                empty[i] = 1;
            }
        });
    }
    std::vector<Deployment> remaining;
    for (std::size_t i = 0; i < folders.size(); ++i) {
        if (empty[i] == 0) remaining.push_back(std::move(folders[i]));
    }
    Plan plan = make_plan(bucket, root, std::move(remaining), policy);
    std::vector<Deployment*> doomed;
    for (auto& decision : plan.decisions) {
        if (decision.action == Action::kDelete) doomed.push_back(&decision.deployment);
    }
    list_all(client, doomed, options);
    // A doomed folder that turned out empty is no deployment: it leaves the
    // plan. The kept ones are unaffected (they were confirmed above).
    std::vector<Deployment> final_set;
    for (auto& decision : plan.decisions) {
        if (decision.deployment.listed && decision.deployment.objects == 0) continue;
        final_set.push_back(std::move(decision.deployment));
    }
    return make_plan(bucket, root, std::move(final_set), policy);
}

// Versioned buckets: finds the ghosts (folders with versions but no current
// object), and with --purge-versions lists the versions of everything doomed.
void add_versions(s3::Client& client, const std::string& root, Plan& plan,
                  const BuildOptions& options) {
    std::set<std::string> deployments;
    for (const auto& decision : plan.decisions) deployments.insert(decision.deployment.name);
    for (auto& name : list_version_folders(client, root)) {
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
                      [&](std::size_t k) { list_versions(client, *to_list[k]); });
    std::erase_if(plan.ghosts,
                  [](const Deployment& g) { return g.versions + g.delete_markers == 0; });
    if (!options.purge_versions) {
        // Only shown: keep no version ids for what will not be deleted.
        for (auto& ghost : plan.ghosts) ghost.contents.release();
        return;
    }
    plan.purge_versions = true;
    for (const auto* d : to_list) {
        plan.summary.versions_to_delete += d->versions + d->delete_markers;
        plan.summary.version_bytes_to_delete += d->version_bytes;
    }
}

}  // namespace

Plan build_plan(s3::Client& client, const std::string& bucket, const std::string& root,
                const Policy& policy, const BuildOptions& options) {
    // A role allowed only to list and delete (the minimal policy) may not read
    // the versioning status; that only matters when versions are to be purged.
    std::string versioning = kVersioningUnknown;
    try {
        versioning = client.get_bucket_versioning();
    } catch (const s3::S3Error& error) {
        if (error.kind != s3::ErrorKind::kAccessDenied || options.purge_versions) throw;
    }
    Folders folders = list_folders(client, root);
    Plan plan;
    if (names_suffice(policy)) {
        plan =
            plan_from_names(client, bucket, root, std::move(folders.deployments), policy, options);
    } else {
        auto& deployments = folders.deployments;
        std::vector<Deployment*> all;
        all.reserve(deployments.size());
        for (auto& d : deployments) all.push_back(&d);
        list_all(client, all, options);
        drop_empty(deployments);
        plan = make_plan(bucket, root, std::move(deployments), policy);
    }
    release_kept(plan);
    plan.versioning = versioning;
    if (plan.versioned()) add_versions(client, root, plan, options);
    return plan;
}

}  // namespace retention
