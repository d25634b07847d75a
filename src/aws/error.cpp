#include "aws/error.hpp"

#include <array>

namespace aws {

namespace {

// Codes any AWS service may answer: throttling, the signature and its clock,
// passing server trouble. A service's own codes live with its client.
constexpr std::array kCoreCodes{
    CodeClass{"AccessDenied", ErrorKind::kAccessDenied},
    CodeClass{"SignatureDoesNotMatch", ErrorKind::kAuth},
    CodeClass{"ExpiredToken", ErrorKind::kAuth},
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

std::optional<ErrorKind> lookup(CodeTable table, std::string_view code) {
    for (const auto& entry : table) {
        if (entry.code == code) return entry.kind;
    }
    return std::nullopt;
}

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
        case ErrorKind::kUntrustedCertificate:
            return "untrusted certificate";
        case ErrorKind::kBadResponse:
            return "bad response";
        case ErrorKind::kCancelled:
            return "cancelled";
        case ErrorKind::kOther:
            return "error";
    }
    return "error";
}

ErrorKind transport_kind(bool untrusted_certificate) {
    return untrusted_certificate ? ErrorKind::kUntrustedCertificate : ErrorKind::kTransport;
}

ErrorKind classify(std::string_view code, long http_status, CodeTable service_codes) {
    if (auto kind = lookup(service_codes, code)) return *kind;
    if (auto kind = lookup(kCoreCodes, code)) return *kind;
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

ServiceError::ServiceError(std::string service_, ErrorKind kind_, long http_status_,
                           std::string code_, std::string message_, std::string request_id_,
                           std::string request_)
    : ServiceError(std::move(service_), kind_, http_status_, std::move(code_), std::move(message_),
                   std::move(request_id_), std::move(request_), false) {}

ServiceError::ServiceError(std::string service_, ErrorKind kind_, long http_status_,
                           std::string code_, std::string message_, std::string request_id_,
                           std::string request_, bool status_told)
    : std::runtime_error(
          describe(http_status_, code_, message_, request_id_, request_, status_told)),
      service(std::move(service_)),
      kind(kind_),
      http_status(http_status_),
      code(std::move(code_)),
      message(std::move(message_)),
      request_id(std::move(request_id_)),
      request(std::move(request_)) {}

ServiceError ServiceError::status_in_message(std::string service, ErrorKind kind, long http_status,
                                             std::string message, std::string request_id,
                                             std::string request) {
    return ServiceError(std::move(service), kind, http_status, "", std::move(message),
                        std::move(request_id), std::move(request), true);
}

std::string ServiceError::describe(long http_status, const std::string& code,
                                   const std::string& message, const std::string& request_id,
                                   const std::string& request, bool status_told) {
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

}  // namespace aws
