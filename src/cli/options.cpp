#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string_view>

#include "aws/aws_settings.hpp"
#include "aws/http_url.hpp"
#include "aws/retry_policy.hpp"
#include "cli/age.hpp"
#include "cli/suggest.hpp"
#include "retention/root_pattern.hpp"
#include "s3/endpoint.hpp"
#include "s3/settings.hpp"

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
    "\nExit codes: 0 done, 1 failed (S3, network, credentials), 2 bad usage,\n"
    "            130 stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM.\n";

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
    app.add_option("url", raw.url,
                   "s3://BUCKET[/ROOT/]: the folder that holds the deployments; a '*' segment "
                   "(s3://web/apps/*/) names one root per folder")
        ->type_name("S3_URL");
    // Numbers, ages and times are taken as text and checked by validate(), so
    // every bad value gets the same kind of message.
    app.add_option("-k,--keep", raw.keep, "keep the N newest deployments (N >= 1)")->type_name("N");
    app.add_option("--config", raw.config,
                   "the targets and their policies from this YAML file, instead of a URL and "
                   "policy flags")
        ->type_name("FILE");
    app.add_option("--older-than", raw.older_than,
                   "past the N newest, delete only those last written more than AGE ago "
                   "(45m, 36h, 30d, 2w)")
        ->type_name("AGE");
    app.add_option("--before", raw.before,
                   "past the N newest, delete only those last written before TIME "
                   "(RFC 3339, 2026-01-31T00:00:00Z)")
        ->type_name("TIME");
    // One glob per --protect, so a glob never swallows the URL that follows it.
    app.add_option("--protect", raw.protect,
                   "never delete deployments whose name matches this shell glob (repeatable)")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    app.add_option("--protect-cloudfront", raw.protect_cloudfront,
                   "never delete the deployment that an origin path of this CloudFront "
                   "distribution serves (repeatable)")
        ->type_name("ID")
        ->allow_extra_args(false);
    app.add_option("--protect-referenced-by", raw.protect_referenced_by,
                   "never delete the deployments that the object KEY of the bucket references, "
                   "such as index.html or current.txt (repeatable)")
        ->type_name("KEY")
        ->allow_extra_args(false);
    app.add_option("--sort-by", raw.sort_by,
                   "what newest means: newest | oldest | name (default newest)")
        ->type_name("ORDER");
    app.add_flag("--dry-run", raw.dry_run, "print the plan, delete nothing");
    app.add_flag("-y,--yes", raw.yes, "delete without asking");
    app.add_option("--output", raw.output, "text | json (default text)")->type_name("FORMAT");
    app.add_option("--endpoint-url", raw.endpoint_url, "S3 endpoint (MinIO, Ceph, ...)")
        ->type_name("URL");
    app.add_option("--region", raw.region, "AWS region of the bucket")->type_name("REGION");
    app.add_option("--profile", raw.profile, "profile from ~/.aws/config and ~/.aws/credentials")
        ->type_name("NAME");
    app.add_option("--addressing-style", raw.addressing_style,
                   "auto | path | virtual (auto: virtual-hosted on AWS, path elsewhere)")
        ->type_name("STYLE");
    app.add_option("--expected-bucket-owner", raw.expected_bucket_owner,
                   "the 12-digit AWS account that must own the bucket: S3 refuses every "
                   "request otherwise")
        ->type_name("ACCOUNT_ID");
    app.add_option("--ca-bundle", raw.ca_bundle,
                   "PEM file of the CAs to trust for HTTPS (also AWS_CA_BUNDLE, a profile's "
                   "ca_bundle)")
        ->type_name("FILE");
    app.add_flag("--no-verify-ssl", raw.no_verify_ssl,
                 "do not verify TLS certificates (warns on every run; for tests only)");
    app.add_option("--max-attempts", raw.max_attempts,
                   "tries per request, the first included (default 8; also AWS_MAX_ATTEMPTS)")
        ->type_name("N");
    app.add_option("--timeout", raw.timeout,
                   "seconds a connection may take to open or a transfer may stall (default 30)")
        ->type_name("SECONDS");
    app.add_option("--concurrency", raw.concurrency,
                   "requests in flight at once (default 16; also S3_CLEANUP_CONCURRENCY)")
        ->type_name("N");
    app.add_option("--log-file", raw.log_file,
                   "append one JSON line per key the run tries to delete (audit log)")
        ->type_name("PATH");
    app.add_option("--metrics-file", raw.metrics_file,
                   "write the run's Prometheus metrics to PATH at its end (for node_exporter's "
                   "textfile collector)")
        ->type_name("PATH");
    app.add_option("--metrics-pushgateway", raw.metrics_pushgateway,
                   "push the run's Prometheus metrics to this Pushgateway at its end")
        ->type_name("URL");
    app.add_flag("--no-progress", raw.no_progress, "no progress display on stderr");
    app.add_flag("-q,--quiet", raw.quiet, "print only errors (and the JSON document)");
    app.add_flag("--purge-versions", raw.purge_versions,
                 "versioned buckets: delete every version and delete marker of the doomed "
                 "deployments, so the storage is freed for real");
    app.add_flag("--bypass-governance-retention", raw.bypass_governance_retention,
                 "with --purge-versions: delete versions under Object Lock governance retention");
    app.add_flag("--expire-with-lifecycle", raw.expire_with_lifecycle,
                 "hand the doomed deployments to the bucket's lifecycle engine: one expiration "
                 "rule per deployment instead of DeleteObjects requests (S3 acts within ~48 h)");
    app.add_option("--expire-with-lifecycle-over", raw.expire_with_lifecycle_over,
                   "--expire-with-lifecycle, but only for deployments of more than N objects; "
                   "smaller ones are deleted with requests")
        ->type_name("N");
    app.add_flag("--debug", raw.debug,
                 "one line per HTTP request on stderr (never a secret: no headers, no bodies)");
}

