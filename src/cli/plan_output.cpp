#include "cli/plan_output.hpp"

#include <locale.h>
#include <wchar.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "cli/run_report.hpp"

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

std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
    return thousands(count) + " " + std::string(count == 1 ? one : many);
}

namespace {

// One code point of UTF-8 text, or one byte that does not start a valid one.
struct Utf8Char {
    char32_t code = 0;
    std::size_t size = 1;
    bool valid = false;
};

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
Utf8Char decode_utf8(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return {lead, 1, true};
    std::size_t size = 0;
    unsigned char low = 0x80;  // the range of the second byte
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        size = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        size = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        size = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return {};
    }
    if (at + size > text.size()) return {};
    char32_t code = lead & (0x7F >> size);
    for (std::size_t i = 1; i < size; ++i) {
        const unsigned char next = byte(at + i);
        const bool in_range = i == 1 ? (next >= low && next <= high) : (next & 0xC0) == 0x80;
        if (!in_range) return {};
        code = (code << 6) | (next & 0x3F);
    }
    return {code, size, true};
}

// wcwidth(3) under C.UTF-8, set for this thread only while the object lives
// (the process locale is not touched, so other threads are unaffected).
class Columns {
public:
    Columns() : previous_(utf8() != nullptr ? ::uselocale(utf8()) : nullptr) {}
    ~Columns() {
        if (previous_ != nullptr) ::uselocale(previous_);
    }
    Columns(const Columns&) = delete;
    Columns& operator=(const Columns&) = delete;

    [[nodiscard]] std::size_t of(const Utf8Char& c) const {
        if (!c.valid || previous_ == nullptr) return 1;
        const int width = ::wcwidth(static_cast<wchar_t>(c.code));
        return width < 0 ? 1 : static_cast<std::size_t>(width);  // unprintable: as a byte
    }

private:
    static locale_t utf8() {
        static const locale_t locale = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
        return locale;
    }
    locale_t previous_;
};

// A character with the combining marks that follow it: never cut apart.
struct Cluster {
    std::size_t begin = 0;
    std::size_t size = 0;
    std::size_t width = 0;
};

std::vector<Cluster> clusters_of(std::string_view text) {
    const Columns columns;
    std::vector<Cluster> clusters;
    for (std::size_t at = 0; at < text.size();) {
        const auto c = decode_utf8(text, at);
        const auto width = columns.of(c);
        if (width == 0 && !clusters.empty()) {
            clusters.back().size += c.size;
        } else {
            clusters.push_back({at, c.size, width});
        }
        at += c.size;
    }
    return clusters;
}

// The column width for names: as wide as the widest, within [least, kMaxNameColumns].
template <typename Range, typename NameOf>
std::size_t name_column(const Range& items, std::size_t least, NameOf name_of) {
    std::size_t width = least;
    for (const auto& item : items) width = std::max(width, display_width(name_of(item)));
    return std::min(width, std::max(least, kMaxNameColumns));
}

std::string name_cell(const std::string& name, std::size_t width) {
    return pad_right(shorten_middle(name, kMaxNameColumns), width);
}

}  // namespace

std::size_t display_width(const std::string& text) {
    std::size_t width = 0;
    for (const auto& cluster : clusters_of(text)) width += cluster.width;
    return width;
}

std::string pad_right(const std::string& text, std::size_t width) {
    std::size_t used = display_width(text);
    return used >= width ? text : text + std::string(width - used, ' ');
}

