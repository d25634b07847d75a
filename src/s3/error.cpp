#include "s3/error.hpp"

#include <array>
#include <string_view>

namespace s3 {

namespace {

struct CodeClass {
    std::string_view code;
    ErrorKind kind;
};

// S3 error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
constexpr std::array kCodeTable{
    CodeClass{"NoSuchBucket", ErrorKind::kNotFound},
    CodeClass{"NoSuchKey", ErrorKind::kNotFound},
    CodeClass{"NoSuchVersion", ErrorKind::kNotFound},
    CodeClass{"AccessDenied", ErrorKind::kAccessDenied},
    CodeClass{"AllAccessDisabled", ErrorKind::kAccessDenied},
    CodeClass{"AccountProblem", ErrorKind::kAccessDenied},
    CodeClass{"InvalidAccessKeyId", ErrorKind::kAuth},
    CodeClass{"SignatureDoesNotMatch", ErrorKind::kAuth},
    CodeClass{"ExpiredToken", ErrorKind::kAuth},
    CodeClass{"InvalidToken", ErrorKind::kAuth},
    CodeClass{"TokenRefreshRequired", ErrorKind::kAuth},
    CodeClass{"AuthorizationHeaderMalformed", ErrorKind::kAuth},
    CodeClass{"MissingSecurityHeader", ErrorKind::kAuth},
    CodeClass{"InvalidBucketName", ErrorKind::kInvalid},
    CodeClass{"InvalidArgument", ErrorKind::kInvalid},
    CodeClass{"InvalidRequest", ErrorKind::kInvalid},
    CodeClass{"MalformedXML", ErrorKind::kInvalid},
    CodeClass{"InvalidDigest", ErrorKind::kInvalid},
    CodeClass{"BadDigest", ErrorKind::kInvalid},
    CodeClass{"PermanentRedirect", ErrorKind::kInvalid},
    CodeClass{"SlowDown", ErrorKind::kThrottled},
    CodeClass{"Throttling", ErrorKind::kThrottled},
    CodeClass{"ThrottlingException", ErrorKind::kThrottled},
    CodeClass{"RequestLimitExceeded", ErrorKind::kThrottled},
    CodeClass{"TooManyRequests", ErrorKind::kThrottled},
    CodeClass{"InternalError", ErrorKind::kServer},
    CodeClass{"ServiceUnavailable", ErrorKind::kServer},
    CodeClass{"RequestTimeout", ErrorKind::kServer},
    CodeClass{"RequestTimeTooSkewed", ErrorKind::kServer},
};

}  // namespace

const char* to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kNotFound:
            return "not found";
        case ErrorKind::kAccessDenied:
            return "access denied";
        case ErrorKind::kAuth:
            return "authentication failed";
        case ErrorKind::kInvalid:
            return "invalid request";
        case ErrorKind::kThrottled:
            return "throttled";
        case ErrorKind::kServer:
            return "server error";
        case ErrorKind::kTransport:
            return "network error";
        case ErrorKind::kBadResponse:
            return "bad response";
        case ErrorKind::kCancelled:
            return "cancelled";
        case ErrorKind::kOther:
            return "error";
    }
    return "error";
}

ErrorKind classify(const std::string& code, long http_status) {
    for (const auto& entry : kCodeTable) {
        if (entry.code == code) return entry.kind;
    }
    // No known code (HEAD answers, proxies, empty bodies): fall back on the status.
    if (http_status == 0) return ErrorKind::kTransport;
    if (http_status == 429 || http_status == 503) return ErrorKind::kThrottled;
    if (http_status >= 500) return ErrorKind::kServer;
    if (http_status == 401) return ErrorKind::kAuth;
    if (http_status == 403) return ErrorKind::kAccessDenied;
    if (http_status == 404) return ErrorKind::kNotFound;
    if (http_status >= 400) return ErrorKind::kInvalid;
    return ErrorKind::kOther;
}

bool is_retryable(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kThrottled:
        case ErrorKind::kServer:
        case ErrorKind::kTransport:
        case ErrorKind::kBadResponse:
            return true;
        default:
            return false;
    }
}

S3Error::S3Error(ErrorKind kind_, long http_status_, std::string code_, std::string message_,
                 std::string request_id_, std::string request_)
    : S3Error(kind_, http_status_, std::move(code_), std::move(message_), std::move(request_id_),
              std::move(request_), false) {}

S3Error::S3Error(ErrorKind kind_, long http_status_, std::string code_, std::string message_,
                 std::string request_id_, std::string request_, bool status_told)
    : std::runtime_error(
          describe(http_status_, code_, message_, request_id_, request_, status_told)),
      kind(kind_),
      http_status(http_status_),
      code(std::move(code_)),
      message(std::move(message_)),
      request_id(std::move(request_id_)),
      request(std::move(request_)) {}

S3Error S3Error::without_error_document(long http_status, const std::string& content_type,
                                        bool empty_body, const std::string& endpoint,
                                        std::string request_id, std::string request) {
    // The media type only: its parameters (charset=...) say nothing about who answered.
    std::string media_type = content_type.substr(0, content_type.find(';'));
    while (!media_type.empty() && media_type.back() == ' ') media_type.pop_back();
    std::string message =
        "the endpoint answered HTTP " + std::to_string(http_status) + " with no S3 error document";
    if (!media_type.empty()) {
        message += " (" + media_type + ")";
    } else if (empty_body) {
        message += " (empty body)";
    }
    // S3 sends an error document with every 4xx it answers; a 5xx without one
    // is more likely a load balancer in front of S3 having a bad moment.
    if (http_status < 500) message += ": is " + endpoint + " an S3 endpoint?";
    return S3Error(classify("", http_status), http_status, "", std::move(message),
                   std::move(request_id), std::move(request), true);
}

std::string S3Error::describe(long http_status, const std::string& code, const std::string& message,
                              const std::string& request_id, const std::string& request,
                              bool status_told) {
    std::string text;
    if (!code.empty()) text += code + ": ";
    text += message.empty() ? std::string("no message") : message;
    std::string facts;
    if (http_status == 0) {
        facts = "no response";
    } else if (!status_told) {
        facts = "HTTP " + std::to_string(http_status);
    }
    if (!request_id.empty()) facts += (facts.empty() ? "" : ", ") + ("request id " + request_id);
    if (!facts.empty()) text += " (" + facts + ")";
    if (!request.empty()) text += " [" + request + "]";
    return text;
}

}  // namespace s3