UsageError age_usage_error(const std::string& text, AgeError error) {
    switch (error) {
        case AgeError::kZero:
            return UsageError{"--older-than '" + text + "' must be greater than 0"};
        case AgeError::kTooLarge:
            return UsageError{"--older-than '" + text + "' is too large: at most 100 years (" +
                              std::to_string(kMaxAgeDays) + "d)"};
        case AgeError::kMalformed:
            break;
    }
    return UsageError{"--older-than '" + text + "' is not an age like 45m, 36h, 30d or 2w"};
}

// The end of the bracket expression that opens at glob[open], as fnmatch(3)
// reads it; npos when it is not closed. Sets problem for an unknown class.
std::size_t bracket_end(const std::string& glob, std::size_t open, std::string& problem) {
    static const std::vector<std::string> kClasses{"alnum", "alpha", "blank", "cntrl",
                                                   "digit", "graph", "lower", "print",
                                                   "punct", "space", "upper", "xdigit"};
    std::size_t i = open + 1;
    if (i < glob.size() && (glob[i] == '!' || glob[i] == '^')) ++i;
    if (i < glob.size() && glob[i] == ']') ++i;  // "[]a]": the first ']' is a member
    while (i < glob.size() && glob[i] != ']') {
        if (glob[i] == '\\') {
            i += 2;
        } else if (glob[i] == '[' && i + 1 < glob.size() &&
                   std::string_view(":.=").find(glob[i + 1]) != std::string_view::npos) {
            // [:alpha:], [.a.], [=a=]: closed by the same character and ']'.
            const auto close = glob.find(std::string{glob[i + 1], ']'}, i + 2);
            if (close == std::string::npos) return std::string::npos;
            const std::string name = glob.substr(i + 2, close - i - 2);
            if (glob[i + 1] == ':' &&
                std::find(kClasses.begin(), kClasses.end(), name) == kClasses.end()) {
                problem = "unknown character class '[:" + name +
                          ":]' (use alnum, alpha, blank, cntrl, digit, graph, lower, print, "
                          "punct, space, upper or xdigit)";
                return close;
            }
            i = close + 2;
        } else {
            ++i;
        }
    }
    return i < glob.size() ? i : std::string::npos;
}

// A value that looks like one of our flags: the option before it lost its own value.
bool looks_like_flag(const std::string& value) {
    return value.rfind("--", 0) == 0 || value == "-k" || value == "-y" || value == "-q" ||
           value == "-h";
}

UsageError swallowed(const std::string& flag, const std::string& value) {
    return UsageError{flag + " needs a value, got the flag '" + value + "'"};
}

// 'a', 'a' and 'b', 'a', 'b' and 'c'
std::string quoted_list(const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += i + 1 == values.size() ? " and " : ", ";
        out += "'" + values[i] + "'";
    }
    return out;
}

