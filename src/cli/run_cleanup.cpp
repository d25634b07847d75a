#include "cli/run_cleanup.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>

#include "aws/aws_settings.hpp"
#include "aws/http_url.hpp"
#include "aws/redaction.hpp"
#include "aws/tls_trust.hpp"
#include "cli/audit_log.hpp"
#include "cli/confirm.hpp"
#include "cli/interrupt.hpp"
#include "cli/live_sources.hpp"
#include "cli/plan_output.hpp"
#include "cli/progress.hpp"
#include "cli/result_output.hpp"
#include "cli/run_metrics.hpp"
#include "cli/run_report.hpp"
#include "cli/run_targets.hpp"
#include "net/curl_transport.hpp"
#include "net/debug_transport.hpp"
#include "retention/executor.hpp"
#include "retention/lifecycle.hpp"
#include "retention/plan_builder.hpp"
#include "retention/planner.hpp"
#include "retention/root_pattern.hpp"
#include "retention/s3_bucket.hpp"
#include "s3/client.hpp"
#include "s3/settings.hpp"

namespace cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kNoVerifyWarning =
    "--no-verify-ssl: TLS certificates are not verified, so anyone on the network path can "
    "read and change this run's requests";

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void print_debug(const std::string& line) {
    // Workers report from several threads: one whole line per write.
    static std::mutex mutex;
    const std::string text = "s3-cleanup: debug: " + printable(aws::redact(line)) + "\n";
    std::lock_guard lock(mutex);
    std::cerr << text << std::flush;
}

// Transports for S3 take --timeout; the credential sources bring their own
// (shorter) limits in the options they ask with.
// Debug lines of one target of many begin with it (`label`), so a run over
// a whole estate can be read line by line.
std::function<void(const std::string&)> debug_printer(const std::string& label) {
    if (label.empty()) return print_debug;
    return [label](const std::string& line) { print_debug(label + line); };
}

// Every transport of a target trusts the same certificates.
net::TransportFactory transport_factory(const Options& cli, const std::string& label,
                                        const aws::TlsTrust& trust) {
    return [debug = cli.debug, timeout = cli.timeout_seconds, print = debug_printer(label),
            trust](const net::TransportOptions& asked) -> std::shared_ptr<net::HttpTransport> {
        net::TransportOptions options = asked;
        options.connect_timeout_ms = std::min<long>(asked.connect_timeout_ms, timeout * 1000L);
        options.stall_timeout_seconds = std::min<long>(asked.stall_timeout_seconds, timeout);
        options.ca_bundle = trust.ca_bundle;
        options.verify_tls = trust.verify;
        auto transport = std::make_shared<net::CurlTransport>(options);
        if (!debug) return transport;
        return std::make_shared<net::DebugTransport>(transport, print);
    };
}

// This machine's time as the target's S3 client signs with it: corrected
// once S3 has said how far off it is (aws/clock_skew.hpp).
aws::TimePoint corrected_now(const s3::Client& client) {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        client.retry.clock_skew->corrected(std::chrono::system_clock::now()));
}

retention::Policy policy_for(const Options& options, aws::TimePoint now) {
    retention::Policy policy;
    policy.keep = options.keep;
    policy.cutoff = options.cutoff(now);
    policy.protect = options.protect;
    policy.sort_by = options.sort_by;
    return policy;
}

enum class Consent { kGiven, kDeclined, kCannotAsk, kStopped };

Consent ask_consent(const Options& options, const std::string& question) {
    if (options.yes) return Consent::kGiven;
    if (!stdin_is_terminal()) return Consent::kCannotAsk;
    std::cerr << question << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        // Ctrl-C at the prompt interrupts the read: that is a stop, not an answer.
        return stop_signal() != 0 ? Consent::kStopped : Consent::kDeclined;
    }
    return is_yes(answer) ? Consent::kGiven : Consent::kDeclined;
}

// Requests a client had sent before a unit's deletion began: its result
// counts its own.
struct RequestsBefore {
    long list = 0;
    long del = 0;
    long other = 0;
    long retries = 0;
};

RequestsBefore requests_of(const s3::Client& client) {
    return {client.counts().list.load(), client.counts().del.load(), client.counts().other.load(),
            client.counts().retries.load()};
}

const char* signal_name() { return stop_signal() == SIGINT ? "SIGINT" : "SIGTERM"; }

// The host of a custom S3 endpoint without its port (CloudFront origin domains
// have none); empty for AWS itself.
std::string custom_host(const std::string& endpoint_url) {
    if (endpoint_url.empty()) return {};
    auto parsed = aws::parse_http_url(endpoint_url);
    return parsed ? aws::host_without_port(parsed->host) : std::string();
}

