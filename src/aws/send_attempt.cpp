#include "aws/send_attempt.hpp"

#include "aws/error_response.hpp"
#include "aws/retry_policy.hpp"
#include "aws/timestamp.hpp"

namespace aws {

namespace {

constexpr long kFirstSuccessStatus = 200;
constexpr long kFirstNonSuccessStatus = 300;

}  // namespace

void read_retry_hints(ServiceError& error, const net::HttpResponse& response) {
    error.retry_after = parse_retry_after(response.header("retry-after"));
    error.server_time = parse_http_date(response.header("date"));
}

net::HttpResponse send_attempt(net::HttpTransport& transport, const net::HttpRequest& request,
                               const std::string& service, CodeTable service_codes,
                               const std::string& label) {
    net::HttpResponse response;
    try {
        response = transport.send(request);
    } catch (const net::TransportFailure& failure) {
        throw ServiceError(service, transport_kind(failure.untrusted_certificate), 0, "",
                           failure.message, "", label);
    }
    if (response.status >= kFirstSuccessStatus && response.status < kFirstNonSuccessStatus) {
        return response;
    }
    const auto document = parse_error_response(response.body);
    const std::string code = document ? document->code : std::string();
    const ErrorKind kind = classify(code, response.status, service_codes);
    // A proxy's page or an empty body: the status is all there is to say, once.
    ServiceError error =
        document ? ServiceError(service, kind, response.status, code, document->message,
                                document->request_id, label)
                 : ServiceError::status_in_message(
                       service, kind, response.status,
                       "HTTP " + std::to_string(response.status) + " without an error document",
                       response.header("x-amz-request-id"), label);
    read_retry_hints(error, response);
    throw error;
}

}  // namespace aws