UsageError unknown_option(const std::string& name, const std::vector<OptionSpec>& specs) {
    std::string best;
    if (name.rfind("--", 0) == 0 && name.size() > 2) {
        std::vector<std::string> long_names;
        for (const auto& spec : specs) {
            for (const auto& spelling : spec.spellings) {
                if (spelling.rfind("--", 0) == 0) long_names.push_back(spelling);
            }
        }
        best = nearest(name, long_names);
    }
    std::string message = "unknown option '" + name + "'";
    if (!best.empty()) message += "; did you mean '" + best + "'?";
    return UsageError{message};
}

// argv read as CLI11 reads it (CLI/App.hpp _parse_arg), keeping what
// check_arguments() reports.
class ArgumentScan {
public:
    ArgumentScan(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs)
        : specs_(specs), pending_(args.rbegin(), args.rend()) {}

    void run() {
        while (auto word = next_word()) {
            if (*word == "--") {
                while (auto rest = next_word()) positionals_.push_back(*rest);
            } else if (word->size() > 2 && word->rfind("--", 0) == 0 && option_char((*word)[2])) {
                read_long(*word);
            } else if (word->size() > 1 && (*word)[0] == '-' && option_char((*word)[1])) {
                read_short(*word);
            } else {
                positionals_.push_back(*word);
            }
        }
    }

    [[nodiscard]] std::optional<UsageError> first_problem() const {
        if (help_) return std::nullopt;
        if (unknown_) return unknown_;
        if (swallowed_) return swallowed_;
        for (const OptionSpec* spec : order_) {
            if (!spec->repeatable && values_.at(spec).size() > 1) {
                return UsageError{spec->name + " was given more than once (" +
                                  quoted_list(values_.at(spec)) + "): give it once"};
            }
        }
        if (positionals_.size() > 1) {
            return UsageError{"more than one URL (" + quoted_list(positionals_) + "): give one"};
        }
        return std::nullopt;
    }

private:
    // As CLI/Split.hpp: what may follow "-" or "--" in an option.
    static bool option_char(char c) { return c != '-' && c != '!' && c != ' ' && c != '\n'; }

    std::optional<std::string> next_word() {
        if (pending_.empty()) return std::nullopt;
        std::string word = std::move(pending_.back());
        pending_.pop_back();
        return word;
    }

    const OptionSpec* find(const std::string& spelling) const {
        for (const auto& spec : specs_) {
            const auto& names = spec.spellings;
            if (std::find(names.begin(), names.end(), spelling) != names.end()) return &spec;
        }
        return nullptr;
    }

    // "--name", "--name=value", "--name value" (CLI11 takes the next word for "--name=" too).
    void read_long(const std::string& word) {
        const auto equals = word.find('=');
        const std::string name = word.substr(0, equals);
        const OptionSpec* spec = find(name);
        if (spec == nullptr) {
            if (!unknown_) unknown_ = unknown_option(name, specs_);
        } else if (spec->name == "--help" || spec->name == "--version") {
            help_ = true;
        } else if (spec->takes_value) {
            const bool attached = equals != std::string::npos && equals + 1 < word.size();
            take_value(*spec, attached ? std::optional(word.substr(equals + 1)) : std::nullopt);
        }
    }

    // "-k 3", "-k3", "-yq": a flag leaves the rest of the word to the next letter.
    void read_short(const std::string& word) {
        const std::string name = word.substr(0, 2);
        const OptionSpec* spec = find(name);
        if (spec == nullptr && word[1] >= '0' && word[1] <= '9') {
            positionals_.push_back(word);  // "-1": CLI11 reads a number
        } else if (spec == nullptr) {
            if (!unknown_) unknown_ = unknown_option(name, specs_);
        } else if (spec->name == "--help") {
            help_ = true;
        } else if (spec->takes_value) {
            take_value(*spec, word.size() > 2 ? std::optional(word.substr(2)) : std::nullopt);
        } else if (word.size() > 2) {
            pending_.push_back("-" + word.substr(2));
        }
    }

    void take_value(const OptionSpec& spec, std::optional<std::string> value) {
        const bool next = !value;
        if (next) value = next_word();
        if (!value) return;  // CLI11 says the value is missing
        if (next && looks_like_flag(*value) && !swallowed_)
            swallowed_ = swallowed(spec.name, *value);
        if (values_[&spec].empty()) order_.push_back(&spec);
        values_[&spec].push_back(*value);
    }

