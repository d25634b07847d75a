#include "cli/lambda_mode.hpp"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "cli/interrupt.hpp"
#include "cli/policy_file.hpp"
#include "cli/run_cleanup.hpp"
#include "cli/run_report.hpp"
#include "cli/run_targets.hpp"
#include "lambda/runtime_api.hpp"
#include "net/curl_transport.hpp"

namespace cli {

namespace {

// How messages about the event name it, as they name a policy file.
constexpr const char* kEventName = "event";
constexpr const char* kInitError = "InitError";
// Posting an answer to the Runtime API, which is local to the function.
constexpr long kAnswerTimeoutMs = 10'000;

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

// The run flags every invocation starts from: JSON, nothing interactive,
// and what the function's environment says (S3_CLEANUP_CONCURRENCY, ...).
RawOptions base_flags() {
    RawOptions raw;
    raw.config = kEventName;
    raw.output = "json";
    raw.no_progress = true;
    raw.env_max_attempts = env("AWS_MAX_ATTEMPTS");
    raw.env_concurrency = env("S3_CLEANUP_CONCURRENCY");
    raw.env_key_budget = env("S3_CLEANUP_KEY_BUDGET");
    return raw;
}

std::variant<std::chrono::milliseconds, UsageError> deadline_margin() {
    const auto text = env(kDeadlineMarginVariable);
    if (!text) return kDeadlineMargin;
    long long ms = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), ms);
    if (text->empty() || error != std::errc() || end != text->data() + text->size() || ms < 0) {
        return UsageError{std::string(kDeadlineMarginVariable) +
                          " must be a whole number of milliseconds, got '" + *text + "'"};
    }
    return std::chrono::milliseconds(ms);
}

std::string dump(const nlohmann::ordered_json& document) {
    // Keys may hold any byte; the answer must stay valid UTF-8.
    return document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// One invocation: its event run (or refused), its answer posted.
void serve(lambda::RuntimeApi& runtime, const lambda::Invocation& invocation,
           const RawOptions& base, std::chrono::milliseconds margin) {
    if (!invocation.trace_id.empty()) {
        // X-Ray's trace of this invocation, where the AWS SDKs look for it.
        ::setenv("_X_AMZN_TRACE_ID", invocation.trace_id.c_str(), 1);
    }
    auto event = read_event(invocation.event, base);
    if (auto* usage = std::get_if<UsageError>(&event)) {
        print_error(usage->message);
        runtime.fail(invocation.request_id, kInvalidEvent, usage->message);
        return;
    }
    auto& [run, targets] = std::get<EventRun>(event);
    if (invocation.deadline) {
        const auto left = invocation.deadline.value() - std::chrono::system_clock::now();
        set_stop_deadline(std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(left) -
                          margin);
    }
    nlohmann::ordered_json document;
    const int exit =
        run_policy(run, std::move(targets),
                   [&document](const nlohmann::ordered_json& d, int) { document = d; });
    set_stop_deadline(std::nullopt);
    const bool cut = document.contains("error") &&
                     document["error"].value("code", std::string()) == error_code::kDeadline;
    if (exit == kExitUsage && document.contains("error")) {
        // The policy was readable but cannot be run as it is (targets that
        // overlap once expanded, a CA bundle that cannot be read, ...).
        runtime.fail(invocation.request_id, kInvalidEvent,
                     document["error"].value("message", std::string()));
        return;
    }
    // The next invocation with the same event plans again and goes on from
    // what is left: a cut run is incomplete, never failed.
    document["complete"] = !cut;
    document["exit"] = exit;
    runtime.respond(invocation.request_id, dump(document));
}

}  // namespace

bool lambda_runtime_asked(int argc) {
    return argc == 1 && std::getenv(kRuntimeApiVariable) != nullptr;
}

std::variant<EventRun, UsageError> read_event(const std::string& event, const RawOptions& base) {
    // A policy file may be YAML; an event is JSON, and said so when it is not.
    try {
        if (!nlohmann::json::parse(event).is_object()) {
            return UsageError{std::string(kEventName) +
                              ":1: the event must be a JSON object with version and targets"};
        }
    } catch (const nlohmann::json::parse_error& error) {
        return UsageError{std::string(kEventName) + ": not a JSON document (" + error.what() + ")"};
    }
    auto parsed = parse_policy(event, kEventName, PolicySource::kLambdaEvent);
    if (auto* usage = std::get_if<UsageError>(&parsed)) return *usage;
    const PolicyFile& file = std::get<PolicyFile>(parsed);
    RawOptions raw = base;
    raw.dry_run = file.run.dry_run;
    raw.yes = file.run.yes;
    if (file.run.concurrency) raw.concurrency = file.run.concurrency;
    if (file.run.metrics_pushgateway) raw.metrics_pushgateway = file.run.metrics_pushgateway;
    if (!raw.dry_run && !raw.yes) {
        return UsageError{std::string(kEventName) +
                          ": the event must say \"dry_run\": true (show the plan) or \"yes\": true "
                          "(delete): no one is at a terminal to confirm"};
    }
    auto validated = validate(raw);
    if (auto* usage = std::get_if<UsageError>(&validated)) {
        return UsageError{std::string(kEventName) + ": " + usage->message};
    }
    EventRun run{std::get<Options>(validated), {}};
    auto targets = targets_of(file, kEventName, run.run);
    if (auto* usage = std::get_if<UsageError>(&targets)) return *usage;
    run.targets = std::move(std::get<std::vector<Options>>(targets));
    return run;
}

int run_lambda_runtime() {
    const std::string address = env(kRuntimeApiVariable).value_or("");
    net::TransportOptions long_poll;
    long_poll.stall_timeout_seconds = 0;  // Lambda answers when there is an event
    long_poll.total_timeout_ms = 0;
    long_poll.use_proxy = false;  // the Runtime API is local to the function
    net::TransportOptions answers;
    answers.total_timeout_ms = kAnswerTimeoutMs;
    answers.use_proxy = false;
    lambda::RuntimeApi runtime(address, std::make_shared<net::CurlTransport>(long_poll),
                               std::make_shared<net::CurlTransport>(answers));
    const RawOptions base = base_flags();
    const auto margin = deadline_margin();
    const auto checked = validate(base);
    const UsageError* problem = std::get_if<UsageError>(&margin);
    if (problem == nullptr) problem = std::get_if<UsageError>(&checked);
    try {
        if (problem != nullptr) {
            print_error(problem->message);
            runtime.init_error(kInitError, problem->message);
            return kExitFailed;
        }
        install_stop_handlers();
        while (stop_signal() == 0) {
            const lambda::Invocation invocation = runtime.next();
            serve(runtime, invocation, base, std::get<std::chrono::milliseconds>(margin));
        }
    } catch (const lambda::RuntimeApiError& error) {
        print_error(error.what());
        return kExitFailed;
    }
    return kExitSignalBase + stop_signal();
}

}  // namespace cli
