#include "metrics/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace metrics {

namespace {

// HELP text escapes only backslash and newline (the format's rule for it).
std::string escape_help(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

// Integers as integers (counts, byte totals); other values (seconds) to the
// millisecond, which is all a run's timestamps and durations carry.
std::string number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
    char text[32];
    if (value == std::floor(value) && std::fabs(value) < kExactIntegers) {
        std::snprintf(text, sizeof text, "%.0f", value);
    } else {
        std::snprintf(text, sizeof text, "%.3f", value);
    }
    return text;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string series(std::string_view name, const std::vector<Label>& labels) {
    std::string out(name);
    if (labels.empty()) return out;
    out += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out += ',';
        out += labels[i].name + "=\"" + escape_label_value(labels[i].value) + '"';
    }
    out += '}';
    return out;
}

std::string render(const std::vector<Gauge>& gauges) {
    std::string out;
    for (const Gauge& gauge : gauges) {
        if (gauge.samples.empty()) continue;
        out += "# HELP " + gauge.name + " " + escape_help(gauge.help) + "\n";
        out += "# TYPE " + gauge.name + " gauge\n";
        for (const Sample& sample : gauge.samples) {
            out += series(gauge.name, sample.labels) + " " + number(sample.value) + "\n";
        }
    }
    return out;
}

std::optional<double> find_value(std::string_view text, std::string_view name,
                                 const std::vector<Label>& labels) {
    const std::string start = series(name, labels) + " ";
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (!line.starts_with(start)) continue;
        const std::string_view digits = line.substr(start.size());
        double value = 0;
        const auto [rest, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc() || rest != digits.data() + digits.size()) return std::nullopt;
        return value;
    }
    return std::nullopt;
}

}  // namespace metrics
