#include "retention/live.hpp"

#include <cctype>
#include <set>
#include <unordered_set>

namespace retention {

namespace {

bool continues_a_name(unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
}

std::string_view trimmed(std::string_view text) {
    constexpr std::string_view kBlanks = " \t\r\n\f\v";
    const auto begin = text.find_first_not_of(kBlanks);
    if (begin == std::string_view::npos) return {};
    return text.substr(begin, text.find_last_not_of(kBlanks) - begin + 1);
}

// The whole body as one reference: NAME, ROOT+NAME, or either with a '/'.
std::optional<std::string_view> whole_body_name(std::string_view body, std::string_view root) {
    std::string_view text = trimmed(body);
    if (text.ends_with('/')) text.remove_suffix(1);
    if (!root.empty() && text.starts_with(root)) text.remove_prefix(root.size());
    if (text.empty()) return std::nullopt;
    return text;
}

}  // namespace

std::optional<std::string> deployment_of_prefix(std::string_view served, std::string_view root) {
    if (!served.starts_with(root)) return std::nullopt;
    std::string_view rest = served.substr(root.size());
    const auto slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    if (name.empty()) return std::nullopt;
    return std::string(name);
}

std::vector<std::string> referenced_deployments(std::string_view body,
                                                const std::vector<std::string>& names,
                                                std::string_view root) {
    const std::unordered_set<std::string_view> known(names.begin(), names.end());
    std::set<std::size_t> lengths;
    for (const auto& name : names) {
        if (!name.empty()) lengths.insert(name.size());
    }
    std::set<std::string> found;
    if (auto whole = whole_body_name(body, root); whole && known.count(*whole) != 0) {
        found.emplace(*whole);
    }
    // Every '/' ends a candidate segment; only the lengths of real names are
    // tried, so a large body costs (slashes x distinct name lengths).
    for (auto slash = body.find('/'); slash != std::string_view::npos;
         slash = body.find('/', slash + 1)) {
        for (const std::size_t length : lengths) {
            if (length > slash) break;
            const std::size_t start = slash - length;
            if (start > 0 && continues_a_name(static_cast<unsigned char>(body[start - 1]))) {
                continue;
            }
            const std::string_view candidate = body.substr(start, length);
            if (known.count(candidate) != 0) found.emplace(candidate);
        }
    }
    return {found.begin(), found.end()};
}

}  // namespace retention
