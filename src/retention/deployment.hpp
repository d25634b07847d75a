// A deployment: the folder ROOT/NAME/ and what listing it found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "s3/timestamp.hpp"

namespace retention {

using TimePoint = s3::TimePoint;

struct ObjectRef {
    std::string key;
    std::uint64_t size = 0;
};

struct Deployment {
    std::string name;    // NAME, without slashes
    std::string prefix;  // ROOT + NAME + "/": the only keys that belong to it
    std::uint64_t objects = 0;
    std::uint64_t bytes = 0;
    TimePoint newest{};  // latest LastModified: when it was last written
    TimePoint oldest{};  // earliest LastModified
    // Every object found under prefix, in listing order. Deletion sends
    // exactly these, so nothing that was not listed and planned can be deleted.
    std::vector<ObjectRef> contents;
};

}  // namespace retention
