// The one error type of the S3 layer. Every failure -- an S3 error answer,
// an HTTP status without a body, a transport failure, a response we could
// not parse -- becomes an S3Error, classified once by classify().
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace s3 {

enum class ErrorKind {
    kNotFound,      // NoSuchBucket, NoSuchKey
    kAccessDenied,  // AccessDenied, AllAccessDisabled
    kAuth,          // bad keys, signatures, tokens
    kInvalid,       // the request itself was wrong
    kThrottled,     // SlowDown and friends: retry, slower
    kServer,        // 5xx, InternalError: retry
    kTransport,     // no response at all: retry
    kBadResponse,   // a response we could not understand: retry
    kCancelled,     // a stop was requested (SIGINT, SIGTERM) before it could finish
    kOther,
};

const char* to_string(ErrorKind kind);

// Classification of an S3 error code and HTTP status; the one table.
ErrorKind classify(const std::string& code, long http_status);
bool is_retryable(ErrorKind kind);

struct S3Error : std::runtime_error {
    S3Error(ErrorKind kind, long http_status, std::string code, std::string message,
            std::string request_id, std::string request);

    // An HTTP error status whose body is no S3 error document: often no S3
    // at all (a web server, a captive portal, a proxy's error page), so the
    // message says what answered and asks whether the endpoint is S3.
    // content_type as the answer's header said; empty when it had none.
    static S3Error without_error_document(long http_status, const std::string& content_type,
                                          bool empty_body, const std::string& endpoint,
                                          std::string request_id, std::string request);

    ErrorKind kind;
    long http_status;     // 0 when no response arrived
    std::string code;     // S3 error code, e.g. NoSuchBucket; empty when none
    std::string message;  // S3's message or the transport's
    std::string request_id;
    std::string request;  // "GET s3://bucket/?list-type=2..." for the report
    // The server's Retry-After, when it sent one.
    std::optional<std::chrono::milliseconds> retry_after;

private:
    // status_told: the message says the HTTP status already, so what() does not repeat it.
    S3Error(ErrorKind kind, long http_status, std::string code, std::string message,
            std::string request_id, std::string request, bool status_told);
    static std::string describe(long http_status, const std::string& code,
                                const std::string& message, const std::string& request_id,
                                const std::string& request, bool status_told);
};

}  // namespace s3
