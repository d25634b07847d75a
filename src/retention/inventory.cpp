#include "retention/inventory.hpp"

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "retention/task_queue.hpp"

namespace retention {

namespace {

// The NAME of a common prefix ROOT + NAME + "/"; nullopt for anything else
// (not under root, or more than one level down): not a folder of ours.
std::optional<std::string> folder_name(const std::string& prefix, const std::string& root) {
    if (prefix.size() <= root.size() + 1 || prefix.compare(0, root.size(), root) != 0 ||
        prefix.back() != '/') {
        return std::nullopt;
    }
    std::string name = prefix.substr(root.size(), prefix.size() - root.size() - 1);
    if (name.find('/') != std::string::npos) return std::nullopt;
    return name;
}

// The newest and oldest of a set of times.
struct TimeRange {
    TimePoint newest{};
    TimePoint oldest{};
    bool any = false;
    void add(TimePoint when) {
        if (!any || when > newest) newest = when;
        if (!any || when < oldest) oldest = when;
        any = true;
    }
    [[nodiscard]] bool empty() const { return !any; }
};

// One version or delete marker, in the deployment's figures.
void count_version(Deployment& deployment, const ListedObject& entry) {
    // Versions of folder markers, and delete markers of them, are no content.
    if (!is_folder_marker(entry.key, entry.size)) ++deployment.content_versions;
    if (entry.is_delete_marker) {
        ++deployment.delete_markers;
    } else {
        ++deployment.versions;
        deployment.version_bytes += entry.size;
    }
}

// Stores a listing's entries for deletion: in the deployment's contents, and
// once the run's key budget is spent, in the spill file in chunks.
class ContentsWriter {
public:
    ContentsWriter(Deployment& deployment, KeySink sink) : deployment_(deployment), sink_(sink) {
        release_keys(deployment_, sink_.store);
    }

    // An entry modified after the listing began was written during the run.
    [[nodiscard]] bool held_back(const ListedObject& entry) const {
        return sink_.began && entry.last_modified > *sink_.began;
    }

    ObjectList& list() { return deployment_.contents; }

    // After each page: a full chunk is sealed, in memory while the budget
    // lasts, else in the spill file.
    void page_done() {
        if (sink_.store == nullptr) return;
        account();
        if (deployment_.contents.memory() >= kSpillChunk) seal();
    }

    void finish() {
        deployment_.contents.shrink_to_fit();
        if (sink_.store == nullptr) return;
        account();
        if (sink_.store->over_budget() && !deployment_.contents.empty()) seal();
    }

private:
    void account() {
        const auto memory = static_cast<std::int64_t>(deployment_.contents.memory());
        sink_.store->hold(memory - contents_held_);
        deployment_.held_bytes += memory - contents_held_;
        contents_held_ = memory;
    }

    void seal() {
        ObjectList& contents = deployment_.contents;
        const bool to_disk = sink_.store->over_budget();
        // contents' memory leaves the count; a chunk kept in memory comes back in.
        sink_.store->hold(-contents_held_);
        deployment_.held_bytes -= contents_held_;
        contents_held_ = 0;
        KeyChunk chunk;
        if (to_disk) {
            chunk.on_disk = sink_.store->spill(contents);
            contents.release();
        } else {
            contents.shrink_to_fit();
            chunk.in_memory = std::make_shared<const ObjectList>(std::move(contents));
            contents = ObjectList();
            const auto memory = static_cast<std::int64_t>(chunk.in_memory->memory());
            sink_.store->hold(memory);
            deployment_.held_bytes += memory;
        }
        deployment_.chunks.push_back(std::move(chunk));
    }

