#include "cli/run_cleanup.hpp"

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>

#include "aws/aws_settings.hpp"
#include "aws/http_url.hpp"
#include "aws/redaction.hpp"
#include "cli/audit_log.hpp"
#include "cli/confirm.hpp"
#include "cli/interrupt.hpp"
#include "cli/live_sources.hpp"
#include "cli/plan_output.hpp"
#include "cli/progress.hpp"
#include "cli/result_output.hpp"
#include "cli/run_report.hpp"
#include "net/curl_transport.hpp"
#include "net/debug_transport.hpp"
#include "retention/executor.hpp"
#include "retention/plan_builder.hpp"
#include "retention/planner.hpp"
#include "retention/s3_bucket.hpp"
#include "s3/client.hpp"
#include "s3/settings.hpp"

namespace cli {

namespace {

using Clock = std::chrono::steady_clock;

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
net::TransportFactory transport_factory(const Options& cli) {
    return [debug = cli.debug, timeout = cli.timeout_seconds](
               const net::TransportOptions& asked) -> std::shared_ptr<net::HttpTransport> {
        net::TransportOptions options = asked;
        options.connect_timeout_ms = std::min<long>(asked.connect_timeout_ms, timeout * 1000L);
        options.stall_timeout_seconds = std::min<long>(asked.stall_timeout_seconds, timeout);
        auto transport = std::make_shared<net::CurlTransport>(options);
        if (!debug) return transport;
        return std::make_shared<net::DebugTransport>(transport, print_debug);
    };
}

retention::Policy policy_for(const Options& options) {
    retention::Policy policy;
    policy.keep = options.keep;
    policy.cutoff = options.cutoff(
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
    policy.protect = options.protect;
    policy.sort_by = options.sort_by;
    return policy;
}

enum class Consent { kGiven, kDeclined, kCannotAsk, kStopped };

Consent ask_consent(const Options& options, const retention::Plan& plan) {
    if (options.yes) return Consent::kGiven;
    if (!stdin_is_terminal()) return Consent::kCannotAsk;
    std::cerr << confirmation_question(plan) << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        // Ctrl-C at the prompt interrupts the read: that is a stop, not an answer.
        return stop_signal() != 0 ? Consent::kStopped : Consent::kDeclined;
    }
    return is_yes(answer) ? Consent::kGiven : Consent::kDeclined;
}

const char* signal_name() { return stop_signal() == SIGINT ? "SIGINT" : "SIGTERM"; }

// The host of a custom S3 endpoint without its port (CloudFront origin domains
// have none); empty for AWS itself.
std::string custom_host(const std::string& endpoint_url) {
    if (endpoint_url.empty()) return {};
    auto parsed = aws::parse_http_url(endpoint_url);
    return parsed ? aws::host_without_port(parsed->host) : std::string();
}

// One run: what it says on stderr as it goes, and the report that --output
// json prints once at the end, whichever way the run ends.
class Run {
public:
    explicit Run(const Options& options) : options_(options) {
        report_.bucket = options.url.bucket;
        report_.root = options.url.root;
        report_.dry_run = options.dry_run;
    }

    int execute();

private:
    bool json() const { return options_.output == OutputFormat::kJson; }

    void warn(const std::string& message) {
        report_.warnings.push_back(message);
        if (options_.quiet) return;
        std::cerr << "s3-cleanup: warning: " << printable(aws::redact(message)) << std::endl;
    }

    // The run is over: with JSON, its one document.
    int end(int exit, std::optional<RunError> error = std::nullopt) {
        report_.error = std::move(error);
        if (json()) print_json(report_to_json(report_));
        return exit;
    }

    // Ends with one error line on stderr (and the error in the JSON).
    int fail(const char* code, const std::string& message, int exit) {
        print_error(message);
        return end(exit, RunError{code, message, exit});
    }

    int stopped(const std::string& what) {
        const std::string message = std::string("stopped by ") + signal_name() + ": " + what;
        std::cerr << "s3-cleanup: " << message << std::endl;
        return end(kExitSignalBase + stop_signal(),
                   RunError{error_code::kStopped, message, kExitSignalBase + stop_signal()});
    }

    std::optional<int> open_audit_log();
    std::optional<int> configure();
    std::optional<int> configure_cloudfront(const aws::EnvLookup& env);
    LiveReading read_live(s3::Client& client, std::unique_ptr<cloudfront::Client>& cloudfront);
    int plan_and_delete(s3::Client& client);
    int delete_planned(const retention::Plan& plan, s3::Client& client, Progress& progress);
    int deletion_outcome(const retention::Plan& plan, const retention::ExecutionResult& result);

