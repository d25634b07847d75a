// What is live: the deployments users are being served right now, as the
// places teams point their traffic say (a CloudFront origin path, a pointer
// object). They reach planning as data -- names and where each came from --
// so planning stays a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace retention {

// A pointer object larger than this is refused: a root index.html or a
// current.txt is a few KiB, and the whole body is held to be searched.
inline constexpr std::uint64_t kMaxPointerObjectBytes = std::uint64_t{1024} * 1024;

struct LiveSource {
    enum class Kind { kCloudFront, kObject };
    Kind kind = Kind::kCloudFront;
    // kCloudFront: the origin of this bucket that names a deployment.
    std::string distribution;
    std::string origin_id;
    std::string origin_path;
    // kObject: the pointer object's key.
    std::string key;
    // The deployments it makes live (a CloudFront origin: at most one).
    std::vector<std::string> deployments;
};

// The deployment NAME that a served key prefix (an origin path without its
// slashes, "ROOT/NAME" or deeper) names under root; nullopt when the prefix
// is not inside root or stops at root itself.
std::optional<std::string> deployment_of_prefix(std::string_view served, std::string_view root);

// The names of `names` that a pointer object's body references: NAME occurs
// as a whole path segment (followed by '/', and at the start of the body or
// after a byte that is not a letter, digit, '-', '_' or '.'), or the whole
// body, trimmed, is NAME, ROOT+NAME, or either with a trailing '/'. So
// "/d4/app.js" references d4, "build-11/" not build-1, "build-1/" not 1.
std::vector<std::string> referenced_deployments(std::string_view body,
                                                const std::vector<std::string>& names,
                                                std::string_view root);

}  // namespace retention
