#include "cli/run_metrics.hpp"

#include <exception>
#include <functional>

#include "aws/http_url.hpp"
#include "metrics/pushgateway.hpp"
#include "metrics/textfile.hpp"

namespace cli {

namespace {

constexpr const char* kLastSuccess = "s3_cleanup_last_success_timestamp_seconds";
// A push waits at most this long in all: a Pushgateway that hangs must not
// hold a finished cleanup (or a Lambda invocation) open.
constexpr long kPushTimeoutMs = 30'000;

std::vector<metrics::Label> labels_of(const UnitMetrics& unit) {
    return {{"bucket", unit.bucket}, {"root", unit.root}};
}

struct Definition {
    const char* name;
    const char* help;
    std::function<double(const UnitMetrics&)> value;
};

// The gauges with one sample per unit and no label of their own.
const std::vector<Definition>& definitions() {
    static const std::vector<Definition> list{
        {"s3_cleanup_success", "1 when the last run for this bucket and root succeeded, else 0",
         [](const UnitMetrics& u) { return u.success ? 1.0 : 0.0; }},
        {"s3_cleanup_dry_run", "1 when the last run was a dry run (nothing was deleted)",
         [](const UnitMetrics& u) { return u.dry_run ? 1.0 : 0.0; }},
        {"s3_cleanup_deployments_kept", "Deployments the last run kept (live ones apart)",
         [](const UnitMetrics& u) { return static_cast<double>(u.deployments_kept); }},
        {"s3_cleanup_deployments_live",
         "Deployments the last run kept because CloudFront or a pointer object serves them",
         [](const UnitMetrics& u) { return static_cast<double>(u.deployments_live); }},
        {"s3_cleanup_deployments_deleted", "Deployments the last run deleted completely",
         [](const UnitMetrics& u) { return static_cast<double>(u.deployments_deleted); }},
        {"s3_cleanup_objects_deleted", "Objects (or versions) the last run deleted",
         [](const UnitMetrics& u) { return static_cast<double>(u.objects_deleted); }},
        {"s3_cleanup_bytes_deleted", "Bytes the last run deleted",
         [](const UnitMetrics& u) { return static_cast<double>(u.bytes_deleted); }},
        {"s3_cleanup_objects_failed",
         "Objects the last run meant to delete but did not (failed, or not sent after a stop)",
         [](const UnitMetrics& u) { return static_cast<double>(u.objects_failed); }},
        {"s3_cleanup_retries", "Requests the last run sent again",
         [](const UnitMetrics& u) { return static_cast<double>(u.retries); }},
    };
    return list;
}

}  // namespace

std::vector<metrics::Gauge> run_gauges(const std::vector<UnitMetrics>& units, const RunMetrics& run,
                                       bool labelled, std::string_view previous) {
    using metrics::Gauge;
    using metrics::Label;
    const auto labels = [labelled](const UnitMetrics& unit, std::vector<Label> more = {}) {
        std::vector<Label> all = labelled ? labels_of(unit) : std::vector<Label>{};
        all.insert(all.end(), more.begin(), more.end());
        return all;
    };
    std::vector<Gauge> gauges;
    for (const Definition& definition : definitions()) {
        Gauge gauge{definition.name, definition.help, {}};
        for (const auto& unit : units)
            gauge.samples.push_back({labels(unit), definition.value(unit)});
        gauges.push_back(std::move(gauge));
    }
    Gauge requests{
        "s3_cleanup_requests", "Requests the last run sent, by kind (first attempts)", {}};
    Gauge last_run{
        "s3_cleanup_last_run_timestamp_seconds", "When the last run ended (Unix time)", {}};
    Gauge last_success{kLastSuccess, "When the last successful run ended (Unix time)", {}};
    Gauge duration{"s3_cleanup_duration_seconds", "How long the last run took", {}};
    for (const auto& unit : units) {
        requests.samples.push_back(
            {labels(unit, {{"kind", "list"}}), static_cast<double>(unit.list_requests)});
        requests.samples.push_back(
            {labels(unit, {{"kind", "delete"}}), static_cast<double>(unit.delete_requests)});
        requests.samples.push_back(
            {labels(unit, {{"kind", "other"}}), static_cast<double>(unit.other_requests)});
        last_run.samples.push_back({labels(unit), run.finished_unix_seconds});
        duration.samples.push_back({labels(unit), run.duration_seconds});
        if (unit.success) {
            last_success.samples.push_back({labels(unit), run.finished_unix_seconds});
        } else if (auto earlier = metrics::find_value(previous, kLastSuccess, labels(unit))) {
            last_success.samples.push_back({labels(unit), *earlier});
        }
    }
    gauges.push_back(std::move(requests));
    gauges.push_back(std::move(last_run));
    gauges.push_back(std::move(last_success));
    gauges.push_back(std::move(duration));
    return gauges;
}

std::vector<std::string> publish_metrics(const Options& options, const RunMetrics& run,
                                         const net::TransportFactory& transports) {
    std::vector<std::string> warnings;
    if (!options.metrics_file.empty()) {
        try {
            const std::string previous = metrics::read_if_present(options.metrics_file);
            metrics::write_atomically(options.metrics_file,
                                      metrics::render(run_gauges(run.units, run, true, previous)));
        } catch (const std::exception& error) {
            warnings.emplace_back(error.what());
        }
    }
    if (options.metrics_pushgateway.empty()) return warnings;
    // The URL was checked with the options.
    const auto base = aws::parse_http_url(options.metrics_pushgateway);
    net::TransportOptions transport_options;
    transport_options.total_timeout_ms = kPushTimeoutMs;
    metrics::Pushgateway gateway(*base, transports(transport_options));
    for (const auto& unit : run.units) {
        // A failed run replaces only the metrics it pushes: the group keeps
        // the last success an earlier run pushed, which an alert reads.
        const auto mode =
            unit.success ? metrics::PushMode::kReplaceGroup : metrics::PushMode::kReplaceMetrics;
        try {
            gateway.push(kMetricsJob, labels_of(unit),
                         metrics::render(run_gauges({unit}, run, false)), mode);
        } catch (const metrics::PushError& error) {
            warnings.push_back("pushing metrics to " + options.metrics_pushgateway +
                               " failed: " + error.what());
        }
    }
    return warnings;
}

}  // namespace cli
