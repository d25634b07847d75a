// Prometheus's text exposition format (version 0.0.4), the one node_exporter's
// textfile collector reads and a Pushgateway accepts: gauges only, which is
// all a run's metrics are (each run replaces the last).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metrics {

struct Label {
    std::string name;
    std::string value;
};

struct Sample {
    std::vector<Label> labels;
    double value = 0;
};

// One metric: its name, its HELP text, and its samples (one per label set).
struct Gauge {
    std::string name;
    std::string help;
    std::vector<Sample> samples;
};

// A label value as the format writes it between quotes: \, " and newline escaped.
std::string escape_label_value(std::string_view value);

// `name{a="1",b="2"}`, or `name` without labels: how a series starts its line.
std::string series(std::string_view name, const std::vector<Label>& labels);

// Every gauge with its # HELP and # TYPE lines, then its samples; a gauge
// without samples is left out (the format wants none of its lines then).
std::string render(const std::vector<Gauge>& gauges);

// The value of a series in text that render() wrote; nullopt when the text
// has no such line or its value does not parse.
std::optional<double> find_value(std::string_view text, std::string_view name,
                                 const std::vector<Label>& labels);

}  // namespace metrics
