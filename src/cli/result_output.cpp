#include "cli/result_output.hpp"

#include <cmath>
#include <cstdio>

#include "cli/plan_output.hpp"

namespace cli {

void print_result_text(std::ostream& out, const retention::ExecutionResult& result,
                       const RunStats& stats) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", stats.seconds);
    out << (result.interrupted ? "Interrupted: " : "Done: ") << "deleted "
        << thousands(result.deployments_deleted) << " deployments, "
        << thousands(result.objects_deleted) << " objects, " << human_bytes(result.bytes_freed)
        << " freed in " << seconds << " (" << stats.list_requests << " list, "
        << stats.delete_requests << " delete requests"
        << (stats.retries > 0 ? ", " + std::to_string(stats.retries) + " retries" : std::string())
        << ")\n";
    if (result.versions_deleted + result.delete_markers_deleted > 0) {
        out << "Purged: " << thousands(result.versions_deleted) << " versions, "
            << thousands(result.delete_markers_deleted) << " delete markers"
            << (result.ghosts_purged > 0
                    ? ", " + thousands(result.ghosts_purged) + " ghost folders emptied"
                    : std::string())
            << "\n";
    }
    if (result.interrupted) {
        out << "Not deleted: " << thousands(result.objects_not_attempted)
            << " objects were never sent after the stop request\n";
    }
    if (!result.failed.empty()) {
        out << "Failed: " << thousands(result.failed.size()) << " objects could not be deleted";
        out << (result.failed.size() > kFailedKeysShown ? " (first 10 below)" : "") << "\n";
        for (std::size_t i = 0; i < result.failed.size() && i < kFailedKeysShown; ++i) {
            const auto& f = result.failed[i];
            out << "  " << printable(f.key) << "  " << (f.code.empty() ? "error" : f.code) << ": "
                << printable(f.message) << "\n";
        }
    }
}

nlohmann::ordered_json result_to_json(const retention::ExecutionResult& result,
                                      const RunStats& stats) {
    using json = nlohmann::ordered_json;
    json failed = json::array();
    for (const auto& f : result.failed) {
        json entry{{"key", f.key}, {"code", f.code}, {"message", f.message}};
        if (!f.version_id.empty()) entry["version_id"] = f.version_id;
        failed.push_back(std::move(entry));
    }
    json appeared = json::array();
    for (const auto& a : result.appeared) {
        appeared.push_back({{"deployment", a.deployment}, {"objects", a.objects}});
    }
    json out{{"deployments_deleted", result.deployments_deleted},
             {"objects_deleted", result.objects_deleted},
             {"bytes_freed", result.bytes_freed},
             {"versions_deleted", result.versions_deleted},
             {"delete_markers_deleted", result.delete_markers_deleted},
             {"ghosts_purged", result.ghosts_purged},
             {"failed", failed},
             {"appeared", appeared},
             {"requests",
              {{"list", stats.list_requests},
               {"delete", stats.delete_requests},
               {"retries", stats.retries}}},
             {"seconds", std::round(stats.seconds * 1000) / 1000}};
    if (result.interrupted) {
        out["interrupted"] = true;
        out["objects_not_attempted"] = result.objects_not_attempted;
    }
    return out;
}

}  // namespace cli
