// A deployment: the folder ROOT/NAME/ and what listing it found.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aws/timestamp.hpp"
#include "retention/key_store.hpp"
#include "retention/object_list.hpp"

namespace retention {

using TimePoint = aws::TimePoint;

// A folder marker: the 0-byte key ending in '/' that the S3 console's "Create
// folder" (and some sync tools) write. It is no content: a folder holding only
// markers is an empty folder, not a deployment.
inline bool is_folder_marker(std::string_view key, std::uint64_t size) {
    return size == 0 && !key.empty() && key.back() == '/';
}

struct Deployment {
    std::string name;    // NAME, without slashes
    std::string prefix;  // ROOT + NAME + "/": the only keys that belong to it
    std::uint64_t objects = 0;
    std::uint64_t bytes = 0;
    // Latest and earliest LastModified of its content: folder markers do not
    // count (a marker re-written by a sync tool does not make a build new),
    // unless the folder holds nothing else.
    TimePoint newest{};
    TimePoint oldest{};
    std::uint64_t folder_markers = 0;  // of objects: deleted with it, but no content
    // Whether the listing found a key directly in the folder (NAME/index.html)
    // and one in a sub-folder (NAME/css/app.css): a root whose folders all hold
    // only sub-folders is likely one level too high (apps, not deployments).
    bool has_direct_objects = false;
    bool has_subfolders = false;
    // False while only the folder is known: with --sort-by name and no age
    // cutoff the plan needs no object listing of the deployments it keeps.
    bool listed = true;
    // With --purge-versions on a versioned bucket: every version and delete
    // marker under prefix (contents then holds them, by version id).
    bool versions_listed = false;
    // On a versioned bucket: the figures below were counted (from the version
    // listing that also found the current objects), whether or not contents
    // holds the versions.
    bool versions_counted = false;
    std::uint64_t versions = 0;  // versions, current ones included
    std::uint64_t delete_markers = 0;
    std::uint64_t version_bytes = 0;
    // Versions and delete markers of keys that are not folder markers.
    std::uint64_t content_versions = 0;
    // Every object found under prefix: the sealed chunks (in memory or spilled
    // to the run's KeyStore), then contents, the chunk being filled. Deletion
    // sends exactly these, so nothing that was not listed and planned can be
    // deleted.
    std::vector<KeyChunk> chunks;
    ObjectList contents;
    // Memory of contents and of the chunks in memory, as the KeyStore counts it.
    std::int64_t held_bytes = 0;
    // Entries the listing found with a LastModified later than the moment the
    // listing began: written during the run. Counted in the figures above (the
    // deployment is that new), never stored, so never sent: reported as
    // appeared. Of current objects, and of versions (--purge-versions).
    std::uint64_t held_back = 0;
    std::uint64_t versions_held_back = 0;

    // Entries stored for deletion, spilled and in memory.
    [[nodiscard]] std::uint64_t stored_entries() const {
        std::uint64_t n = contents.size();
        for (const auto& chunk : chunks) n += chunk.entries();
        return n;
    }

    [[nodiscard]] bool any_spilled() const {
        for (const auto& chunk : chunks) {
            if (!chunk.in_memory) return true;
        }
        return false;
    }

    // Listed, and nothing in it but folder markers (or nothing at all).
    [[nodiscard]] bool only_folder_markers() const { return listed && objects == folder_markers; }
};

}  // namespace retention
