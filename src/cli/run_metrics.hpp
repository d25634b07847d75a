// The Prometheus metrics of a run (--metrics-file, --metrics-pushgateway):
// one set of gauges per root the run planned, so an alert can say which
// bucket and root stopped being cleaned.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "metrics/prometheus_text.hpp"
#include "net/transport_options.hpp"

namespace cli {

// The job name the Pushgateway groups under.
inline constexpr const char* kMetricsJob = "s3-cleanup";

// What one root of the run came to.
struct UnitMetrics {
    std::string bucket;
    std::string root;
    bool success = false;  // ended without an error of its own or of the run
    bool dry_run = false;
    std::uint64_t deployments_kept = 0;  // live ones apart
    std::uint64_t deployments_live = 0;
    std::uint64_t deployments_deleted = 0;
    std::uint64_t objects_deleted = 0;
    std::uint64_t bytes_deleted = 0;
    std::uint64_t objects_failed = 0;  // failed, or never sent after a stop
    long list_requests = 0;
    long delete_requests = 0;
    long other_requests = 0;
    long retries = 0;
};

struct RunMetrics {
    std::vector<UnitMetrics> units;
    double duration_seconds = 0;
    double finished_unix_seconds = 0;
};

// The gauges of the units, labelled bucket and root when `labelled` (a file
// holds every unit; a Pushgateway group names them in its path instead). A
// unit that failed has no last-success sample of its own: it is carried over
// from `previous`, the text of an earlier file, when that had one.
std::vector<metrics::Gauge> run_gauges(const std::vector<UnitMetrics>& units, const RunMetrics& run,
                                       bool labelled, std::string_view previous = {});

// Writes --metrics-file and pushes to --metrics-pushgateway, whichever were
// given. Neither ever fails the run: what went wrong comes back as warnings.
std::vector<std::string> publish_metrics(const Options& options, const RunMetrics& run,
                                         const net::TransportFactory& transports);

}  // namespace cli
