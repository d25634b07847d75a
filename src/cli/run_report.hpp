// What one run tells: the plan, what was done, its warnings and how it ended.
// With --output json every exit prints exactly one document built here, so a
// script always has something to parse, failures included.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "aws/error.hpp"
#include "retention/plan.hpp"

namespace cli {

// The version of the JSON document's shape (README, "JSON output"). Raised
// only when a field changes meaning or goes away; new fields do not raise it.
inline constexpr int kJsonFormat = 1;

// error.code values of our own (S3's codes, such as NoSuchBucket, pass through).
namespace error_code {
inline constexpr const char* kUsage = "UsageError";
inline constexpr const char* kNoCredentials = "NoCredentials";
inline constexpr const char* kCredentials = "CredentialsError";
inline constexpr const char* kStopped = "Stopped";
inline constexpr const char* kDeadline = "DeadlineReached";  // a Lambda invocation's
inline constexpr const char* kDeclined = "Declined";
inline constexpr const char* kConfirmationRequired = "ConfirmationRequired";
inline constexpr const char* kPlanSafety = "PlanSafety";
// --expire-with-lifecycle: the configuration cannot be carried faithfully, or
// came back other than written.
inline constexpr const char* kLifecycle = "LifecycleRefused";
inline constexpr const char* kObjectsNotDeleted = "ObjectsNotDeleted";
inline constexpr const char* kAuditLog = "AuditLogFailed";
inline constexpr const char* kTargetsFailed = "TargetsFailed";  // some targets of many
}  // namespace error_code

struct RunError {
    std::string code;
    std::string message;
    int exit = 1;
};

struct RunReport {
    std::string bucket;
    std::string root;
    bool dry_run = false;
    const retention::Plan* plan = nullptr;         // once planning is done
    std::optional<nlohmann::ordered_json> result;  // once deletion has run
    std::vector<std::string> warnings;
    std::optional<RunError> error;
};

// The document: the plan's fields (or, before a plan, bucket and root), then
// "warnings", "result" when deletion ran, and "error" when the run failed.
nlohmann::ordered_json report_to_json(const RunReport& report);

// Prints a document on stdout; bytes that are not UTF-8 (keys can hold any)
// are replaced, never a reason to fail.
void print_json(const nlohmann::ordered_json& document);

// error.code for a ServiceError: the service's own code, else what kind of
// failure it was (NetworkError, BadResponse, HTTP503, ...).
std::string error_code_of(const aws::ServiceError& error);

// A document for a usage error found while reading the command line, before
// any URL was understood.
nlohmann::ordered_json usage_error_json(const std::string& message);

}  // namespace cli
