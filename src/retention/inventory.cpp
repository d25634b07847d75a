#include "retention/inventory.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

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

}  // namespace

void list_deployment(Bucket& bucket, Deployment& deployment, bool versioned) {
    const std::string& prefix = deployment.prefix;
    deployment.objects = 0;
    deployment.bytes = 0;
    deployment.contents.release();
    deployment.folder_markers = 0;
    deployment.has_direct_objects = false;
    deployment.has_subfolders = false;
    deployment.versions = 0;
    deployment.delete_markers = 0;
    deployment.version_bytes = 0;
    deployment.content_versions = 0;
    // Times of the content and of the folder markers apart: markers count only
    // when there is nothing else.
    TimeRange content;
    TimeRange markers;
    auto add_current = [&](const ListedObject& entry) {
        if (is_folder_marker(entry.key, entry.size)) {
            markers.add(entry.last_modified);
            ++deployment.folder_markers;
        } else {
            content.add(entry.last_modified);
            const std::string_view rest = std::string_view(entry.key).substr(prefix.size());
            (rest.find('/') == std::string_view::npos ? deployment.has_direct_objects
                                                      : deployment.has_subfolders) = true;
        }
        ++deployment.objects;
        deployment.bytes += entry.size;
        deployment.contents.add(entry.key, entry.size);
    };
    bucket.list({.prefix = prefix, .versions = versioned}, [&](ListedPage& page) {
        for (const auto& entry : page.objects) {
            if (versioned) count_version(deployment, entry);
            if (!versioned || (entry.is_latest && !entry.is_delete_marker)) add_current(entry);
        }
        return true;
    });
    const TimeRange& age = content.empty() ? markers : content;
    deployment.newest = age.newest;
    deployment.oldest = age.oldest;
    deployment.contents.shrink_to_fit();
    deployment.listed = true;
    deployment.versions_counted = versioned;
}

void list_versions(Bucket& bucket, Deployment& deployment) {
    deployment.contents.release();
    deployment.versions = 0;
    deployment.delete_markers = 0;
    deployment.version_bytes = 0;
    deployment.content_versions = 0;
    bucket.list({.prefix = deployment.prefix, .versions = true}, [&](ListedPage& page) {
        for (const auto& entry : page.objects) {
            deployment.contents.add_version(entry.key, entry.size, entry.version_id,
                                            entry.is_delete_marker, entry.is_latest);
            count_version(deployment, entry);
        }
        return true;
    });
    deployment.contents.shrink_to_fit();
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