    const Options& options_;
    const Clock::time_point started_ = Clock::now();
    RunReport report_;
    std::unique_ptr<AuditLog> audit_;
    net::TransportFactory transports_;
    s3::ClientConfig config_;
    aws::AwsSettings settings_;
    aws::HttpUrl cloudfront_endpoint_;  // with --protect-cloudfront
};

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

std::optional<int> Run::configure() {
    transports_ = transport_factory(options_);
    aws::AwsSettings settings;
    s3::Settings s3_settings;
    try {
        // S3's own settings are checked before any credential source is asked.
        const aws::EnvLookup env = aws::process_env();
        settings = aws::resolve_profile({options_.profile, options_.region}, env);
        s3_settings =
            s3::resolve_settings({options_.endpoint_url, options_.addressing_style}, settings, env);
        aws::resolve_credentials(settings, env, transports_);
        settings_ = settings;
        if (auto exit = configure_cloudfront(env)) return exit;
    } catch (const aws::ConfigError& error) {
        return fail(error_code::kUsage, error.message, kExitUsage);
    } catch (const aws::NoCredentialsError& error) {
        return fail(error_code::kNoCredentials, error.message, kExitFailed);
    } catch (const aws::CredentialsError& error) {
        return fail(error_code::kCredentials, error.message, kExitFailed);
    }
    if (options_.debug) {
        print_debug("credentials from " + settings.credentials->source() + ", region " +
                    settings.region);
    }
    config_.bucket = options_.url.bucket;
    config_.region = settings.region;
    config_.endpoint_url = s3_settings.endpoint_url;
    config_.addressing = s3_settings.addressing;
    config_.credentials = settings.credentials;
    try {
        (void)s3::resolve_endpoint(config_.endpoint_url, config_.region, config_.bucket,
                                   config_.addressing);
    } catch (const std::invalid_argument& error) {
        return fail(error_code::kUsage, error.what(), kExitUsage);
    }
    return std::nullopt;
}

// CloudFront's endpoint: AWS_ENDPOINT_URL_CLOUDFRONT, else AWS_ENDPOINT_URL (as
// the AWS SDKs), else AWS's; --endpoint-url stays S3's.
std::optional<int> Run::configure_cloudfront(const aws::EnvLookup& env) {
    if (options_.protect_cloudfront.empty()) return std::nullopt;
    const std::string url = aws::endpoint_url(cloudfront::kServiceId, settings_, env)
                                .value_or(cloudfront::kDefaultEndpoint);
    auto parsed = aws::parse_http_url(url);
    if (!parsed) {
        return fail(error_code::kUsage,
                    "the CloudFront endpoint '" + url +
                        "' (AWS_ENDPOINT_URL_CLOUDFRONT or AWS_ENDPOINT_URL) is not an "
                        "http(s) URL",
                    kExitUsage);
    }
    cloudfront_endpoint_ = *parsed;
    return std::nullopt;
}

LiveReading Run::read_live(s3::Client& client, std::unique_ptr<cloudfront::Client>& cloudfront) {
    LiveClients clients{client,
                        [&]() -> cloudfront::Client& {
                            if (!cloudfront) {
                                cloudfront = std::make_unique<cloudfront::Client>(
                                    cloudfront_endpoint_, config_.credentials,
                                    transports_(net::TransportOptions{}), client.retry);
                            }
                            return *cloudfront;
                        },
                        custom_host(config_.endpoint_url)};
    if (options_.debug) clients.debug = print_debug;
    LiveReading live = read_live_sources(options_, clients);
    for (const auto& warning : live.warnings) warn(warning);
    return live;
}

int Run::execute() {
    if (auto exit = open_audit_log()) return *exit;
    if (auto exit = configure()) return *exit;
    try {
        s3::Client client(config_, transports_);
        if (options_.debug) client.on_notice = print_debug;
        client.retry.policy.max_attempts = options_.max_attempts;
        client.bypass_governance_retention = options_.bypass_governance_retention;
        client.retry.stop_requested = [] { return stop_signal() != 0; };
        return plan_and_delete(client);
    } catch (const aws::ServiceError& error) {
        if (error.kind == aws::ErrorKind::kCancelled) return stopped("nothing deleted");
        return fail(error_code_of(error).c_str(), error.what(), kExitFailed);
    } catch (const aws::CredentialsError& error) {
        return fail(error_code::kCredentials, error.message, kExitFailed);
    }
}

int Run::plan_and_delete(s3::Client& client) {
    Progress progress(std::cerr, !options_.quiet && !options_.no_progress && !options_.debug &&
                                     stderr_is_terminal());
    retention::BuildOptions build;
    build.concurrency = options_.concurrency;
    build.purge_versions = options_.purge_versions;
    build.on_listed = [&progress](std::uint64_t deployments, std::uint64_t objects) {
        progress.listing(deployments, objects);
    };
    std::unique_ptr<cloudfront::Client> cloudfront;
    LiveReading live = read_live(client, cloudfront);
    build.live = std::move(live.sources);
    build.pointers = std::move(live.pointers);
    build.live_incomplete = live.failure.has_value();
    retention::S3Bucket bucket(client);
    const auto plan = retention::build_plan(bucket, options_.url.bucket, options_.url.root,
                                            policy_for(options_), build);
    progress.finish();
    report_.plan = &plan;
    for (const auto& warning : plan.warnings) warn(warning);
    if (plan.versioned() && !plan.purge_versions && plan.summary.remove > 0) {
        warn(std::string("bucket versioning is ") + retention::to_string(plan.versioning) +
             ": deleting only adds delete markers, and every old version "
             "still costs storage until purged (--purge-versions) or "
             "expired by a lifecycle rule");
    }
    const bool deletes = plan.deletes_anything();
    if (!json() && !options_.quiet) {
        print_plan_text(std::cout, plan);
        std::cout.flush();
    }
    // Fail closed: what is live could not be told, so nothing is deleted.
    if (live.failure) return fail(live.failure->code.c_str(), live.failure->message, kExitFailed);
    if (options_.dry_run || !deletes) return end(kExitOk);
    if (stop_signal() != 0) return stopped("nothing deleted");

    switch (ask_consent(options_, plan)) {
        case Consent::kGiven:
            break;
        case Consent::kDeclined:
            std::cerr << "aborted: nothing deleted" << std::endl;
            return end(kExitFailed,
                       RunError{error_code::kDeclined,
                                "the confirmation was not given: nothing deleted", kExitFailed});
        case Consent::kStopped:
            return stopped("nothing deleted");
        case Consent::kCannotAsk:
            return fail(error_code::kConfirmationRequired,
                        "refusing to delete without confirmation: standard input is not a "
                        "terminal; add --yes to delete, or --dry-run to only show the plan",
                        kExitUsage);
    }
    return delete_planned(plan, client, progress);
}

int Run::delete_planned(const retention::Plan& plan, s3::Client& client, Progress& progress) {
    retention::ExecutorHooks hooks;
    AuditLog* audit = audit_.get();
    // A line that cannot be written stops the run like a signal does: a
    // deletion must not go on unrecorded.
    hooks.stop_requested = [audit] {
        return stop_signal() != 0 || (audit != nullptr && audit->failed());
    };
    hooks.concurrency = options_.concurrency;
    if (audit != nullptr) {
        hooks.on_key_done = [audit, &plan](const retention::KeyOutcome& outcome) {
            audit->record(plan.bucket, outcome);
        };
    }
    const std::uint64_t total = plan.entries_to_delete();
    hooks.on_batch_done = [audit, &progress, total](const retention::ExecutionResult& so_far) {
        if (audit != nullptr) audit->flush();
        progress.deleting(so_far.entries_answered, total);
    };
    progress.deleting(0, total);  // the rate is measured from here
    retention::ExecutionResult result;
    try {
        retention::S3Bucket bucket(client);
        result = retention::execute_plan(plan, bucket, hooks);
    } catch (const retention::PlanSafetyError& error) {
        return fail(error_code::kPlanSafety,
                    std::string("refusing to delete, nothing was sent: ") + error.what(),
                    kExitFailed);
    }
    progress.finish();
    if (audit != nullptr) audit->flush();
    const RunStats stats{client.counts().list.load(), client.counts().del.load(),
                         client.counts().retries.load(),
                         std::chrono::duration<double>(Clock::now() - started_).count()};
    for (const auto& failure : result.failed) {
        print_error(
            "failed to delete '" + failure.key + "'" +
            (failure.version_id.empty() ? std::string() : " (version " + failure.version_id + ")") +
            ": " + (failure.code.empty() ? std::string() : failure.code + ": ") + failure.message);
    }
    for (const auto& appeared : result.appeared) {
        warn(appeared.deployment + ": objects appeared during cleanup; left in place");
    }
    for (const auto& warning : result.warnings) warn(warning);
    report_.result = result_to_json(result, stats);
    if (!json() && !options_.quiet) print_result_text(std::cout, result, stats);
    return deletion_outcome(plan, result);
}

int Run::deletion_outcome(const retention::Plan& plan, const retention::ExecutionResult& result) {
    if (audit_ != nullptr && audit_->failed()) {
        return fail(error_code::kAuditLog,
                    "writing --log-file '" + options_.log_file + "' failed (" + audit_->error() +
                        "): stopped, no request was sent after that; " +
                        thousands(result.entries_answered - result.failed.size()) + " of " +
                        thousands(plan.entries_to_delete()) + " deleted, " +
                        thousands(result.objects_not_attempted) +
                        " not attempted; the log lacks the lines it could not write",
                    kExitFailed);
    }
    // A stop was asked for: say so in the exit code even when the batches in
    // flight happened to finish the job.
    if (stop_signal() != 0) {
        return stopped("no new requests were sent; " + thousands(result.objects_not_attempted) +
                       " not attempted");
    }
    if (!result.failed.empty()) {
        return end(kExitFailed, RunError{error_code::kObjectsNotDeleted,
                                         thousands(result.failed.size()) +
                                             (result.failed.size() == 1 ? " object" : " objects") +
                                             " could not be deleted",
                                         kExitFailed});
    }
    return end(kExitOk);
}

}  // namespace

void print_error(const std::string& message) {
    std::cerr << "s3-cleanup: error: " << printable(aws::redact(message)) << std::endl;
}

int run_cleanup(const Options& options) {
    // From here on Ctrl-C and SIGTERM only ask to stop: requests in flight
    // finish, no new one starts, and the report says what was done.
    install_stop_handlers();
    return Run(options).execute();
}

}  // namespace cli