// One target of the run (the command line's, or one of the policy file's):
// its clients, shared by the roots its URL names.
struct Target {
    Options options;
    net::TransportFactory transports;
    s3::ClientConfig config;
    aws::AwsSettings settings;
    aws::HttpUrl cloudfront_endpoint;  // with --protect-cloudfront
    std::string debug_label;           // "[s3://web/apps/*/ (policy.yaml:9)] " of many, else empty
    std::unique_ptr<s3::Client> client;
    std::unique_ptr<cloudfront::Client> cloudfront;
};

// One root of one target: what is planned and done there.
struct Unit {
    Target* target = nullptr;
    std::string root;  // literal, after wildcard expansion
    RunReport report;
    std::optional<retention::Plan> plan;
    // Nothing is left to do here: planned (and deleted, where it deletes).
    bool done = false;
    UnitMetrics metrics;  // filled as it goes (cli/run_metrics.hpp)
    std::string url() const { return s3_url(target->options.url.bucket, root); }
    bool failed() const { return report.error.has_value(); }
    // Deletes, or writes lifecycle rules: carrying out its plan changes the bucket.
    bool deletes() const { return !failed() && plan && plan->changes_anything(); }
    // --expire-with-lifecycle: the configuration written for it (with others of its bucket).
    std::optional<retention::LifecycleWrite> lifecycle_write;
};

// The line above a unit's plan and result when the run has several.
std::string target_header(const Unit& unit) {
    const Options& options = unit.target->options;
    const std::string from = s3_url(options.url.bucket, options.url.root);
    std::string header = "== " + printable(unit.url());
    if (from != unit.url() || !options.origin.empty()) {
        header += " (" + (from != unit.url() ? "from " + printable(from) : std::string()) +
                  (from != unit.url() && !options.origin.empty() ? ", " : "") + options.origin +
                  ")";
    }
    return header + " ==";
}

// One run: what it says on stderr as it goes, and the report that --output
// json prints once at the end, whichever way the run ends.
class Run {
public:
    // on_document: where the JSON document goes; printed on stdout when empty.
    Run(const Options& options, std::vector<Options> targets, DocumentSink on_document = {})
        : options_(options), on_document_(std::move(on_document)) {
        for (auto& target : targets) {
            targets_.push_back(std::make_unique<Target>());
            targets_.back()->options = std::move(target);
        }
    }

    int execute();

private:
    bool json() const { return options_.output == OutputFormat::kJson; }
    // Today's one plan and one document, or several under a header each.
    // A wildcard URL always gives the document of many: its shape must not
    // depend on how many folders match today.
    bool many() const {
        return (expanded_ && units_.size() != 1) || !options_.config.empty() ||
               std::any_of(targets_.begin(), targets_.end(), [](const auto& target) {
                   return retention::has_glob(target->options.url.root);
               });
    }
    // How lines about one unit begin when the run has several.
    std::string about(const Unit* unit) const {
        return unit != nullptr && many() ? unit->url() + ": " : std::string();
    }

    void warn(const std::string& message, Unit* unit = nullptr) {
        (unit != nullptr ? unit->report.warnings : warnings_).push_back(message);
        if (options_.quiet) return;
        std::cerr << "s3-cleanup: warning: " << printable(aws::redact(about(unit) + message))
                  << std::endl;
    }

    // The run is over: its metrics, and with JSON its one document.
    int end(int exit, std::optional<RunError> error = std::nullopt) {
        if (error) error_ = std::move(error);
        // A usage error found before any root was known ran nothing to measure.
        if (exit != kExitUsage || expanded_) publish();
        if (!json()) return exit;
        if (on_document_) {
            on_document_(document(), exit);
        } else {
            print_json(document());
        }
        return exit;
    }
    void publish();
    nlohmann::ordered_json document() const;

    // Ends with one error line on stderr (and the error in the JSON).
    int fail(const char* code, const std::string& message, int exit) {
        print_error(message);
        return end(exit, RunError{code, message, exit});
    }
    // One unit failed: said now, the others go on.
    void fail_unit(Unit& unit, const std::string& code, const std::string& message, int exit) {
        print_error(about(&unit) + message);
        unit.report.error = RunError{code, message, exit};
    }
    // The exit of a run whose units all ran: the first failure's, else 0.
    int units_exit() const {
        for (const auto& unit : units_) {
            if (unit.failed()) return unit.report.error->exit;
        }
        return kExitOk;
    }

    int stopped(const std::string& what) {
        if (stop_signal() == 0) {
            // No signal came: the stop deadline (a Lambda invocation's) passed.
            const std::string message = "stopped at the deadline: " + what;
            std::cerr << "s3-cleanup: " << message << std::endl;
            return end(kExitFailed, RunError{error_code::kDeadline, message, kExitFailed});
        }
        const std::string message = std::string("stopped by ") + signal_name() + ": " + what;
        std::cerr << "s3-cleanup: " << message << std::endl;
        return end(kExitSignalBase + stop_signal(),
                   RunError{error_code::kStopped, message, kExitSignalBase + stop_signal()});
    }

