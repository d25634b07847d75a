#include "retention/inventory.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace retention {

namespace {

TimePoint last_modified(const s3::ObjectEntry& entry, const std::string& bucket) {
    auto when = aws::parse_timestamp(entry.last_modified);
    if (!when) {
        throw aws::ServiceError(
            s3::kServiceId, aws::ErrorKind::kBadResponse, 200, "",
            "unreadable LastModified '" + entry.last_modified + "' for key '" + entry.key + "'", "",
            "GET s3://" + bucket + "/?list-type=2");
    }
    return *when;
}

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

}  // namespace

void list_deployment(s3::Client& client, Deployment& deployment) {
    const std::string& prefix = deployment.prefix;
    deployment.objects = 0;
    deployment.bytes = 0;
    deployment.contents.release();
    deployment.folder_markers = 0;
    deployment.has_direct_objects = false;
    deployment.has_subfolders = false;
    // Times of the content and of the folder markers apart: markers count only
    // when there is nothing else.
    TimeRange content;
    TimeRange markers;
    std::string token;
    do {
        auto page = client.list_objects_v2(prefix, "", token);
        for (auto& entry : page.objects) {
            // The listing was by prefix; a key outside it would be a server bug,
            // and deleting it would be ours. Refuse it here already.
            if (entry.key.compare(0, prefix.size(), prefix) != 0) {
                throw aws::ServiceError(
                    s3::kServiceId, aws::ErrorKind::kBadResponse, 200, "",
                    "listing of '" + prefix + "' returned key '" + entry.key + "' outside it", "",
                    "GET s3://" + client.config().bucket + "/?list-type=2");
            }
            const TimePoint when = last_modified(entry, client.config().bucket);
            if (is_folder_marker(entry.key, entry.size)) {
                markers.add(when);
                ++deployment.folder_markers;
            } else {
                content.add(when);
                const std::string_view rest = std::string_view(entry.key).substr(prefix.size());
                (rest.find('/') == std::string_view::npos ? deployment.has_direct_objects
                                                          : deployment.has_subfolders) = true;
            }
            ++deployment.objects;
            deployment.bytes += entry.size;
            deployment.contents.add(entry.key, entry.size);
        }
        token = page.is_truncated ? page.next_continuation_token : std::string();
    } while (!token.empty());
    const TimeRange& age = content.empty() ? markers : content;
    deployment.newest = age.newest;
    deployment.oldest = age.oldest;
    deployment.contents.shrink_to_fit();
    deployment.listed = true;
}

void list_versions(s3::Client& client, Deployment& deployment) {
    const std::string& prefix = deployment.prefix;
    deployment.contents.release();
    deployment.versions = 0;
    deployment.delete_markers = 0;
    deployment.version_bytes = 0;
    std::string key_marker;
    std::string version_marker;
    for (;;) {
        auto page = client.list_object_versions(prefix, "", key_marker, version_marker);
        for (const auto& entry : page.entries) {
            if (entry.key.compare(0, prefix.size(), prefix) != 0) {
                throw aws::ServiceError(s3::kServiceId, aws::ErrorKind::kBadResponse, 200, "",
                                        "version listing of '" + prefix + "' returned key '" +
                                            entry.key + "' outside it",
                                        "", "GET s3://" + client.config().bucket + "/?versions");
            }
            deployment.contents.add_version(entry.key, entry.size, entry.version_id,
                                            entry.is_delete_marker, entry.is_latest);
            // Versions of folder markers, and delete markers of them, are no content.
            if (!is_folder_marker(entry.key, entry.size)) ++deployment.content_versions;
            if (entry.is_delete_marker) {
                ++deployment.delete_markers;
            } else {
                ++deployment.versions;
                deployment.version_bytes += entry.size;
            }
        }
        if (!page.is_truncated) break;
        key_marker = page.next_key_marker;
        version_marker = page.next_version_id_marker;
    }
    deployment.contents.shrink_to_fit();
    deployment.versions_listed = true;
}

std::vector<std::string> list_version_folders(s3::Client& client, const std::string& root) {
    std::vector<std::string> names;
    std::string key_marker;
    std::string version_marker;
    for (;;) {
        auto page = client.list_object_versions(root, "/", key_marker, version_marker);
        for (const auto& prefix : page.common_prefixes) {
            if (auto name = folder_name(prefix, root)) names.push_back(std::move(*name));
        }
        if (!page.is_truncated) break;
        key_marker = page.next_key_marker;
        version_marker = page.next_version_id_marker;
    }
    return names;
}

FolderContent folder_content(s3::Client& client, const Deployment& deployment) {
    // Markers sort before what they hold (NAME/ < NAME/a/ < NAME/a/b.txt), so
    // the first key is usually content; only a folder of markers costs more.
    auto page = client.list_objects_v2(deployment.prefix, "", "", 1);
    FolderContent found = FolderContent::kNothing;
    for (;;) {
        for (const auto& entry : page.objects) {
            if (!is_folder_marker(entry.key, entry.size)) return FolderContent::kContent;
            found = FolderContent::kOnlyFolderMarkers;
        }
        if (!page.is_truncated || page.next_continuation_token.empty()) return found;
        page = client.list_objects_v2(deployment.prefix, "", page.next_continuation_token);
    }
}

Folders list_folders(s3::Client& client, const std::string& root) {
    Folders folders;
    std::string token;
    do {
        auto page = client.list_objects_v2(root, "/", token);
        folders.root_objects += page.objects.size();
        for (auto& prefix : page.common_prefixes) {
            auto name = folder_name(prefix, root);
            if (!name) continue;
            Deployment deployment;
            deployment.name = std::move(*name);
            deployment.prefix = std::move(prefix);
            deployment.listed = false;
            folders.deployments.push_back(std::move(deployment));
        }
        token = page.is_truncated ? page.next_continuation_token : std::string();
    } while (!token.empty());
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