std::string shorten_middle(const std::string& text, std::size_t width) {
    static const std::string kEllipsis = "\u2026";
    const auto clusters = clusters_of(text);
    std::size_t total = 0;
    for (const auto& c : clusters) total += c.width;
    if (total <= width) return text;
    if (width <= 1) return width == 1 ? kEllipsis : std::string();
    const std::size_t budget = width - 1;  // the ellipsis takes one column
    std::size_t head = 0;                  // clusters kept from the front
    std::size_t head_width = 0;
    auto grow_head = [&](std::size_t limit) {
        while (head < clusters.size() && head_width + clusters[head].width <= limit) {
            head_width += clusters[head++].width;
        }
    };
    grow_head((budget + 1) / 2);
    std::size_t tail = clusters.size();  // clusters kept from tail on
    std::size_t tail_width = 0;
    while (tail > head && head_width + tail_width + clusters[tail - 1].width <= budget) {
        tail_width += clusters[--tail].width;
    }
    grow_head(budget - tail_width);  // a wide character at the back may leave room
    head = std::min(head, tail);
    const auto head_end = head == 0 ? 0 : clusters[head - 1].begin + clusters[head - 1].size;
    const auto tail_begin = tail == clusters.size() ? text.size() : clusters[tail].begin;
    return text.substr(0, head_end) + kEllipsis + text.substr(tail_begin);
}

namespace {

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + printable(name);
    return out;
}

// Which source made which deployment live, under the table.
void print_live_text(std::ostream& out, const retention::Plan& plan) {
    for (const auto& source : plan.live) {
        if (source.deployments.empty()) continue;
        out << "Live: " << join(source.deployments);
        if (source.kind == retention::LiveSource::Kind::kCloudFront) {
            out << " (CloudFront " << printable(source.distribution) << ", origin "
                << printable(source.origin_id) << ", origin path " << printable(source.origin_path)
                << ")\n";
        } else {
            out << " (referenced by s3://" << printable(plan.bucket) << "/" << printable(source.key)
                << ")\n";
        }
    }
    if (plan.incomplete) {
        out << "INCOMPLETE: a live source could not be read (see the error): this plan may "
               "delete what is live, and nothing is deleted\n";
    }
}

nlohmann::ordered_json live_to_json(const std::vector<retention::LiveSource>& sources) {
    using json = nlohmann::ordered_json;
    json out = json::array();
    for (const auto& source : sources) {
        if (source.kind == retention::LiveSource::Kind::kCloudFront) {
            for (const auto& name : source.deployments) {
                out.push_back({{"source", "cloudfront"},
                               {"distribution", source.distribution},
                               {"origin_id", source.origin_id},
                               {"origin_path", source.origin_path},
                               {"deployment", name}});
            }
        } else {
            out.push_back(
                {{"source", "object"}, {"key", source.key}, {"deployments", source.deployments}});
        }
    }
    return out;
}

