#include "retention/root_pattern.hpp"

#include <fnmatch.h>

namespace retention {

namespace {

bool is_glob_char(char c) { return c == '*' || c == '?' || c == '['; }

// The segments of ROOT/ (the empty root has none).
std::vector<std::string_view> segments_of(std::string_view root) {
    std::vector<std::string_view> out;
    while (!root.empty()) {
        const auto slash = root.find('/');
        out.push_back(root.substr(0, slash));
        if (slash == std::string_view::npos) break;
        root.remove_prefix(slash + 1);
    }
    return out;
}

// A literal segment with "\*", "\?", "\[" and "\\" resolved; any other
// backslash is a character of the name.
std::string unescaped(std::string_view segment) {
    std::string out;
    out.reserve(segment.size());
    for (std::size_t i = 0; i < segment.size(); ++i) {
        const bool escape = segment[i] == '\\' && i + 1 < segment.size() &&
                            (is_glob_char(segment[i + 1]) || segment[i + 1] == '\\');
        if (escape) ++i;
        out += segment[i];
    }
    return out;
}

// The folders directly under prefix whose name the glob matches, as prefixes.
std::vector<std::string> matching_folders(Bucket& bucket, const std::string& prefix,
                                          const std::string& glob) {
    std::vector<std::string> out;
    bucket.list({.prefix = prefix, .by_folder = true}, [&](ListedPage& page) {
        for (auto& folder : page.folders) {
            if (folder.size() <= prefix.size() + 1) continue;  // "prefix/" + "/": no name
            const std::string name =
                folder.substr(prefix.size(), folder.size() - prefix.size() - 1);
            if (::fnmatch(glob.c_str(), name.c_str(), 0) == 0) out.push_back(std::move(folder));
        }
        return true;
    });
    return out;
}

}  // namespace

bool is_glob_segment(std::string_view segment) {
    for (std::size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] == '\\') {
            ++i;  // whatever follows is taken literally
        } else if (is_glob_char(segment[i])) {
            return true;
        }
    }
    return false;
}

bool has_glob(std::string_view root) {
    for (auto segment : segments_of(root)) {
        if (is_glob_segment(segment)) return true;
    }
    return false;
}

std::string literal_root(std::string_view root) {
    std::string out;
    for (auto segment : segments_of(root)) {
        if (segment.empty()) continue;  // the end, after the trailing '/'
        out += unescaped(segment) + "/";
    }
    return out;
}

RootExpansion expand_root(Bucket& bucket, std::string_view root) {
    std::vector<std::string> level{""};
    for (auto segment : segments_of(root)) {
        if (segment.empty()) continue;
        std::vector<std::string> next;
        if (!is_glob_segment(segment)) {
            const std::string name = unescaped(segment);
            for (auto& prefix : level) next.push_back(prefix + name + "/");
        } else {
            const std::string glob(segment);
            for (const auto& prefix : level) {
                for (auto& folder : matching_folders(bucket, prefix, glob)) {
                    next.push_back(std::move(folder));
                }
            }
        }
        level = std::move(next);
        if (level.empty()) break;
    }
    RootExpansion expansion;
    expansion.matched_nothing = level.empty();
    expansion.roots = std::move(level);
    return expansion;
}

}  // namespace retention
