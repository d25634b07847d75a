#include "cli/result_output.hpp"

#include <cmath>
#include <cstdio>

#include "cli/plan_output.hpp"

namespace cli {

void print_result_text(std::ostream& out, const retention::ExecutionResult& result,
                       const RunStats& stats) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", stats.seconds);
    const auto requests = [](long count) { return count == 1 ? " request" : " requests"; };
    // "(2 list, 5 delete requests)": one noun for both counts when they agree.
    const std::string list_noun = (stats.list_requests == 1) == (stats.delete_requests == 1)
                                      ? ""
                                      : requests(stats.list_requests);
    out << (result.interrupted ? "Interrupted: " : "Done: ") << "deleted "
        << counted(result.deployments_deleted, "deployment", "deployments") << ", "
        << counted(result.objects_deleted, "object", "objects") << ", "
        << human_bytes(result.bytes_freed) << " freed in " << seconds << " (" << stats.list_requests
        << " list" << list_noun << ", " << stats.delete_requests << " delete"
        << requests(stats.delete_requests)
        << (stats.retries > 0 ? ", " + std::to_string(stats.retries) +
                                    (stats.retries == 1 ? " retry" : " retries")
                              : std::string())
        << ")\n";
    if (result.versions_deleted + result.delete_markers_deleted > 0) {
        out << "Purged: " << counted(result.versions_deleted, "version", "versions") << ", "
            << counted(result.delete_markers_deleted, "delete marker", "delete markers")
            << (result.ghosts_purged > 0
                    ? ", " + counted(result.ghosts_purged, "ghost folder", "ghost folders") +
                          " emptied"
                    : std::string())
            << "\n";
    }
    if (result.interrupted) {
        out << "Not deleted: "
            << counted(result.objects_not_attempted, "object was", "objects were")
            << " never sent after the stop request\n";
    }
    if (!result.failed.empty()) {
        out << "Failed: "
            << counted(result.failed.size(), "object could not be deleted",
                       "objects could not be deleted");
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
