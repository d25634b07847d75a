#include "cli/run_cleanup.hpp"

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>

#include "cli/audit_log.hpp"
#include "cli/confirm.hpp"
#include "cli/interrupt.hpp"
#include "cli/plan_output.hpp"
#include "cli/progress.hpp"
#include "cli/result_output.hpp"
#include "net/curl_transport.hpp"
#include "net/debug_transport.hpp"
#include "retention/executor.hpp"
#include "retention/plan_builder.hpp"
#include "retention/planner.hpp"
#include "s3/aws_settings.hpp"
#include "s3/client.hpp"
#include "s3/redaction.hpp"

namespace cli {

namespace {

using Clock = std::chrono::steady_clock;

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void print_debug(const std::string& line) {
    // Workers report from several threads: one whole line per write.
    static std::mutex mutex;
    const std::string text = "s3-cleanup: debug: " + printable(s3::redact(line)) + "\n";
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

// Either a client configuration or the exit code of why there is none.
std::variant<s3::ClientConfig, int> client_config(const Options& options,
                                                  const net::TransportFactory& transports) {
    s3::AwsSettings settings;
    try {
        settings = s3::resolve_settings(
            {options.profile, options.region, options.endpoint_url, options.addressing_style},
            s3::process_env(), transports);
    } catch (const s3::ConfigError& error) {
        print_error(error.message);
        return kExitUsage;
    } catch (const s3::NoCredentialsError& error) {
        print_error(error.message);
        return kExitFailed;
    } catch (const s3::CredentialsError& error) {
        print_error(error.message);
        return kExitFailed;
    }
    if (options.debug) {
        print_debug("credentials from " + settings.credentials->source() + ", region " +
                    settings.region);
    }
    s3::ClientConfig config;
    config.bucket = options.url.bucket;
    config.region = settings.region;
    config.endpoint_url = settings.endpoint_url;
    config.addressing = settings.addressing;
    config.credentials = settings.credentials;
    try {
        (void)s3::resolve_endpoint(config.endpoint_url, config.region, config.bucket,
                                   config.addressing);
    } catch (const std::invalid_argument& error) {
        print_error(error.what());
        return kExitUsage;
    }
    return config;
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

void print_json(const nlohmann::ordered_json& document) {
    std::cout << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
              << std::endl;
}

void warn(const Options& options, const std::string& message) {
    if (options.quiet) return;
    std::cerr << "s3-cleanup: warning: " << printable(s3::redact(message)) << std::endl;
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

int exit_code_for(const retention::ExecutionResult& result) {
    // A stop was asked for: say so in the exit code even when the batches in
    // flight happened to finish the job.
    if (result.interrupted || stop_signal() != 0) return 128 + stop_signal();
    return result.failed.empty() ? kExitOk : kExitFailed;
}

int delete_planned(const Options& options, const retention::Plan& plan, s3::Client& client,
                   Clock::time_point started, Progress& progress, AuditLog* audit) {
    retention::ExecutorHooks hooks;
    hooks.stop_requested = [] { return stop_signal() != 0; };
    hooks.concurrency = options.concurrency;
    if (audit != nullptr) {
        hooks.on_key_done = [audit, &plan](const retention::KeyOutcome& outcome) {
            audit->record(plan.bucket, outcome);
        };
    }
    const std::uint64_t total = plan.summary.objects_to_delete;
    hooks.on_batch_done = [audit, &progress, total](const retention::ExecutionResult& so_far) {
        if (audit != nullptr) audit->flush();
        progress.deleting(so_far.objects_deleted + so_far.failed.size(), total);
    };
    progress.deleting(0, total);  // the rate is measured from here
    retention::ExecutionResult result;
    try {
        result = retention::execute_plan(plan, client, hooks);
    } catch (const retention::PlanSafetyError& error) {
        print_error(std::string("refusing to delete, nothing was sent: ") + error.what());
        return kExitFailed;
    }
    progress.finish();
    if (audit != nullptr && !audit->flush()) {
        print_error("writing --log-file '" + options.log_file +
                    "' failed: the audit log is incomplete");
        result.warnings.emplace_back("audit log incomplete");
    }
    RunStats stats{client.counts().list.load(), client.counts().del.load(),
                   client.counts().retries.load(),
                   std::chrono::duration<double>(Clock::now() - started).count()};

    for (const auto& failure : result.failed) {
        print_error("failed to delete '" + failure.key + "': " +
                    (failure.code.empty() ? std::string() : failure.code + ": ") + failure.message);
    }
    for (const auto& appeared : result.appeared) {
        warn(options, appeared.deployment + ": objects appeared during cleanup; left in place");
    }
    for (const auto& warning : result.warnings) warn(options, warning);
    if (result.interrupted || stop_signal() != 0) {
        std::cerr << "s3-cleanup: stopped by " << (stop_signal() == SIGINT ? "SIGINT" : "SIGTERM")
                  << ": no new requests were sent" << std::endl;
    }
    if (options.output == OutputFormat::kJson) {
        auto document = plan_to_json(plan, false);
        document["result"] = result_to_json(result, stats);
        print_json(document);
    } else if (!options.quiet) {
        print_result_text(std::cout, result, stats);
    }
    if (audit != nullptr && audit->failed()) return kExitFailed;
    return exit_code_for(result);
}

}  // namespace

void print_error(const std::string& message) {
    std::cerr << "s3-cleanup: error: " << printable(s3::redact(message)) << std::endl;
}

int stopped_before_deleting() {
    std::cerr << "s3-cleanup: stopped by " << (stop_signal() == SIGINT ? "SIGINT" : "SIGTERM")
              << ": nothing deleted" << std::endl;
    return 128 + stop_signal();
}

int run_cleanup(const Options& options) {
    const auto started = Clock::now();
    // From here on Ctrl-C and SIGTERM only ask to stop: requests in flight
    // finish, no new one starts, and the report says what was done.
    install_stop_handlers();
    // The audit log opens first: a path that cannot be written is a usage
    // error found before any request.
    std::unique_ptr<AuditLog> audit;
    if (!options.log_file.empty() && !options.dry_run) {
        try {
            audit = std::make_unique<AuditLog>(options.log_file);
        } catch (const std::runtime_error& error) {
            print_error(error.what());
            return kExitUsage;
        }
    }
    const auto transports = transport_factory(options);
    auto config = client_config(options, transports);
    if (const int* code = std::get_if<int>(&config)) return *code;

    try {
        s3::Client client(std::get<s3::ClientConfig>(config), transports);
        if (options.debug) client.on_notice = print_debug;
        client.retry.policy.max_attempts = options.max_attempts;
        client.bypass_governance_retention = options.bypass_governance_retention;
        client.retry.stop_requested = [] { return stop_signal() != 0; };
        Progress progress(std::cerr, !options.quiet && !options.no_progress && !options.debug &&
                                         stderr_is_terminal());
        retention::BuildOptions build;
        build.concurrency = options.concurrency;
        build.purge_versions = options.purge_versions;
        build.on_listed = [&progress](std::uint64_t deployments, std::uint64_t objects) {
            progress.listing(deployments, objects);
        };
        auto plan = retention::build_plan(client, options.url.bucket, options.url.root,
                                          policy_for(options), build);
        progress.finish();
        const bool json = options.output == OutputFormat::kJson;
        if (plan.versioned() && !plan.purge_versions && plan.summary.remove > 0) {
            warn(options, "bucket versioning is " + plan.versioning +
                              ": deleting only adds delete markers, and every old version "
                              "still costs storage until purged (--purge-versions) or "
                              "expired by a lifecycle rule");
        }
        const bool deletes = plan.deletes_anything();
        // JSON is one document: with a deletion it comes at the end, plan and result together.
        if (json && (options.dry_run || !deletes)) {
            print_json(plan_to_json(plan, options.dry_run));
        } else if (!json && !options.quiet) {
            print_plan_text(std::cout, plan);
            std::cout.flush();
        }
        if (options.dry_run || !deletes) return kExitOk;
        if (stop_signal() != 0) return stopped_before_deleting();

        switch (ask_consent(options, plan)) {
            case Consent::kGiven:
                break;
            case Consent::kDeclined:
                std::cerr << "aborted: nothing deleted" << std::endl;
                return kExitFailed;
            case Consent::kStopped:
                return stopped_before_deleting();
            case Consent::kCannotAsk:
                print_error(
                    "refusing to delete without confirmation: standard input is not a "
                    "terminal; add --yes to delete, or --dry-run to only show the plan");
                return kExitUsage;
        }
        return delete_planned(options, plan, client, started, progress, audit.get());
    } catch (const s3::S3Error& error) {
        if (error.kind == s3::ErrorKind::kCancelled) return stopped_before_deleting();
        print_error(error.what());
        return kExitFailed;
    }
}

}  // namespace cli