    std::optional<int> open_audit_log();
    std::optional<int> configure(Target& target);
    std::optional<int> configure_cloudfront(Target& target, const aws::EnvLookup& env);
    std::optional<int> expand();
    std::optional<int> plan_all(Progress& progress);
    void plan_unit(Unit& unit, Progress& progress);
    LiveReading read_live(Unit& unit);
    std::optional<int> ask();
    int delete_all(Progress& progress);
    void write_lifecycle();
    void delete_unit(Unit& unit, Progress& progress);
    void record_outcome(Unit& unit, const retention::ExecutionResult& result);
    // Adds the requests the unit's client sent since `before` to its metrics.
    static void count_requests(Unit& unit, const RequestsBefore& before) {
        const RequestsBefore now = requests_of(*unit.target->client);
        unit.metrics.list_requests += now.list - before.list;
        unit.metrics.delete_requests += now.del - before.del;
        unit.metrics.other_requests += now.other - before.other;
        unit.metrics.retries += now.retries - before.retries;
    }
    std::vector<RunSummaryLine> summary_lines() const;

    const Options& options_;
    DocumentSink on_document_;
    const Clock::time_point started_ = Clock::now();
    std::vector<std::unique_ptr<Target>> targets_;
    std::vector<Unit> units_;            // filled once, by expand(): its elements stay put
    bool expanded_ = false;              // the roots are known (none, for a glob matching nothing)
    std::vector<std::string> warnings_;  // about the run, not one unit
    // Where every unit's doomed keys wait for deletion: one budget for the run.
    std::shared_ptr<retention::KeyStore> key_store_;
    std::optional<RunError> error_;  // the run's own failure (declined, stopped, ...)
    std::unique_ptr<AuditLog> audit_;
};

void Run::publish() {
    if (options_.metrics_file.empty() && options_.metrics_pushgateway.empty()) return;
    RunMetrics run;
    run.duration_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    run.finished_unix_seconds =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (const auto& unit : units_) {
        UnitMetrics metrics = unit.metrics;
        metrics.bucket = unit.target->options.url.bucket;
        metrics.root = unit.root;
        metrics.dry_run = options_.dry_run;
        metrics.success = unit.done && !unit.failed();
        if (unit.plan) {
            for (const auto& decision : unit.plan->decisions) {
                if (decision.action != retention::Action::kKeep) continue;
                ++(decision.reason == retention::Reason::kLive ? metrics.deployments_live
                                                               : metrics.deployments_kept);
            }
        }
        run.units.push_back(std::move(metrics));
    }
    if (!expanded_) {
        // Failed before its roots were known: each target as its URL names it.
        for (const auto& target : targets_) {
            UnitMetrics metrics;
            metrics.bucket = target->options.url.bucket;
            metrics.root = target->options.url.root;
            metrics.dry_run = options_.dry_run;
            run.units.push_back(std::move(metrics));
        }
    }
    // Pushed with plain options: the gateway is no target's.
    const net::TransportFactory transports = [](const net::TransportOptions& asked) {
        return std::make_shared<net::CurlTransport>(asked);
    };
    for (auto& warning : publish_metrics(options_, run, transports)) warn(warning);
}

std::vector<RunSummaryLine> Run::summary_lines() const {
    std::vector<RunSummaryLine> lines;
    for (const auto& unit : units_) {
        lines.push_back({unit.url(), unit.plan ? &*unit.plan : nullptr, unit.failed()});
    }
    return lines;
}