    const std::vector<OptionSpec>& specs_;
    std::vector<std::string> pending_;  // a stack, as CLI11 keeps it: "-yk3" pushes "-k3"
    std::optional<UsageError> unknown_;
    std::optional<UsageError> swallowed_;
    std::vector<std::string> positionals_;
    std::vector<const OptionSpec*> order_;  // options with a value, first use first
    std::map<const OptionSpec*, std::vector<std::string>> values_;
    bool help_ = false;
};

// The options as check_arguments() needs them, from what setup() declared.
std::vector<OptionSpec> option_specs(const CLI::App& app) {
    std::vector<OptionSpec> specs;
    for (const CLI::Option* option : app.get_options()) {
        const auto& long_names = option->get_lnames();
        const auto& short_names = option->get_snames();
        if (long_names.empty() && short_names.empty()) continue;  // the URL
        OptionSpec spec;
        spec.name = long_names.empty() ? "-" + short_names.front() : "--" + long_names.front();
        for (const auto& name : long_names) spec.spellings.push_back("--" + name);
        for (const auto& name : short_names) spec.spellings.push_back("-" + name);
        spec.takes_value = option->get_items_expected_max() > 0;
        spec.repeatable = option->get_items_expected_max() > 1;
        specs.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace

std::optional<UsageError> check_arguments(const std::vector<std::string>& args,
                                          const std::vector<OptionSpec>& specs) {
    ArgumentScan scan(args, specs);
    scan.run();
    return scan.first_problem();
}

std::string glob_problem(const std::string& glob) {
    for (std::size_t i = 0; i < glob.size(); ++i) {
        if (glob[i] == '\\') {
            if (i + 1 == glob.size()) {
                return "it ends in a lone '\\', which escapes nothing (write '\\\\' for a "
                       "backslash)";
            }
            ++i;
        } else if (glob[i] == '[') {
            std::string problem;
            const auto end = bracket_end(glob, i, problem);
            if (!problem.empty()) return problem;
            if (end == std::string::npos) {
                return "unclosed '[' (end the set with ']', or write '\\[' for a literal '[')";
            }
            i = end;
        }
    }
    return "";
}

std::optional<aws::TimePoint> Options::cutoff(aws::TimePoint now) const {
    if (before) return before;
    if (older_than) return now - std::chrono::duration_cast<std::chrono::milliseconds>(*older_than);
    return std::nullopt;
}

// An option whose value is missing takes the next word: `--protect --dry-run`
// would make "--dry-run" a glob, and the run a deletion. A value that looks
// like one of our flags is refused.
std::optional<UsageError> swallowed_flag(const RawOptions& raw) {
    const std::vector<std::pair<const char*, const std::optional<std::string>*>> optional_values{
        {"--keep", &raw.keep},
        {"--sort-by", &raw.sort_by},
        {"--config", &raw.config},
        {"--older-than", &raw.older_than},
        {"--before", &raw.before},
        {"--endpoint-url", &raw.endpoint_url},
        {"--region", &raw.region},
        {"--profile", &raw.profile},
        {"--addressing-style", &raw.addressing_style},
        {"--expected-bucket-owner", &raw.expected_bucket_owner},
        {"--ca-bundle", &raw.ca_bundle},
        {"--max-attempts", &raw.max_attempts},
        {"--timeout", &raw.timeout},
        {"--concurrency", &raw.concurrency},
        {"--log-file", &raw.log_file},
        {"--metrics-file", &raw.metrics_file},
        {"--metrics-pushgateway", &raw.metrics_pushgateway},
    };
    for (const auto& [flag, value] : optional_values) {
        if (*value && looks_like_flag(**value)) return swallowed(flag, **value);
    }
    const std::vector<std::pair<const char*, const std::string*>> values{{"--output", &raw.output}};
    for (const auto& [flag, value] : values) {
        if (looks_like_flag(*value)) return swallowed(flag, *value);
    }
    for (const auto& id : raw.protect_cloudfront) {
        if (looks_like_flag(id)) return swallowed("--protect-cloudfront", id);
    }
    for (const auto& key : raw.protect_referenced_by) {
        if (looks_like_flag(key)) return swallowed("--protect-referenced-by", key);
    }
    for (const auto& glob : raw.protect) {
        if (looks_like_flag(glob)) return swallowed("--protect", glob);
    }
    return std::nullopt;
}

// A distribution id is capital letters and digits (E2QWRUHAPOMQZL); a pointer
// is a key of the bucket, not a URL.
std::optional<UsageError> live_source_problem(const RawOptions& raw) {
    for (const auto& id : raw.protect_cloudfront) {
        const bool valid = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        });
        if (!valid) {
            return UsageError{"--protect-cloudfront '" + id +
                              "' is not a distribution id (capital letters and digits, like "
                              "E2QWRUHAPOMQZL)"};
        }
    }
    for (const auto& key : raw.protect_referenced_by) {
        if (key.empty()) return UsageError{"--protect-referenced-by needs a non-empty key"};
        if (key.rfind("s3://", 0) == 0) {
            return UsageError{"--protect-referenced-by '" + key +
                              "' is a URL: give the key of an object in the bucket being "
                              "cleaned, such as index.html"};
        }
    }
    return std::nullopt;
}

