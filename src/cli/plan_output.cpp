#include "cli/plan_output.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace cli {

std::string human_bytes(std::uint64_t bytes) {
    constexpr std::array kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) return std::to_string(bytes) + " B";
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < kUnits.size()) {
        value /= 1024;
        ++unit;
    }
    // Round first, then choose the unit: 1048575 B is "1.0 MiB", not "1024 KiB".
    const bool one_decimal = value < 9.95;
    double shown = one_decimal ? std::round(value * 10) / 10 : std::round(value);
    if (shown >= 1024 && unit + 1 < kUnits.size()) {
        shown = 1.0;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, (one_decimal || shown < 10) ? "%.1f %s" : "%.0f %s", shown,
                  kUnits[unit]);
    return buf;
}

std::string thousands(std::uint64_t value) {
    std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string printable(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::size_t display_width(const std::string& text) {
    // One column per code point: count every byte that does not continue a
    // UTF-8 sequence. (East Asian wide characters take two; close enough.)
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string pad_right(const std::string& text, std::size_t width) {
    std::size_t used = display_width(text);
    return used >= width ? text : text + std::string(width - used, ' ');
}

void print_plan_text(std::ostream& out, const retention::Plan& plan) {
    out << "Plan for s3://" << printable(plan.bucket) << "/" << printable(plan.root) << ": keep "
        << plan.policy.keep << " newest by " << retention::to_string(plan.policy.sort_by);
    if (plan.policy.cutoff) {
        out << ", delete only those last written before "
            << s3::format_timestamp(*plan.policy.cutoff);
    }
    out << "; versioning " << plan.versioning;
    out << "\n";
    if (plan.decisions.empty()) {
        out << "No deployments found under s3://" << printable(plan.bucket) << "/"
            << printable(plan.root) << "\n";
    } else {
        std::size_t name_width = 10;
        for (const auto& d : plan.decisions) {
            name_width = std::max(name_width, display_width(printable(d.deployment.name)));
        }
        name_width = std::min<std::size_t>(name_width, 60);
        auto row = [&](const std::string& name, const std::string& when, const std::string& objects,
                       const std::string& size, const std::string& action,
                       const std::string& reason) {
            char rest[128];
            std::snprintf(rest, sizeof rest, "  %-20s  %9s  %10s  %-6s  %s\n", when.c_str(),
                          objects.c_str(), size.c_str(), action.c_str(), reason.c_str());
            out << pad_right(name, name_width) << rest;
        };
        const bool by_oldest = plan.policy.sort_by == retention::SortBy::kOldest;
        row("DEPLOYMENT", by_oldest ? "OLDEST OBJECT" : "LAST WRITTEN", "OBJECTS", "SIZE", "ACTION",
            "REASON");
        for (const auto& d : plan.decisions) {
            const auto& dep = d.deployment;
            std::string action = d.action == retention::Action::kKeep ? "KEEP" : "DELETE";
            // Not listed: kept by name alone, its contents never needed.
            const std::string unknown = "-";
            row(printable(dep.name),
                dep.listed ? s3::format_timestamp(by_oldest ? dep.oldest : dep.newest) : unknown,
                dep.listed ? thousands(dep.objects) : unknown,
                dep.listed ? human_bytes(dep.bytes) : unknown, action,
                retention::to_string(d.reason));
        }
    }
    if (!plan.ghosts.empty()) {
        out << "Ghost folders (no current object; only old versions and delete markers"
            << (plan.purge_versions ? ", to purge" : "") << "):\n";
        for (const auto& g : plan.ghosts) {
            out << "  " << pad_right(printable(g.name), 20) << "  " << thousands(g.versions)
                << " versions, " << thousands(g.delete_markers) << " delete markers, "
                << human_bytes(g.version_bytes) << "\n";
        }
    }
    const auto& s = plan.summary;
    out << "Summary: " << s.deployments << (s.deployments == 1 ? " deployment" : " deployments")
        << ", keep " << s.keep << ", delete " << s.remove << " (" << thousands(s.objects_to_delete)
        << " objects, " << human_bytes(s.bytes_to_delete) << ")\n";
    if (plan.purge_versions) {
        out << "Purge: " << thousands(s.versions_to_delete)
            << " versions and delete markers by version id, "
            << human_bytes(s.version_bytes_to_delete) << " freed\n";
    }
}

nlohmann::ordered_json plan_to_json(const retention::Plan& plan, bool dry_run) {
    using json = nlohmann::ordered_json;
    json policy{{"keep", plan.policy.keep},
                {"cutoff", plan.policy.cutoff ? json(s3::format_timestamp(*plan.policy.cutoff))
                                              : json(nullptr)},
                {"protect", plan.policy.protect},
                {"sort_by", retention::to_string(plan.policy.sort_by)}};
    json deployments = json::array();
    for (const auto& d : plan.decisions) {
        const auto& dep = d.deployment;
        deployments.push_back(
            {{"name", dep.name},
             {"prefix", dep.prefix},
             {"objects", dep.listed ? json(dep.objects) : json(nullptr)},
             {"bytes", dep.listed ? json(dep.bytes) : json(nullptr)},
             {"newest", dep.listed ? json(s3::format_timestamp(dep.newest)) : json(nullptr)},
             {"oldest", dep.listed ? json(s3::format_timestamp(dep.oldest)) : json(nullptr)},
             {"versions",
              dep.versions_listed ? json(dep.versions + dep.delete_markers) : json(nullptr)},
             {"version_bytes", dep.versions_listed ? json(dep.version_bytes) : json(nullptr)},
             {"action", retention::to_string(d.action)},
             {"reason", retention::to_string(d.reason)}});
    }
    const auto& s = plan.summary;
    json ghosts = json::array();
    for (const auto& g : plan.ghosts) {
        ghosts.push_back({{"name", g.name},
                          {"prefix", g.prefix},
                          {"versions", g.versions},
                          {"delete_markers", g.delete_markers},
                          {"bytes", g.version_bytes}});
    }
    json summary{{"deployments", s.deployments},
                 {"keep", s.keep},
                 {"delete", s.remove},
                 {"objects_to_delete", s.objects_to_delete},
                 {"bytes_to_delete", s.bytes_to_delete}};
    if (plan.purge_versions) {
        summary["versions_to_delete"] = s.versions_to_delete;
        summary["version_bytes_to_delete"] = s.version_bytes_to_delete;
    }
    return json{{"bucket", plan.bucket},
                {"root", plan.root},
                {"dry_run", dry_run},
                {"versioning", plan.versioning},
                {"purge_versions", plan.purge_versions},
                {"policy", policy},
                {"deployments", deployments},
                {"ghosts", ghosts},
                {"summary", summary}};
}

}  // namespace cli