nlohmann::ordered_json Run::document() const {
    using json = nlohmann::ordered_json;
    if (!many() && !units_.empty()) {
        RunReport report = units_.front().report;
        report.warnings.insert(report.warnings.begin(), warnings_.begin(), warnings_.end());
        if (error_) report.error = error_;
        return report_to_json(report);
    }
    if (!expanded_ && targets_.size() == 1 && options_.config.empty()) {
        // Failed before a root was known: today's document, without a plan.
        RunReport report;
        report.bucket = targets_.front()->options.url.bucket;
        report.root = targets_.front()->options.url.root;
        report.dry_run = options_.dry_run;
        report.warnings = warnings_;
        report.error = error_;
        return report_to_json(report);
    }
    json targets = json::array();
    retention::PlanSummary total;
    std::uint64_t failed = 0;
    for (const auto& unit : units_) {
        json entry{{"url", unit.url()}, {"target", target_name(unit.target->options)}};
        const json fields = report_to_json(unit.report);
        for (const auto& [key, value] : fields.items()) {
            if (key != "format") entry[key] = value;
        }
        targets.push_back(std::move(entry));
        if (unit.failed()) ++failed;
        if (!unit.plan) continue;
        total += unit.plan->summary;
    }
    json document{{"format", kJsonFormat},
                  {"dry_run", options_.dry_run},
                  {"targets", targets},
                  {"summary",
                   {{"targets", units_.size()},
                    {"failed", failed},
                    {"deployments", total.deployments},
                    {"keep", total.keep},
                    {"delete", total.remove},
                    {"objects_to_delete", total.objects_to_delete},
                    {"bytes_to_delete", total.bytes_to_delete}}},
                  {"warnings", warnings_}};
    // Every exit but 0 has its error: the run's own, else that some targets failed.
    std::optional<RunError> error = error_;
    if (!error && failed > 0) {
        error = RunError{error_code::kTargetsFailed,
                         thousands(failed) + " of " + thousands(units_.size()) + " targets failed",
                         units_exit()};
    }
    if (error) {
        document["error"] = {
            {"code", error->code}, {"message", error->message}, {"exit", error->exit}};
    }
    return document;
}

// The audit log opens first: a path that cannot be written is a usage error
// found before any request.
std::optional<int> Run::open_audit_log() {
    if (options_.log_file.empty() || options_.dry_run) return std::nullopt;
    try {
        audit_ = std::make_unique<AuditLog>(options_.log_file);
    } catch (const std::runtime_error& error) {
        return fail(error_code::kUsage, error.what(), kExitUsage);
    }
    return std::nullopt;
}

std::optional<int> Run::configure(Target& target) {
    const Options& options = target.options;
    // A run of several targets names the target on each debug line.
    const bool labelled = targets_.size() > 1 || retention::has_glob(options.url.root);
    target.debug_label = labelled ? "[" + target_name(options) + "] " : std::string();
    aws::AwsSettings settings;
    s3::Settings s3_settings;
    const std::string where = target.options.origin.empty() ? "" : target_name(options) + ": ";
    try {
        // S3's own settings are checked before any credential source is asked.
        const aws::EnvLookup env = aws::process_env();
        settings = aws::resolve_profile({options.profile, options.region}, env);
        const aws::TlsTrust trust = aws::resolve_tls_trust(
            {options.ca_bundle, options.no_verify_ssl}, settings.files, settings.profile, env);
        target.transports = transport_factory(options, target.debug_label, trust);
        if (options.debug && !trust.ca_bundle.empty()) {
            print_debug(where + "trusting the CAs of " + trust.ca_bundle + " (" + trust.source +
                        ")");
        }
        s3_settings =
            s3::resolve_settings({options.endpoint_url, options.addressing_style}, settings, env);
        // STS retries as S3 does: --max-attempts, and a stop ends the wait.
        aws::RetryControl sts_retry;
        sts_retry.policy.max_attempts = options.max_attempts;
        sts_retry.stop_requested = stop_requested;
        if (options.debug) sts_retry.notice = debug_printer(target.debug_label);
        aws::resolve_credentials(settings, env, target.transports, sts_retry);
        target.settings = settings;
        if (auto exit = configure_cloudfront(target, env)) return exit;
    } catch (const aws::ConfigError& error) {
        return fail(error_code::kUsage, where + error.message, kExitUsage);
    } catch (const aws::NoCredentialsError& error) {
        return fail(error_code::kNoCredentials, where + error.message, kExitFailed);
    } catch (const aws::CredentialsError& error) {
        return fail(error_code::kCredentials, where + error.message, kExitFailed);
    }
    if (options.debug) {
        print_debug(where + "credentials from " + settings.credentials->source() + ", region " +
                    settings.region);
    }
    auto& config = target.config;
    config.bucket = options.url.bucket;
    config.region = settings.region;
    config.endpoint_url = s3_settings.endpoint_url;
    config.addressing = s3_settings.addressing;
    config.credentials = settings.credentials;
    config.expected_bucket_owner = options.expected_bucket_owner;
    try {
        (void)s3::resolve_endpoint(config.endpoint_url, config.region, config.bucket,
                                   config.addressing);
    } catch (const std::invalid_argument& error) {
        return fail(error_code::kUsage, where + error.what(), kExitUsage);
    }
    target.client = std::make_unique<s3::Client>(config, target.transports);
    auto& client = *target.client;
    if (options.debug) {
        client.on_notice = debug_printer(target.debug_label);
        client.retry.notice = client.on_notice;
    }
    client.retry.policy.max_attempts = options.max_attempts;
    client.bypass_governance_retention = options.bypass_governance_retention;
    client.retry.stop_requested = stop_requested;
    return std::nullopt;
}