    Deployment& deployment_;
    const KeySink sink_;
    std::int64_t contents_held_ = 0;  // contents' share of held_bytes
};

}  // namespace

void release_keys(Deployment& deployment, KeyStore* store) {
    deployment.contents.release();
    deployment.chunks.clear();
    if (store != nullptr) store->hold(-deployment.held_bytes);
    deployment.held_bytes = 0;
}

namespace {

// One deployment's listing, over as many connections as it pays to use: the
// first page of ROOT/NAME/; when it comes back truncated, a Delimiter listing
// of the folder (after the first page's last key) finds its direct keys and
// its sub-folders, and each sub-folder is listed the same way, as a task of
// its own. Every key is in exactly one of these listings, so the figures are
// those of a flat listing; only the order of the stored keys differs. A
// version listing is paged flat (its markers are a key and a version id).
class DeploymentListing : public std::enable_shared_from_this<DeploymentListing> {
public:
    DeploymentListing(Bucket& bucket, Deployment& deployment, bool versioned, KeySink sink,
                      TaskQueue& queue, std::function<void(const Deployment&)> on_listed)
        : bucket_(bucket),
          deployment_(deployment),
          versioned_(versioned),
          sink_(sink),
          writer_(deployment, sink_),
          queue_(queue),
          on_listed_(std::move(on_listed)) {
        deployment.objects = 0;
        deployment.bytes = 0;
        deployment.held_back = 0;
        deployment.folder_markers = 0;
        deployment.has_direct_objects = false;
        deployment.has_subfolders = false;
        deployment.versions = 0;
        deployment.delete_markers = 0;
        deployment.version_bytes = 0;
        deployment.content_versions = 0;
    }

    void start() { spawn(deployment_.prefix, ""); }

private:
    void spawn(std::string prefix, std::string start_after) {
        ++pending_;
        queue_.push([self = shared_from_this(), prefix = std::move(prefix),
                     start_after = std::move(start_after)] {
            self->list_subtree(prefix, start_after);
            self->subtree_done();
        });
    }

    // The keys under prefix after start_after.
    void list_subtree(const std::string& prefix, const std::string& start_after) {
        std::string last;
        bucket_.list({.prefix = prefix, .versions = versioned_, .start_after = start_after},
                     [&](ListedPage& page) {
                         add(page);
                         if (versioned_ || !page.truncated || page.objects.empty()) return true;
                         last = page.objects.back().key;
                         return false;  // the rest goes by folder, in parallel
                     });
        if (last.empty()) return;
        // The sub-folder the first page ended in goes on after its last key.
        // S3 (and RGW, and moto) leave a folder that holds start-after out of
        // a Delimiter listing, so it is not waited for there.
        std::string current;
        if (const auto slash = last.find('/', prefix.size()); slash != std::string::npos) {
            current = last.substr(0, slash + 1);
            spawn(current, last);
        }
        bucket_.list({.prefix = prefix, .by_folder = true, .start_after = last},
                     [&](ListedPage& page) {
                         add(page);  // the folder's direct keys after `last`
                         for (auto& folder : page.folders) {
                             // Every other sub-folder shown lies wholly after `last`.
                             if (folder != current) spawn(std::move(folder), "");
                         }
                         return true;
                     });
    }

    void add(const ListedPage& page) {
        std::lock_guard lock(mutex_);
        for (const auto& entry : page.objects) {
            if (versioned_) count_version(deployment_, entry);
            if (!versioned_ || (entry.is_latest && !entry.is_delete_marker)) add_current(entry);
        }
        writer_.page_done();
    }

    void add_current(const ListedObject& entry) {
        Deployment& d = deployment_;
        if (is_folder_marker(entry.key, entry.size)) {
            markers_.add(entry.last_modified);
            ++d.folder_markers;
        } else {
            content_.add(entry.last_modified);
            const std::string_view rest = std::string_view(entry.key).substr(d.prefix.size());
            (rest.find('/') == std::string_view::npos ? d.has_direct_objects : d.has_subfolders) =
                true;
        }
        ++d.objects;
        d.bytes += entry.size;
        if (writer_.held_back(entry)) {
            ++d.held_back;
        } else {
            writer_.list().add(entry.key, entry.size);
        }
    }

    // The last listing of the deployment to end completes it.
    void subtree_done() {
        if (--pending_ != 0) return;
        std::lock_guard lock(mutex_);
        // Times of the content and of the folder markers apart: markers count
        // only when there is nothing else.
        const TimeRange& age = content_.empty() ? markers_ : content_;
        deployment_.newest = age.newest;
        deployment_.oldest = age.oldest;
        writer_.finish();
        deployment_.listed = true;
        deployment_.versions_counted = versioned_;
        on_listed_(deployment_);
    }