// An AWS account ID: exactly 12 decimal digits.
constexpr std::size_t kAccountIdDigits = 12;
bool is_account_id(const std::string& text) {
    return text.size() == kAccountIdDigits &&
           std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::optional<UsageError> non_empty(const std::optional<std::string>& value, const char* flag,
                                    std::string& out) {
    if (!value) return std::nullopt;
    if (value->empty()) return UsageError{std::string(flag) + " must not be empty"};
    out = *value;
    return std::nullopt;
}

// A flag wins over its environment twin; either way a bad value is named.
std::optional<UsageError> whole_number(const std::optional<std::string>& flag,
                                       const std::optional<std::string>& env, const char* flag_name,
                                       const char* env_name, int low, int high, int& out) {
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
}

// S3_CLEANUP_KEY_BUDGET: bytes, or with a binary suffix K, M or G ("64M").
// 0 spills every key (what the tests use to exercise the spill file).
std::optional<UsageError> key_budget(const std::optional<std::string>& text, std::size_t& out) {
    if (!text) return std::nullopt;
    constexpr std::uint64_t kMaxKeyBudget = std::uint64_t{64} << 30;  // beyond any sane memory
    std::string digits = *text;
    std::uint64_t unit = 1;
    if (!digits.empty()) {
        const char last =
            static_cast<char>(std::toupper(static_cast<unsigned char>(digits.back())));
        const std::string units = "KMG";
        if (const auto at = units.find(last); at != std::string::npos) {
            unit = std::uint64_t{1} << (10 * (at + 1));
            digits.pop_back();
        }
    }
    const bool all_digits = !digits.empty() && digits.size() <= 12 &&
                            std::all_of(digits.begin(), digits.end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
    const std::uint64_t value = all_digits ? std::stoull(digits) * unit : 0;
    if (!all_digits || value > kMaxKeyBudget) {
        return UsageError{
            "S3_CLEANUP_KEY_BUDGET must be a number of bytes (suffix K, M or G) up "
            "to 64G, got '" +
            *text + "'"};
    }
    out = static_cast<std::size_t>(value);
    return std::nullopt;
}

// The flags of the run as a whole, the same with or without --config.
std::variant<Options, UsageError> run_flags(const RawOptions& raw, Options options) {
    if (raw.output == "text")
        options.output = OutputFormat::kText;
    else if (raw.output == "json")
        options.output = OutputFormat::kJson;
    else
        return UsageError{"--output must be text or json, got '" + raw.output + "'"};
    options.debug = raw.debug;
    options.no_verify_ssl = raw.no_verify_ssl;
    if (auto e = non_empty(raw.log_file, "--log-file", options.log_file)) return *e;
    if (auto e = non_empty(raw.metrics_file, "--metrics-file", options.metrics_file)) return *e;
    if (auto e = non_empty(raw.metrics_pushgateway, "--metrics-pushgateway",
                           options.metrics_pushgateway)) {
        return *e;
    }
    if (!options.metrics_pushgateway.empty() && !aws::parse_http_url(options.metrics_pushgateway)) {
        return UsageError{"--metrics-pushgateway must be an http:// or https:// URL, got '" +
                          options.metrics_pushgateway + "'"};
    }
    options.no_progress = raw.no_progress;
    options.quiet = raw.quiet;
    if (auto e = whole_number(raw.concurrency, raw.env_concurrency, "--concurrency",
                              "S3_CLEANUP_CONCURRENCY", 1, kMaxConcurrency, options.concurrency)) {
        return *e;
    }
    if (auto e = key_budget(raw.env_key_budget, options.key_budget)) return *e;
    options.dry_run = raw.dry_run;
    options.yes = raw.yes;
    return options;
}

// With --config the file names the targets and their policies: a URL or a
// policy flag beside it would be a second, conflicting say.
std::optional<UsageError> beside_config(const RawOptions& raw) {
    std::vector<std::string> given;
    if (!raw.url.empty()) given.push_back(raw.url);
    const std::vector<std::pair<const char*, bool>> flags{
        {"--keep", raw.keep.has_value()},
        {"--older-than", raw.older_than.has_value()},
        {"--before", raw.before.has_value()},
        {"--protect", !raw.protect.empty()},
        {"--protect-cloudfront", !raw.protect_cloudfront.empty()},
        {"--protect-referenced-by", !raw.protect_referenced_by.empty()},
        {"--sort-by", raw.sort_by.has_value()},
        {"--endpoint-url", raw.endpoint_url.has_value()},
        {"--region", raw.region.has_value()},
        {"--profile", raw.profile.has_value()},
        {"--addressing-style", raw.addressing_style.has_value()},
        {"--expected-bucket-owner", raw.expected_bucket_owner.has_value()},
        {"--ca-bundle", raw.ca_bundle.has_value()},
        {"--max-attempts", raw.max_attempts.has_value()},
        {"--timeout", raw.timeout.has_value()},
        {"--purge-versions", raw.purge_versions},
        {"--bypass-governance-retention", raw.bypass_governance_retention},
        {"--expire-with-lifecycle", raw.expire_with_lifecycle},
        {"--expire-with-lifecycle-over", raw.expire_with_lifecycle_over.has_value()},
    };
    for (const auto& [flag, is_given] : flags) {
        if (is_given) given.emplace_back(flag);
    }
    if (given.empty()) return std::nullopt;
    return UsageError{
        "--config takes the targets and their policies from the file; give no URL "
        "and no policy flag beside it (got " +
        quoted_list(given) + ")"};
}

// Each glob segment of a root must be a glob fnmatch(3) reads as meant.
std::optional<UsageError> root_glob_problem(const RawOptions& raw, const S3Url& url) {
    std::string_view rest = url.root;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const std::string segment(rest.substr(0, slash));
        rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
        if (!retention::is_glob_segment(segment)) continue;
        if (auto problem = glob_problem(segment); !problem.empty()) {
            return UsageError{"'" + raw.url + "': the segment '" + segment +
                              "' is not a valid glob: " + problem};
        }
    }
    return std::nullopt;
}

std::variant<Options, UsageError> validate(const RawOptions& raw) {
    if (auto error = swallowed_flag(raw)) return *error;
    Options options;
    if (raw.config) {
        if (raw.config->empty()) return UsageError{"--config must not be empty"};
        if (auto error = beside_config(raw)) return *error;
        options.config = *raw.config;
        return run_flags(raw, options);
    }
    if (raw.url.empty()) {
        return UsageError{"url: an s3://BUCKET[/ROOT/] URL is required (or --config FILE)"};
    }
    auto url = parse_s3_url(raw.url);
    if (auto* error = std::get_if<UsageError>(&url)) return *error;
    options.url = std::get<S3Url>(url);
    if (auto error = root_glob_problem(raw, options.url)) return *error;

    if (!raw.keep) return UsageError{"--keep N is required: how many deployments to keep"};
    auto keep = parse_whole(*raw.keep);
    if (!keep || *keep < 1 || *keep > kMaxKeep) {
        return UsageError{"--keep must be a whole number from 1 to " + std::to_string(kMaxKeep) +
                          ", got '" + *raw.keep + "'"};
    }
    options.keep = *keep;

    if (raw.older_than && raw.before) {
        return UsageError{"--older-than and --before cannot be used together"};
    }
    if (raw.older_than) {
        const auto age = read_age(*raw.older_than);
        if (const auto* error = std::get_if<AgeError>(&age)) {
            return age_usage_error(*raw.older_than, *error);
        }
        options.older_than = std::get<std::chrono::seconds>(age);
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
        if (auto problem = glob_problem(glob); !problem.empty()) {
            return UsageError{"--protect '" + glob + "' is not a valid glob: " + problem};
        }
    }
    options.protect = raw.protect;
    if (auto error = live_source_problem(raw)) return *error;
    options.protect_cloudfront = raw.protect_cloudfront;
    options.protect_referenced_by = raw.protect_referenced_by;

    const std::string sort_by = raw.sort_by.value_or("newest");
    if (sort_by == "newest")
        options.sort_by = retention::SortBy::kNewest;
    else if (sort_by == "oldest")
        options.sort_by = retention::SortBy::kOldest;
    else if (sort_by == "name")
        options.sort_by = retention::SortBy::kName;
    else
        return UsageError{"--sort-by must be newest, oldest or name, got '" + sort_by + "'"};

    if (auto e = non_empty(raw.endpoint_url, "--endpoint-url", options.endpoint_url)) return *e;
    if (auto e = non_empty(raw.region, "--region", options.region)) return *e;
    if (auto problem = aws::region_name_problem(options.region); raw.region && !problem.empty()) {
        return UsageError{"--region '" + options.region + "' " + problem};
    }
    if (auto e = non_empty(raw.profile, "--profile", options.profile)) return *e;
    if (raw.addressing_style && !s3::parse_addressing_style(*raw.addressing_style)) {
        return UsageError{"--addressing-style must be auto, path or virtual, got '" +
                          *raw.addressing_style + "'"};
    }
    options.addressing_style = raw.addressing_style.value_or("");
    if (raw.expected_bucket_owner) {
        if (!is_account_id(*raw.expected_bucket_owner)) {
            return UsageError{"--expected-bucket-owner must be a 12-digit AWS account ID, got '" +
                              *raw.expected_bucket_owner + "'"};
        }
        options.expected_bucket_owner = *raw.expected_bucket_owner;
    }
    if (auto e = non_empty(raw.ca_bundle, "--ca-bundle", options.ca_bundle)) return *e;
    options.purge_versions = raw.purge_versions;
    options.bypass_governance_retention = raw.bypass_governance_retention;
    if (options.bypass_governance_retention && !options.purge_versions) {
        return UsageError{
            "--bypass-governance-retention only applies with --purge-versions (retention "
            "protects versions, and only --purge-versions deletes versions)"};
    }
    // --expire-with-lifecycle-over N says the mode by itself.
    options.expire_with_lifecycle =
        raw.expire_with_lifecycle || raw.expire_with_lifecycle_over.has_value();
    if (raw.expire_with_lifecycle_over) {
        const std::string& text = *raw.expire_with_lifecycle_over;
        std::uint64_t over = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), over);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
            return UsageError{
                "--expire-with-lifecycle-over must be a whole number of objects "
                "(0 or more), got '" +
                text + "'"};
        }
        options.lifecycle_over = over;
    }
    if (auto e =
            whole_number(raw.max_attempts, raw.env_max_attempts, "--max-attempts",
                         "AWS_MAX_ATTEMPTS", 1, aws::kMaxAttemptsLimit, options.max_attempts)) {
        return *e;
    }
    if (auto e = whole_number(raw.timeout, std::nullopt, "--timeout", "", 1, kMaxTimeoutSeconds,
                              options.timeout_seconds)) {
        return *e;
    }
    if (!options.endpoint_url.empty() && options.endpoint_url.rfind("http://", 0) != 0 &&
        options.endpoint_url.rfind("https://", 0) != 0) {
        return UsageError{"--endpoint-url '" + options.endpoint_url +
                          "' must start with http:// or https://"};
    }
    // Refused here when both are flags; resolve_endpoint() refuses the same
    // from the environment or a profile.
    if (options.addressing_style == "virtual") {
        if (auto problem = s3::virtual_host_problem(options.endpoint_url); !problem.empty()) {
            return UsageError{problem};
        }
    }
    return run_flags(raw, options);
}

ParseOutcome parse_command_line(int argc, const char* const* argv) {
    CLI::App app{"", "s3-cleanup"};
    RawOptions raw;
    setup(app, raw);
    const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (auto error = check_arguments(args, option_specs(app))) return *error;
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
    raw.env_key_budget = env("S3_CLEANUP_KEY_BUDGET");
    auto validated = validate(raw);
    if (auto* error = std::get_if<UsageError>(&validated)) return *error;
    return std::get<Options>(validated);
}

}  // namespace cli