// CloudFront's endpoint: AWS_ENDPOINT_URL_CLOUDFRONT, else AWS_ENDPOINT_URL (as
// the AWS SDKs), else AWS's; --endpoint-url stays S3's.
std::optional<int> Run::configure_cloudfront(Target& target, const aws::EnvLookup& env) {
    if (target.options.protect_cloudfront.empty()) return std::nullopt;
    const std::string url = aws::endpoint_url(cloudfront::kServiceId, target.settings, env)
                                .value_or(cloudfront::kDefaultEndpoint);
    auto parsed = aws::parse_http_url(url);
    if (!parsed) {
        return fail(error_code::kUsage,
                    "the CloudFront endpoint '" + url +
                        "' (AWS_ENDPOINT_URL_CLOUDFRONT or AWS_ENDPOINT_URL) is not an "
                        "http(s) URL",
                    kExitUsage);
    }
    target.cloudfront_endpoint = *parsed;
    return std::nullopt;
}

// Every target's roots: a root with glob segments is listed level by level;
// a target whose listing fails is one failed unit, and the others go on.
std::optional<int> Run::expand() {
    std::size_t count = 0;
    std::vector<std::pair<Target*, std::vector<std::string>>> roots;
    std::vector<std::pair<Target*, aws::ServiceError>> failures;
    for (auto& target : targets_) {
        const std::string& pattern = target->options.url.root;
        if (!retention::has_glob(pattern)) {
            roots.push_back({target.get(), {retention::literal_root(pattern)}});
            ++count;
            continue;
        }
        try {
            retention::S3Bucket bucket(*target->client);
            auto expansion = retention::expand_root(bucket, pattern);
            if (expansion.matched_nothing) {
                warn(target_name(target->options) + " matches no folder: nothing to clean there");
            }
            count += expansion.roots.size();
            roots.push_back({target.get(), std::move(expansion.roots)});
        } catch (const aws::ServiceError& error) {
            if (error.kind == aws::ErrorKind::kCancelled) return stopped("nothing deleted");
            roots.push_back({target.get(), {pattern}});
            failures.emplace_back(target.get(), error);
            ++count;
        }
    }
    units_.reserve(count);
    expanded_ = true;
    for (auto& [target, list] : roots) {
        for (auto& root : list) {
            Unit unit;
            unit.target = target;
            unit.root = std::move(root);
            unit.report.bucket = target->options.url.bucket;
            unit.report.root = unit.root;
            unit.report.dry_run = options_.dry_run;
            units_.push_back(std::move(unit));
        }
    }
    for (auto& [target, error] : failures) {
        for (auto& unit : units_) {
            if (unit.target == target)
                fail_unit(unit, error_code_of(error), error.what(), kExitFailed);
        }
    }
    // Two policies must never decide about the same objects.
    for (std::size_t i = 0; i < units_.size(); ++i) {
        for (std::size_t j = i + 1; j < units_.size(); ++j) {
            const auto& a = units_[i];
            const auto& b = units_[j];
            if (a.target == b.target || a.target->config.bucket != b.target->config.bucket ||
                a.target->config.endpoint_url != b.target->config.endpoint_url ||
                !roots_overlap(a.root, b.root)) {
                continue;
            }
            return fail(error_code::kUsage,
                        "targets " + target_name(a.target->options) + " and " +
                            target_name(b.target->options) + " overlap at " +
                            (a.root == b.root ? a.url() : a.url() + " and " + b.url()) +
                            ": two policies must never decide about the same objects; nothing "
                            "deleted",
                        kExitUsage);
        }
    }
    return std::nullopt;
}

LiveReading Run::read_live(Unit& unit) {
    Target& target = *unit.target;
    LiveClients clients{*target.client,
                        [&target]() -> cloudfront::Client& {
                            if (!target.cloudfront) {
                                target.cloudfront = std::make_unique<cloudfront::Client>(
                                    target.cloudfront_endpoint, target.config.credentials,
                                    target.transports(net::TransportOptions{}),
                                    target.client->retry);
                            }
                            return *target.cloudfront;
                        },
                        custom_host(target.config.endpoint_url)};
    if (options_.debug) clients.debug = debug_printer(target.debug_label);
    Options options = target.options;
    options.url.root = unit.root;
    LiveReading live = read_live_sources(options, clients);
    for (const auto& warning : live.warnings) warn(warning, &unit);
    return live;
}

