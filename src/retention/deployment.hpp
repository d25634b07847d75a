// A deployment: the folder ROOT/NAME/ and what listing it found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
    // Every key found under prefix, in listing order. Deletion sends exactly
    // these, so nothing that was not listed and planned can be deleted.
    std::vector<std::string> keys;
};

}  // namespace retention