std::string upper(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

// "40s", "12m", "5h", "3d": how long ago a rule was written.
std::string rough_age(std::int64_t seconds) {
    constexpr std::int64_t kMinute = 60;
    constexpr std::int64_t kHour = 60 * kMinute;
    constexpr std::int64_t kDay = 24 * kHour;
    if (seconds < kMinute) return std::to_string(std::max<std::int64_t>(seconds, 0)) + "s";
    if (seconds < kHour) return std::to_string(seconds / kMinute) + "m";
    if (seconds < kDay) return std::to_string(seconds / kHour) + "h";
    return std::to_string(seconds / kDay) + "d";
}

std::int64_t rule_age_seconds(const retention::Plan& plan, const retention::LifecycleRule& rule) {
    if (!plan.lifecycle) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(plan.lifecycle->planned_at -
                                                            rule.created)
        .count();
}

// The reason column; a deployment left to a lifecycle rule says when it goes.
std::string reason_text(const retention::Plan& plan, const retention::Decision& d) {
    std::string reason = retention::to_string(d.reason);
    if (d.action == retention::Action::kExpire)
        return reason + ", rule added: expires within ~48 h";
    if (d.action == retention::Action::kExpiring) {
        return reason + ", rule " + rough_age(rule_age_seconds(plan, d.rule)) +
               " old: expires within ~48 h of it";
    }
    return reason;
}

void print_lifecycle_text(std::ostream& out, const retention::Plan& plan) {
    if (!plan.lifecycle) return;
    const auto& change = *plan.lifecycle;
    out << "Lifecycle: " << counted(change.add.size(), "rule", "rules") << " to add, "
        << change.remove.size() << " to remove (deployments kept now), " << change.retire.size()
        << " to retire (nothing left under them), " << change.pending.size()
        << " pending; the configuration: " << thousands(change.rules_before) << " → "
        << thousands(change.rules_after) << " rules (limit " << thousands(change.limit)
        << "); each rule's deployment expires within ~48 h\n";
    for (const auto& removed : change.remove) {
        out << "  remove " << printable(removed.rule.id) << " (" << printable(removed.rule.prefix)
            << "): " << printable(removed.deployment) << " is kept now (" << removed.reason
            << ")\n";
    }
    for (const auto& markers : plan.leftover_markers) {
        out << "  " << printable(markers.name) << ": its rule left "
            << counted(markers.delete_markers, "delete marker", "delete markers")
            << " alone, deleted by version id\n";
    }
    for (const auto& retired : change.retire) {
        out << "  retire " << printable(retired.rule.id) << " (" << printable(retired.rule.prefix)
            << "): nothing is left under it\n";
    }
    if (!change.add.empty() || !change.pending.empty()) {
        out << "  S3 runs lifecycle rules asynchronously: a deployment given a rule expires "
               "within ~48 h\n";
    }
    for (const auto& [name, why] : change.by_requests) {
        const char* because = why == retention::ByRequests::kSmall   ? "it is small"
                              : why == retention::ByRequests::kLimit ? "the configuration is full"
                              : why == retention::ByRequests::kNotCarriable
                                  ? "its prefix cannot travel in XML"
                                  : "objects were written under it during the run";
        out << "  " << printable(name) << ": deleted with requests (" << because << ")\n";
    }
}

// Bytes a deployment's deletion frees in the plan's mode: a plain delete on a
// versioned bucket only adds delete markers (nothing freed), a purge frees
// every version; null when the figure is not known (kept by name, unlisted).
nlohmann::ordered_json frees(const retention::Plan& plan, const retention::Deployment& dep) {
    if (!plan.versioned()) return dep.listed ? nlohmann::ordered_json(dep.bytes) : nullptr;
    if (!plan.purge_versions) return 0;
    return dep.versions_counted ? nlohmann::ordered_json(dep.version_bytes) : nullptr;
}

}  // namespace