void Run::plan_unit(Unit& unit, Progress& progress) {
    const Options& options = unit.target->options;
    retention::BuildOptions build;
    build.concurrency = options_.concurrency;
    build.purge_versions = options.purge_versions;
    build.on_listed = [&progress](std::uint64_t deployments, std::uint64_t objects) {
        progress.listing(deployments, objects);
    };
    LiveReading live = read_live(unit);
    build.live = std::move(live.sources);
    build.pointers = std::move(live.pointers);
    build.live_incomplete = live.failure.has_value();
    if (!key_store_) key_store_ = std::make_shared<retention::KeyStore>(options_.key_budget);
    build.key_store = key_store_;
    // "Written during the run" and --older-than are measured on S3's clock.
    build.now = [client = unit.target->client.get()] { return corrected_now(*client); };
    retention::S3Bucket bucket(*unit.target->client);
    unit.plan =
        retention::build_plan(bucket, options.url.bucket, unit.root,
                              policy_for(options, corrected_now(*unit.target->client)), build);
    progress.finish();
    std::optional<std::string> lifecycle_refusal;
    if (options.expire_with_lifecycle) {
        // Read for the plan (a dry run shows the rules too); written, merged
        // afresh, only once the run may change the bucket.
        try {
            retention::plan_lifecycle(bucket, *unit.plan, bucket.lifecycle_rules(),
                                      {true, options.lifecycle_over},
                                      corrected_now(*unit.target->client), key_store_.get());
        } catch (const retention::LifecycleError& error) {
            lifecycle_refusal = error.what();
        }
    }
    const auto& plan = *unit.plan;
    unit.report.plan = &plan;
    for (const auto& warning : plan.warnings) warn(warning, &unit);
    if (plan.versioned() && !plan.purge_versions && plan.summary.remove > 0) {
        warn(std::string("bucket versioning is ") + retention::to_string(plan.versioning) +
                 ": deleting only adds delete markers, and every old version "
                 "still costs storage until purged (--purge-versions) or "
                 "expired by a lifecycle rule",
             &unit);
    }
    if (!json() && !options_.quiet) {
        if (many()) std::cout << "\n" << target_header(unit) << "\n";
        print_plan_text(std::cout, plan);
        std::cout.flush();
    }
    // Fail closed: what is live could not be told, so nothing is deleted there.
    if (live.failure) {
        fail_unit(unit, live.failure->code, live.failure->message, kExitFailed);
    } else if (lifecycle_refusal) {
        fail_unit(unit, error_code::kLifecycle, *lifecycle_refusal, kExitFailed);
    }
}

std::optional<int> Run::plan_all(Progress& progress) {
    for (auto& unit : units_) {
        if (unit.failed()) continue;
        const RequestsBefore before = requests_of(*unit.target->client);
        try {
            plan_unit(unit, progress);
            unit.done = !unit.failed() && (options_.dry_run || !unit.deletes());
        } catch (const aws::ServiceError& error) {
            progress.finish();
            count_requests(unit, before);
            if (error.kind == aws::ErrorKind::kCancelled) return stopped("nothing deleted");
            fail_unit(unit, error_code_of(error), error.what(), kExitFailed);
        } catch (const aws::CredentialsError& error) {
            progress.finish();
            fail_unit(unit, error_code::kCredentials, error.message, kExitFailed);
        }
        count_requests(unit, before);
    }
    if (many() && !json() && !options_.quiet) print_run_summary(std::cout, summary_lines());
    return std::nullopt;
}

std::optional<int> Run::ask() {
    std::vector<const retention::Plan*> doomed;
    for (const auto& unit : units_) {
        if (unit.deletes()) doomed.push_back(&*unit.plan);
    }
    const std::string question = doomed.size() == 1 && !many()
                                     ? confirmation_question(*doomed.front())
                                     : confirmation_question(doomed);
    switch (ask_consent(options_, question)) {
        case Consent::kGiven:
            return std::nullopt;
        case Consent::kDeclined:
            std::cerr << "aborted: nothing deleted" << std::endl;
            return end(kExitFailed,
                       RunError{error_code::kDeclined,
                                "the confirmation was not given: nothing deleted", kExitFailed});
        case Consent::kStopped:
            return stopped("nothing deleted");
        case Consent::kCannotAsk:
            break;
    }
    return fail(error_code::kConfirmationRequired,
                "refusing to delete without confirmation: standard input is not a "
                "terminal; add --yes to delete, or --dry-run to only show the plan",
                kExitUsage);
}

