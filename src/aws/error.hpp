// The one error type of every service client. Every failure -- a service's
// error answer, an HTTP status without a body, a transport failure, a response
// we could not parse -- becomes a ServiceError, classified once by classify():
// the service's own code table, then the core table every AWS service shares,
// then the HTTP status (as aws-sdk-cpp's CoreErrors and per-service errors).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace aws {

enum class ErrorKind {
    kNotFound,              // NoSuchBucket, NoSuchKey
    kAccessDenied,          // AccessDenied, AllAccessDisabled
    kAuth,                  // bad keys, signatures, tokens
    kInvalid,               // the request itself was wrong
    kThrottled,             // SlowDown and friends: retry, slower
    kServer,                // 5xx, InternalError: retry
    kTransport,             // no response at all: retry
    kUntrustedCertificate,  // the server's TLS certificate failed verification: never retried
    kBadResponse,           // a response we could not understand: retry
    kCancelled,             // a stop was requested (SIGINT, SIGTERM) before it could finish
    kOther,
};

const char* to_string(ErrorKind kind);
bool is_retryable(ErrorKind kind);

// One error code of a service and what it means.
struct CodeClass {
    std::string_view code;
    ErrorKind kind;
};
// A service's own codes (s3/errors.cpp has S3's): looked up before the core table.
using CodeTable = std::span<const CodeClass>;

// The kind of a transport failure (no HTTP response).
ErrorKind transport_kind(bool untrusted_certificate);

// Classification of an error code and HTTP status. Codes are case-sensitive;
// an unknown or empty code falls back on the status.
ErrorKind classify(std::string_view code, long http_status, CodeTable service_codes = {});

struct ServiceError : std::runtime_error {
    ServiceError(std::string service, ErrorKind kind, long http_status, std::string code,
                 std::string message, std::string request_id, std::string request);

    // For a message that names the HTTP status already (and has no error
    // code): what() does not repeat the status.
    static ServiceError status_in_message(std::string service, ErrorKind kind, long http_status,
                                          std::string message, std::string request_id,
                                          std::string request);

    std::string service;  // the service id, as in AWS_ENDPOINT_URL_<SERVICE>: "s3", "sts", ...
    ErrorKind kind;
    long http_status;     // 0 when no response arrived
    std::string code;     // the service's error code, e.g. NoSuchBucket; empty when none
    std::string message;  // the service's message or the transport's
    std::string request_id;
    std::string request;  // "GET s3://bucket/?list-type=2..." for the report
    // The server's Retry-After, when it sent one.
    std::optional<std::chrono::milliseconds> retry_after;
    // The server's Date header, when it sent a readable one (clock_skew.hpp).
    std::optional<std::chrono::sys_time<std::chrono::milliseconds>> server_time;

private:
    // status_told: the message says the HTTP status already, so what() does not repeat it.
    ServiceError(std::string service, ErrorKind kind, long http_status, std::string code,
                 std::string message, std::string request_id, std::string request,
                 bool status_told);
    static std::string describe(long http_status, const std::string& code,
                                const std::string& message, const std::string& request_id,
                                const std::string& request, bool status_told);
};

}  // namespace aws