void print_plan_text(std::ostream& out, const retention::Plan& plan) {
    // "keep the 3 newest deployments by last write": what newest means, said.
    const char* order = plan.policy.sort_by == retention::SortBy::kName     ? "by name"
                        : plan.policy.sort_by == retention::SortBy::kOldest ? "by oldest object"
                                                                            : "by last write";
    out << "Plan for s3://" << printable(plan.bucket) << "/" << printable(plan.root) << ": keep "
        << (plan.policy.keep == 1
                ? std::string("the newest deployment")
                : "the " + thousands(static_cast<std::uint64_t>(plan.policy.keep)) +
                      " newest deployments")
        << " " << order;
    if (plan.policy.cutoff) {
        out << ", delete only those last written before "
            << aws::format_timestamp(*plan.policy.cutoff);
    }
    out << "; versioning " << retention::to_string(plan.versioning);
    out << "\n";
    if (plan.decisions.empty()) {
        out << "No deployments found under s3://" << printable(plan.bucket) << "/"
            << printable(plan.root) << "\n";
    } else {
        const std::size_t name_width = name_column(
            plan.decisions, 10, [](const auto& d) { return printable(d.deployment.name); });
        // On a versioned bucket four more columns: what each deployment stores by
        // version id (entries with delete markers included, as the JSON's versions;
        // of them delete markers; the versions' bytes) whatever the mode, and
        // what deleting it frees in this mode (nothing for a plain delete, which only
        // adds markers).
        const bool versioned = plan.versioned();
        struct Stored {
            std::string versions, markers, bytes, frees;
        };
        auto row = [&](const std::string& name, const std::string& when, const std::string& objects,
                       const std::string& size, const Stored& stored, const std::string& action,
                       const std::string& reason) {
            char rest[200];
            char stored_columns[80] = "";
            if (versioned) {
                std::snprintf(stored_columns, sizeof stored_columns, "  %9s  %8s  %10s  %10s",
                              stored.versions.c_str(), stored.markers.c_str(), stored.bytes.c_str(),
                              stored.frees.c_str());
            }
            std::snprintf(rest, sizeof rest, "  %-20s  %9s  %10s%s  %-6s  %s\n", when.c_str(),
                          objects.c_str(), size.c_str(), stored_columns, action.c_str(),
                          reason.c_str());
            out << name_cell(name, name_width) << rest;
        };
        const bool by_oldest = plan.policy.sort_by == retention::SortBy::kOldest;
        row("DEPLOYMENT", by_oldest ? "OLDEST OBJECT" : "LAST WRITTEN", "OBJECTS", "SIZE",
            {"VERSIONS", "MARKERS", "STORED", "FREES"}, "ACTION", "REASON");
        for (const auto& d : plan.decisions) {
            const auto& dep = d.deployment;
            std::string action = upper(retention::to_string(d.action));
            // Not listed: kept by name alone, its contents never needed.
            const std::string unknown = "-";
            const auto freed = frees(plan, dep);
            row(printable(dep.name),
                dep.listed ? aws::format_timestamp(by_oldest ? dep.oldest : dep.newest) : unknown,
                dep.listed ? thousands(dep.objects) : unknown,
                dep.listed ? human_bytes(dep.bytes) : unknown,
                {dep.versions_counted ? thousands(dep.versions + dep.delete_markers) : unknown,
                 dep.versions_counted ? thousands(dep.delete_markers) : unknown,
                 dep.versions_counted ? human_bytes(dep.version_bytes) : unknown,
                 freed.is_null() ? unknown : human_bytes(freed.get<std::uint64_t>())},
                action, reason_text(plan, d));
        }
    }
    if (!plan.ghosts.empty()) {
        out << "Ghost folders (no current object; only old versions and delete markers"
            << (plan.purge_versions ? ", to purge" : "") << "):\n";
        const std::size_t ghost_width =
            name_column(plan.ghosts, 20, [](const auto& g) { return printable(g.name); });
        for (const auto& g : plan.ghosts) {
            out << "  " << name_cell(printable(g.name), ghost_width) << "  "
                << counted(g.versions, "version", "versions") << ", "
                << counted(g.delete_markers, "delete marker", "delete markers") << ", "
                << human_bytes(g.version_bytes) << "\n";
        }
    }
    if (!plan.empty_folders.empty()) {
        // Folder markers alone are no deployment: never counted, never deleted.
        out << "Empty folders (only folder markers; not deployments, left alone):";
        for (const auto& name : plan.empty_folders) out << " " << printable(name) << "/";
        out << "\n";
    }
    print_live_text(out, plan);
    print_lifecycle_text(out, plan);
    const auto& s = plan.summary;
    out << "Summary: " << counted(s.deployments, "deployment", "deployments") << ", keep " << s.keep
        << ", delete " << s.remove << " (" << counted(s.objects_to_delete, "object", "objects")
        << ", " << human_bytes(s.bytes_to_delete) << ")\n";
    if (plan.lifecycle) {
        out << "Expire by lifecycle rule: " << counted(s.expire, "deployment", "deployments")
            << " (" << counted(s.objects_to_expire, "object", "objects") << ", "
            << human_bytes(s.bytes_to_expire) << "); " << s.expiring << " expiring already\n";
    }
    if (plan.purge_versions) {
        out << "Purge: "
            << counted(s.versions_to_delete, "version or delete marker",
                       "versions and delete markers")
            << " by version id, " << human_bytes(s.version_bytes_to_delete) << " freed\n";
    }
}