int Run::execute() {
    if (auto exit = open_audit_log()) return *exit;
    if (options_.no_verify_ssl) {
        // Said even with --quiet: a run that anyone on the path can read and
        // change must not look like any other.
        warnings_.emplace_back(kNoVerifyWarning);
        std::cerr << "s3-cleanup: warning: " << kNoVerifyWarning << std::endl;
    }
    for (auto& target : targets_) {
        if (auto exit = configure(*target)) return *exit;
    }
    if (auto exit = expand()) return *exit;
    Progress progress(std::cerr, !options_.quiet && !options_.no_progress && !options_.debug &&
                                     stderr_is_terminal());
    if (auto exit = plan_all(progress)) return *exit;
    const bool deletes =
        std::any_of(units_.begin(), units_.end(), [](const Unit& u) { return u.deletes(); });
    if (options_.dry_run || !deletes) return end(units_exit());
    if (stop_requested()) return stopped("nothing deleted");
    if (auto exit = ask()) return *exit;
    return delete_all(progress);
}

void Run::write_lifecycle() {
    // One write per bucket: the units of one bucket (several roots, or
    // targets) are merged into its configuration together.
    std::vector<std::vector<Unit*>> groups;
    for (auto& unit : units_) {
        if (!unit.deletes() || !unit.plan->lifecycle || !unit.plan->lifecycle->writes()) continue;
        auto same_bucket = [&unit](const std::vector<Unit*>& group) {
            const auto& a = group.front()->target->config;
            const auto& b = unit.target->config;
            return a.bucket == b.bucket && a.endpoint_url == b.endpoint_url;
        };
        auto it = std::find_if(groups.begin(), groups.end(), same_bucket);
        if (it == groups.end()) {
            groups.push_back({&unit});
        } else {
            it->push_back(&unit);
        }
    }
    for (auto& group : groups) {
        if (stop_requested()) return;
        std::vector<const retention::Plan*> plans;
        plans.reserve(group.size());
        for (const auto* unit : group) plans.push_back(&*unit->plan);
        Unit& first = *group.front();
        const RequestsBefore before = requests_of(*first.target->client);
        auto fail_group = [&](const std::string& code, const std::string& message) {
            for (auto* unit : group) fail_unit(*unit, code, message, kExitFailed);
        };
        try {
            retention::S3Bucket bucket(*first.target->client);
            const retention::LifecycleWrite write = retention::apply_lifecycle(bucket, plans);
            for (auto* unit : group) unit->lifecycle_write = write;
            if (!json() && !options_.quiet) {
                std::cout << "Lifecycle: s3://" << printable(first.target->config.bucket) << " "
                          << (write.written ? "configuration written and read back as written: "
                                            : "configuration already as planned: ")
                          << counted(write.rules, "rule", "rules") << "\n";
            }
        } catch (const retention::LifecycleError& error) {
            fail_group(error_code::kLifecycle,
                       std::string("lifecycle configuration: ") + error.what());
        } catch (const retention::PlanSafetyError& error) {
            fail_group(
                error_code::kPlanSafety,
                std::string("refusing to write the lifecycle configuration: ") + error.what());
        } catch (const aws::ServiceError& error) {
            fail_group(error_code_of(error),
                       std::string("lifecycle configuration not written: ") + error.what());
        }
        count_requests(first, before);
    }
}

int Run::delete_all(Progress& progress) {
    // Lifecycle first: a rule of a deployment kept now (a rollback) goes
    // before anything else is done.
    write_lifecycle();
    if (stop_requested()) return stopped("nothing deleted");
    for (auto& unit : units_) {
        if (!unit.deletes()) continue;
        if (stop_requested()) return stopped("no new requests were sent");
        if (many() && !json() && !options_.quiet) {
            std::cout << "\n" << target_header(unit) << "\n";
        }
        const RequestsBefore before = requests_of(*unit.target->client);
        delete_unit(unit, progress);
        count_requests(unit, before);
        if (audit_ != nullptr && audit_->failed()) {
            return end(unit.report.error->exit, unit.report.error);
        }
        if (stop_requested()) {
            const auto& result = unit.report.result;
            return stopped(
                "no new requests were sent; " +
                thousands(result ? (*result)["objects_not_attempted"].get<std::uint64_t>() : 0) +
                " not attempted");
        }
    }
    return end(units_exit());
}

