// Roots with glob segments: s3://web/apps/*/ names one root per app, each
// kept to its own N (keep N per app, apps that do not exist yet included).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retention/bucket.hpp"

namespace retention {

// A segment with an unescaped '*', '?' or '[': matched against folder names
// with fnmatch(3). "\*" stands for a literal '*'.
bool is_glob_segment(std::string_view segment);

// Whether any segment of root (ROOT/ with its trailing '/') is a glob.
bool has_glob(std::string_view root);

// The root with its escapes resolved ("a\*b/" is the folder "a*b/"), for a
// root without glob segments: what is listed and deleted.
std::string literal_root(std::string_view root);

struct RootExpansion {
    std::vector<std::string> roots;  // in key order, each ending in '/'
    bool matched_nothing = false;
};

// Each glob segment expanded with a Delimiter listing of the level above
// (keys directly under a level are no folders, so they never become roots);
// each folder whose name the glob matches becomes a root, or the level above
// the next glob. A root without globs comes back as its literal self, with no
// request sent.
RootExpansion expand_root(Bucket& bucket, std::string_view root);

}  // namespace retention