    Bucket& bucket_;
    Deployment& deployment_;
    const bool versioned_;
    const KeySink sink_;
    std::mutex mutex_;  // the deployment, its writer and times
    ContentsWriter writer_;
    TimeRange content_;
    TimeRange markers_;
    std::atomic<int> pending_{0};
    TaskQueue& queue_;
    std::function<void(const Deployment&)> on_listed_;
};

}  // namespace

void list_deployments(Bucket& bucket, const std::vector<Deployment*>& deployments, bool versioned,
                      int concurrency, const std::function<KeySink()>& sink_for,
                      const std::function<void(const Deployment&)>& on_listed) {
    TaskQueue queue;
    // Pushed last first: the newest task runs first, so they start in order.
    for (auto it = deployments.rbegin(); it != deployments.rend(); ++it) {
        Deployment* deployment = *it;
        queue.push([&bucket, deployment, versioned, &sink_for, &on_listed, &queue] {
            std::make_shared<DeploymentListing>(bucket, *deployment, versioned, sink_for(), queue,
                                                on_listed)
                ->start();
        });
    }
    queue.run(concurrency);
}

void list_deployment(Bucket& bucket, Deployment& deployment, bool versioned, const KeySink& sink) {
    list_deployments(
        bucket, {&deployment}, versioned, 1, [&sink] { return sink; }, [](const Deployment&) {});
}

void list_versions(Bucket& bucket, Deployment& deployment, const KeySink& sink) {
    ContentsWriter writer(deployment, sink);
    deployment.versions_held_back = 0;
    deployment.versions = 0;
    deployment.delete_markers = 0;
    deployment.version_bytes = 0;
    deployment.content_versions = 0;
    bucket.list({.prefix = deployment.prefix, .versions = true}, [&](ListedPage& page) {
        for (const auto& entry : page.objects) {
            if (writer.held_back(entry)) {
                ++deployment.versions_held_back;
            } else {
                writer.list().add_version(entry.key, entry.size, entry.version_id,
                                          entry.is_delete_marker, entry.is_latest);
            }
            count_version(deployment, entry);
        }
        writer.page_done();
        return true;
    });
    writer.finish();
    deployment.versions_listed = true;
    deployment.versions_counted = true;
}

std::vector<std::string> list_version_folders(Bucket& bucket, const std::string& root) {
    std::vector<std::string> names;
    bucket.list({.prefix = root, .versions = true, .by_folder = true}, [&](ListedPage& page) {
        for (const auto& prefix : page.folders) {
            if (auto name = folder_name(prefix, root)) names.push_back(std::move(*name));
        }
        return true;
    });
    return names;
}

FolderContent folder_content(Bucket& bucket, const Deployment& deployment) {
    // Markers sort before what they hold (NAME/ < NAME/a/ < NAME/a/b.txt), so
    // the first key is usually content: one entry is asked for first. Only a
    // folder of markers costs more.
    FolderContent found = FolderContent::kNothing;
    bucket.list({.prefix = deployment.prefix, .first_page = 1}, [&](ListedPage& page) {
        for (const auto& entry : page.objects) {
            if (!is_folder_marker(entry.key, entry.size)) {
                found = FolderContent::kContent;
                return false;
            }
            found = FolderContent::kOnlyFolderMarkers;
        }
        return true;
    });
    return found;
}

Folders list_folders(Bucket& bucket, const std::string& root) {
    Folders folders;
    bucket.list({.prefix = root, .by_folder = true}, [&](ListedPage& page) {
        folders.root_objects += page.objects.size();
        for (auto& prefix : page.folders) {
            auto name = folder_name(prefix, root);
            if (!name) continue;
            Deployment deployment;
            deployment.name = std::move(*name);
            deployment.prefix = std::move(prefix);
            deployment.listed = false;
            folders.deployments.push_back(std::move(deployment));
        }
        return true;
    });
    return folders;
}

void for_each_parallel(std::size_t count, int concurrency,
                       const std::function<void(std::size_t)>& fn) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr first_error;
    std::mutex error_mutex;
    auto work = [&] {
        for (;;) {
            if (failed.load()) return;
            const std::size_t index = next.fetch_add(1);
            if (index >= count) return;
            try {
                fn(index);
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!first_error) first_error = std::current_exception();
                failed.store(true);
                return;
            }
        }
    };
    const auto workers = static_cast<std::size_t>(std::max(1, concurrency));
    if (workers == 1 || count <= 1) {
        work();
    } else {
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < std::min(workers, count); ++i) threads.emplace_back(work);
        for (auto& thread : threads) thread.join();
    }
    if (first_error) std::rethrow_exception(first_error);
}

}  // namespace retention