void Run::delete_unit(Unit& unit, Progress& progress) {
    const retention::Plan& plan = *unit.plan;
    retention::ExecutorHooks hooks;
    AuditLog* audit = audit_.get();
    // A line that cannot be written stops the run like a signal does: a
    // deletion must not go on unrecorded.
    hooks.stop_requested = [audit] {
        return stop_requested() || (audit != nullptr && audit->failed());
    };
    hooks.concurrency = options_.concurrency;
    if (audit != nullptr) {
        hooks.on_key_done = [audit, &plan, url = unit.url()](const retention::KeyOutcome& outcome) {
            audit->record(url, plan.bucket, outcome);
        };
    }
    const std::uint64_t total = plan.entries_to_delete();
    hooks.on_batch_done = [audit, &progress, total](const retention::ExecutionResult& so_far) {
        if (audit != nullptr) audit->flush();
        progress.deleting(so_far.entries_answered, total);
    };
    s3::Client& client = *unit.target->client;
    // A run of one unit counts every request of the run, as it always has;
    // each of many counts its own deletion's.
    const RequestsBefore before = many() ? requests_of(client) : RequestsBefore{};
    const auto started = Clock::now();
    progress.deleting(0, total);  // the rate is measured from here
    retention::ExecutionResult result;
    try {
        retention::S3Bucket bucket(client);
        result = retention::execute_plan(plan, bucket, hooks);
    } catch (const retention::PlanSafetyError& error) {
        fail_unit(unit, error_code::kPlanSafety,
                  std::string("refusing to delete, nothing was sent: ") + error.what(),
                  kExitFailed);
        return;
    }
    progress.finish();
    if (audit != nullptr) audit->flush();
    // A run of one unit counts from its start, as it always has.
    const double seconds =
        std::chrono::duration<double>(Clock::now() - (many() ? started : started_)).count();
    const RunStats stats{client.counts().list.load() - before.list,
                         client.counts().del.load() - before.del,
                         client.counts().retries.load() - before.retries, seconds};
    for (const auto& failure : result.failed) {
        print_error(
            about(&unit) + "failed to delete '" + failure.key + "'" +
            (failure.version_id.empty() ? std::string() : " (version " + failure.version_id + ")") +
            ": " + (failure.code.empty() ? std::string() : failure.code + ": ") + failure.message);
    }
    for (const auto& appeared : result.appeared) {
        warn(appeared.deployment + ": objects appeared during cleanup; left in place", &unit);
    }
    for (const auto& warning : result.warnings) warn(warning, &unit);
    unit.report.result = result_to_json(result, stats);
    if (unit.lifecycle_write) {
        (*unit.report.result)["lifecycle"] = {{"written", unit.lifecycle_write->written},
                                              {"rules", unit.lifecycle_write->rules}};
    }
    unit.metrics.deployments_deleted = result.deployments_deleted;
    unit.metrics.objects_deleted = plan.purge_versions
                                       ? result.versions_deleted + result.delete_markers_deleted
                                       : result.objects_deleted;
    unit.metrics.bytes_deleted = result.bytes_freed;
    unit.metrics.objects_failed = result.failed.size() + result.objects_not_attempted;
    unit.done = !result.interrupted && result.safety_error.empty();
    if (!json() && !options_.quiet) print_result_text(std::cout, result, stats);
    record_outcome(unit, result);
}

void Run::record_outcome(Unit& unit, const retention::ExecutionResult& result) {
    const retention::Plan& plan = *unit.plan;
    if (audit_ != nullptr && audit_->failed()) {
        fail_unit(unit, error_code::kAuditLog,
                  "writing --log-file '" + options_.log_file + "' failed (" + audit_->error() +
                      "): stopped, no request was sent after that; " +
                      thousands(result.entries_answered - result.failed.size()) + " of " +
                      thousands(plan.entries_to_delete()) + " deleted, " +
                      thousands(result.objects_not_attempted) +
                      " not attempted; the log lacks the lines it could not write",
                  kExitFailed);
        return;
    }
    if (!result.safety_error.empty()) {
        fail_unit(unit, error_code::kPlanSafety,
                  "stopped deleting: " + result.safety_error + "; " +
                      thousands(result.entries_answered - result.failed.size()) + " of " +
                      thousands(plan.entries_to_delete()) + " deleted, " +
                      thousands(result.objects_not_attempted) + " not attempted",
                  kExitFailed);
        return;
    }
    if (!result.failed.empty()) {
        unit.report.error = RunError{error_code::kObjectsNotDeleted,
                                     thousands(result.failed.size()) +
                                         (result.failed.size() == 1 ? " object" : " objects") +
                                         " could not be deleted",
                                     kExitFailed};
    }
}
}  // namespace

void print_error(const std::string& message) {
    std::cerr << "s3-cleanup: error: " << printable(aws::redact(message)) << std::endl;
}

int run_policy(const Options& run_flags, std::vector<Options> targets, DocumentSink on_document) {
    return Run(run_flags, std::move(targets), std::move(on_document)).execute();
}

int run_cleanup(const Options& options) {
    auto targets = run_targets(options);
    if (auto* usage = std::get_if<UsageError>(&targets)) {
        print_error(usage->message);
        if (options.output == OutputFormat::kJson) print_json(usage_error_json(usage->message));
        return kExitUsage;
    }
    // From here on Ctrl-C and SIGTERM only ask to stop: requests in flight
    // finish, no new one starts, and the report says what was done.
    install_stop_handlers();
    return Run(options, std::move(std::get<std::vector<Options>>(targets))).execute();
}

}  // namespace cli
