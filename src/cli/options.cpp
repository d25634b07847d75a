#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdlib>

#include "cli/age.hpp"
#include "s3/aws_settings.hpp"
#include "s3/retry_policy.hpp"

namespace cli {

namespace {

constexpr int kMaxKeep = 1'000'000;  // far beyond any bucket; guards the int parse

const char* kDescription =
    "Prunes old deployment folders from an S3 bucket: keeps the newest N folders under\n"
    "s3://BUCKET/ROOT/ and deletes every object of the others.";

const char* kExamples =
    "\nExamples:\n"
    "  s3-cleanup s3://site --keep 5 --dry-run        show what would be kept and deleted\n"
    "  s3-cleanup s3://site --keep 5 --yes            delete all but the 5 newest\n"
    "  s3-cleanup s3://site/apps/web/ -k 3 --older-than 30d --protect 'release-*'\n"
    "  s3-cleanup s3://site -k 10 --output json --dry-run | jq .summary\n"
    "\nExit codes: 0 done, 1 failed (S3, network, credentials), 2 bad usage.\n";

std::optional<int> parse_whole(const std::string& text) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

void setup(CLI::App& app, RawOptions& raw) {
    app.description(kDescription);
    app.footer(kExamples);
    app.set_version_flag("--version", std::string("s3-cleanup ") + S3_CLEANUP_VERSION);
    app.add_option("url", raw.url, "s3://BUCKET[/ROOT/]: the folder that holds the deployments")
        ->required();
    // Numbers, ages and times are taken as text and checked by validate(), so
    // every bad value gets the same kind of message.
    app.add_option("-k,--keep", raw.keep, "keep the N newest deployments (N >= 1)")->required();
    app.add_option("--older-than", raw.older_than,
                   "past the N newest, delete only those last written more than AGE ago "
                   "(45m, 36h, 30d, 2w)");
    app.add_option("--before", raw.before,
                   "past the N newest, delete only those last written before TIME "
                   "(RFC 3339, 2026-01-31T00:00:00Z)");
    // One glob per --protect, so a glob never swallows the URL that follows it.
    app.add_option("--protect", raw.protect,
                   "never delete deployments whose name matches this shell glob (repeatable)")
        ->allow_extra_args(false);
    app.add_option("--sort-by", raw.sort_by, "what newest means: newest | oldest | name")
        ->capture_default_str();
    app.add_flag("--dry-run", raw.dry_run, "print the plan, delete nothing");
    app.add_flag("-y,--yes", raw.yes, "delete without asking");
    app.add_option("--output", raw.output, "text | json")->capture_default_str();
    app.add_option("--endpoint-url", raw.endpoint_url, "S3 endpoint (MinIO, Ceph, ...)");
    app.add_option("--region", raw.region, "AWS region of the bucket");
    app.add_option("--profile", raw.profile, "profile from ~/.aws/config and ~/.aws/credentials");
    app.add_option("--addressing-style", raw.addressing_style,
                   "auto | path | virtual (auto: virtual-hosted on AWS, path elsewhere)");
    app.add_option("--max-attempts", raw.max_attempts,
                   "tries per request, the first included (default 8; also AWS_MAX_ATTEMPTS)");
    app.add_option("--timeout", raw.timeout,
                   "seconds a connection may take to open or a transfer may stall (default 30)");
    app.add_option("--concurrency", raw.concurrency,
                   "requests in flight at once (default 16; also S3_CLEANUP_CONCURRENCY)");
    app.add_option("--log-file", raw.log_file,
                   "append one JSON line per key the run tries to delete (audit log)");
    app.add_flag("--no-progress", raw.no_progress, "no progress display on stderr");
    app.add_flag("-q,--quiet", raw.quiet, "print only errors (and the JSON document)");
    app.add_flag("--purge-versions", raw.purge_versions,
                 "versioned buckets: delete every version and delete marker of the doomed "
                 "deployments, so the storage is freed for real");
    app.add_flag("--bypass-governance-retention", raw.bypass_governance_retention,
                 "with --purge-versions: delete versions under Object Lock governance retention");
    app.add_flag("--debug", raw.debug,
                 "one line per HTTP request on stderr (never a secret: no headers, no bodies)");
}

}  // namespace

std::optional<s3::TimePoint> Options::cutoff(s3::TimePoint now) const {
    if (before) return before;
    if (older_than) return now - std::chrono::duration_cast<std::chrono::milliseconds>(*older_than);
    return std::nullopt;
}

// An option whose value is missing takes the next word: `--protect --dry-run`
// would make "--dry-run" a glob, and the run a deletion. A value that looks
// like one of our flags is refused.
std::optional<UsageError> swallowed_flag(const RawOptions& raw) {
    auto looks_like_flag = [](const std::string& value) {
        return value.rfind("--", 0) == 0 || value == "-k" || value == "-y" || value == "-q" ||
               value == "-h";
    };
    auto refuse = [](const char* flag, const std::string& value) {
        return UsageError{std::string(flag) + " needs a value, got the flag '" + value + "'"};
    };
    const std::vector<std::pair<const char*, const std::optional<std::string>*>> optional_values{
        {"--older-than", &raw.older_than},     {"--before", &raw.before},
        {"--endpoint-url", &raw.endpoint_url}, {"--region", &raw.region},
        {"--profile", &raw.profile},           {"--addressing-style", &raw.addressing_style},
        {"--max-attempts", &raw.max_attempts}, {"--timeout", &raw.timeout},
        {"--concurrency", &raw.concurrency},   {"--log-file", &raw.log_file},
    };
    for (const auto& [flag, value] : optional_values) {
        if (*value && looks_like_flag(**value)) return refuse(flag, **value);
    }
    const std::vector<std::pair<const char*, const std::string*>> values{
        {"--keep", &raw.keep}, {"--sort-by", &raw.sort_by}, {"--output", &raw.output}};
    for (const auto& [flag, value] : values) {
        if (looks_like_flag(*value)) return refuse(flag, *value);
    }
    for (const auto& glob : raw.protect) {
        if (looks_like_flag(glob)) return refuse("--protect", glob);
    }
    return std::nullopt;
}

std::variant<Options, UsageError> validate(const RawOptions& raw) {
    if (auto error = swallowed_flag(raw)) return *error;
    Options options;
    auto url = parse_s3_url(raw.url);
    if (auto* error = std::get_if<UsageError>(&url)) return *error;
    options.url = std::get<S3Url>(url);

    auto keep = parse_whole(raw.keep);
    if (!keep || *keep < 1 || *keep > kMaxKeep) {
        return UsageError{"--keep must be a whole number from 1 to " + std::to_string(kMaxKeep) +
                          ", got '" + raw.keep + "'"};
    }
    options.keep = *keep;

    if (raw.older_than && raw.before) {
        return UsageError{"--older-than and --before cannot be used together"};
    }
    if (raw.older_than) {
        options.older_than = parse_age(*raw.older_than);
        if (!options.older_than) {
            return UsageError{"--older-than '" + *raw.older_than +
                              "' is not an age like 45m, 36h, 30d or 2w"};
        }
    }
    if (raw.before) {
        options.before = parse_time(*raw.before);
        if (!options.before) {
            return UsageError{"--before '" + *raw.before +
                              "' is not an RFC 3339 time like 2026-01-31T00:00:00Z"};
        }
    }
    for (const auto& glob : raw.protect) {
        if (glob.empty()) return UsageError{"--protect needs a non-empty glob"};
        if (glob.find('/') != std::string::npos) {
            return UsageError{"--protect '" + glob +
                              "' contains '/': it matches deployment names, not paths"};
        }
    }
    options.protect = raw.protect;

    if (raw.sort_by == "newest")
        options.sort_by = retention::SortBy::kNewest;
    else if (raw.sort_by == "oldest")
        options.sort_by = retention::SortBy::kOldest;
    else if (raw.sort_by == "name")
        options.sort_by = retention::SortBy::kName;
    else
        return UsageError{"--sort-by must be newest, oldest or name, got '" + raw.sort_by + "'"};

    if (raw.output == "text")
        options.output = OutputFormat::kText;
    else if (raw.output == "json")
        options.output = OutputFormat::kJson;
    else
        return UsageError{"--output must be text or json, got '" + raw.output + "'"};

    auto non_empty = [](const std::optional<std::string>& value, const char* flag,
                        std::string& out) -> std::optional<UsageError> {
        if (!value) return std::nullopt;
        if (value->empty()) return UsageError{std::string(flag) + " must not be empty"};
        out = *value;
        return std::nullopt;
    };
    if (auto e = non_empty(raw.endpoint_url, "--endpoint-url", options.endpoint_url)) return *e;
    if (auto e = non_empty(raw.region, "--region", options.region)) return *e;
    if (auto problem = s3::region_name_problem(options.region); raw.region && !problem.empty()) {
        return UsageError{"--region '" + options.region + "' " + problem};
    }
    if (auto e = non_empty(raw.profile, "--profile", options.profile)) return *e;
    if (raw.addressing_style && !s3::parse_addressing_style(*raw.addressing_style)) {
        return UsageError{"--addressing-style must be auto, path or virtual, got '" +
                          *raw.addressing_style + "'"};
    }
    options.addressing_style = raw.addressing_style.value_or("");
    options.debug = raw.debug;
    if (auto e = non_empty(raw.log_file, "--log-file", options.log_file)) return *e;
    options.no_progress = raw.no_progress;
    options.quiet = raw.quiet;
    options.purge_versions = raw.purge_versions;
    options.bypass_governance_retention = raw.bypass_governance_retention;
    if (options.bypass_governance_retention && !options.purge_versions) {
        return UsageError{
            "--bypass-governance-retention only applies with --purge-versions (retention "
            "protects versions, and only --purge-versions deletes versions)"};
    }

    // A flag wins over its environment twin; either way a bad value is named.
    auto whole_number = [](const std::optional<std::string>& flag,
                           const std::optional<std::string>& env, const char* flag_name,
                           const char* env_name, int low, int high,
                           int& out) -> std::optional<UsageError> {
        const std::optional<std::string>& text = flag ? flag : env;
        if (!text) return std::nullopt;
        auto value = parse_whole(*text);
        if (!value || *value < low || *value > high) {
            return UsageError{std::string(flag ? flag_name : env_name) +
                              " must be a whole number from " + std::to_string(low) + " to " +
                              std::to_string(high) + ", got '" + *text + "'"};
        }
        out = *value;
        return std::nullopt;
    };
    if (auto e = whole_number(raw.max_attempts, raw.env_max_attempts, "--max-attempts",
                              "AWS_MAX_ATTEMPTS", 1, s3::kMaxAttemptsLimit, options.max_attempts)) {
        return *e;
    }
    if (auto e = whole_number(raw.timeout, std::nullopt, "--timeout", "", 1, kMaxTimeoutSeconds,
                              options.timeout_seconds)) {
        return *e;
    }
    if (auto e = whole_number(raw.concurrency, raw.env_concurrency, "--concurrency",
                              "S3_CLEANUP_CONCURRENCY", 1, kMaxConcurrency, options.concurrency)) {
        return *e;
    }
    if (!options.endpoint_url.empty() && options.endpoint_url.rfind("http://", 0) != 0 &&
        options.endpoint_url.rfind("https://", 0) != 0) {
        return UsageError{"--endpoint-url '" + options.endpoint_url +
                          "' must start with http:// or https://"};
    }
    options.dry_run = raw.dry_run;
    options.yes = raw.yes;
    return options;
}

ParseOutcome parse_command_line(int argc, const char* const* argv) {
    CLI::App app{"", "s3-cleanup"};
    RawOptions raw;
    setup(app, raw);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return ExitNow{0, app.help()};
    } catch (const CLI::CallForVersion&) {
        return ExitNow{0, std::string("s3-cleanup ") + S3_CLEANUP_VERSION + "\n"};
    } catch (const CLI::ParseError& error) {
        return UsageError{error.what()};
    }
    auto env = [](const char* name) -> std::optional<std::string> {
        const char* value = std::getenv(name);
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
    raw.env_max_attempts = env("AWS_MAX_ATTEMPTS");
    raw.env_concurrency = env("S3_CLEANUP_CONCURRENCY");
    auto validated = validate(raw);
    if (auto* error = std::get_if<UsageError>(&validated)) return *error;
    return std::get<Options>(validated);
}

}  // namespace cli