void print_run_summary(std::ostream& out, const std::vector<RunSummaryLine>& lines) {
    retention::PlanSummary total;
    std::size_t failed = 0;
    for (const auto& line : lines) {
        if (line.failed) ++failed;
        if (line.plan == nullptr) continue;
        total += line.plan->summary;
    }
    out << "\nRun: " << counted(lines.size(), "target", "targets");
    if (failed > 0) out << ", " << thousands(failed) << " failed";
    out << "; keep " << thousands(total.keep) << ", delete "
        << counted(total.remove, "deployment", "deployments") << " ("
        << counted(total.objects_to_delete, "object", "objects") << ", "
        << human_bytes(total.bytes_to_delete) << ")\n";
}

namespace {

nlohmann::ordered_json lifecycle_to_json(const retention::Plan& plan) {
    using json = nlohmann::ordered_json;
    const auto& change = *plan.lifecycle;
    auto rules = [&plan](const std::vector<retention::RuleChange>& changes, bool with_age,
                         bool with_reason) {
        json out = json::array();
        for (const auto& c : changes) {
            json entry{{"id", c.rule.id}, {"prefix", c.rule.prefix}};
            if (!c.deployment.empty()) entry["deployment"] = c.deployment;
            if (with_reason) entry["reason"] = c.reason;
            if (with_age) entry["age_seconds"] = rule_age_seconds(plan, c.rule);
            out.push_back(std::move(entry));
        }
        return out;
    };
    json by_requests = json::array();
    for (const auto& [name, why] : change.by_requests) {
        by_requests.push_back({{"deployment", name}, {"reason", retention::to_string(why)}});
    }
    return json{{"rules_before", change.rules_before},
                {"rules_after", change.rules_after},
                {"limit", change.limit},
                {"add", rules(change.add, false, false)},
                {"remove", rules(change.remove, false, true)},
                {"retire", rules(change.retire, false, false)},
                {"pending", rules(change.pending, true, false)},
                {"by_requests", by_requests}};
}

}  // namespace

nlohmann::ordered_json plan_to_json(const retention::Plan& plan, bool dry_run) {
    using json = nlohmann::ordered_json;
    json policy{{"keep", plan.policy.keep},
                {"cutoff", plan.policy.cutoff ? json(aws::format_timestamp(*plan.policy.cutoff))
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
             {"newest", dep.listed ? json(aws::format_timestamp(dep.newest)) : json(nullptr)},
             {"oldest", dep.listed ? json(aws::format_timestamp(dep.oldest)) : json(nullptr)},
             // What it stores by version id (versions, delete markers included)
             // and what deleting it frees in the chosen mode.
             {"versions",
              dep.versions_counted ? json(dep.versions + dep.delete_markers) : json(nullptr)},
             {"delete_markers", dep.versions_counted ? json(dep.delete_markers) : json(nullptr)},
             {"version_bytes", dep.versions_counted ? json(dep.version_bytes) : json(nullptr)},
             {"bytes_freed_if_deleted", frees(plan, dep)},
             {"action", retention::to_string(d.action)},
             {"reason", retention::to_string(d.reason)}});
        if (d.action == retention::Action::kExpire || d.action == retention::Action::kExpiring) {
            deployments.back()["lifecycle_rule"] = {
                {"id", d.rule.id}, {"age_seconds", rule_age_seconds(plan, d.rule)}};
        }
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
    if (plan.lifecycle) {
        summary["expire"] = s.expire;
        summary["objects_to_expire"] = s.objects_to_expire;
        summary["bytes_to_expire"] = s.bytes_to_expire;
        summary["expiring"] = s.expiring;
    }
    json document{{"format", kJsonFormat},
                  {"bucket", plan.bucket},
                  {"root", plan.root},
                  {"dry_run", dry_run},
                  {"versioning", retention::to_string(plan.versioning)},
                  {"purge_versions", plan.purge_versions},
                  {"policy", policy},
                  {"deployments", deployments},
                  {"ghosts", ghosts},
                  {"empty_folders", plan.empty_folders},
                  {"live", live_to_json(plan.live)},
                  {"incomplete", plan.incomplete},
                  {"summary", summary}};
    if (plan.lifecycle) document["lifecycle"] = lifecycle_to_json(plan);
    return document;
}

}  // namespace cli
