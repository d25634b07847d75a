// A deployment: the folder ROOT/NAME/ and what listing it found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "retention/object_list.hpp"
#include "s3/timestamp.hpp"

namespace retention {

using TimePoint = s3::TimePoint;

struct Deployment {
    std::string name;    // NAME, without slashes
    std::string prefix;  // ROOT + NAME + "/": the only keys that belong to it
    std::uint64_t objects = 0;
    std::uint64_t bytes = 0;
    TimePoint newest{};  // latest LastModified: when it was last written
    TimePoint oldest{};  // earliest LastModified
    // False while only the folder is known: with --sort-by name and no age
    // cutoff the plan needs no object listing of the deployments it keeps.
    bool listed = true;
    // With --purge-versions on a versioned bucket: every version and delete
    // marker under prefix (contents then holds them, by version id).
    bool versions_listed = false;
    std::uint64_t versions = 0;  // versions, current ones included
    std::uint64_t delete_markers = 0;
    std::uint64_t version_bytes = 0;
    // Every object found under prefix, in listing order. Deletion sends
    // exactly these, so nothing that was not listed and planned can be deleted.
    ObjectList contents;
};

}  // namespace retention
