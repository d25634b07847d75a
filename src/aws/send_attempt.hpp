// One attempt of a request to a service that answers errors in the
// <ErrorResponse> shape (error_response.hpp): STS, CloudFront. Whatever goes
// wrong becomes a classified ServiceError, so the one retry loop
// (retry_loop.hpp) decides alike for every such service whether to try again.
#pragma once

#include <string>

#include "aws/error.hpp"
#include "net/http.hpp"

namespace aws {

// What an error answer's headers tell the retry loop: Retry-After and the
// server's Date (clock_skew.hpp). For every client that builds a ServiceError
// from a response, S3's own included.
void read_retry_hints(ServiceError& error, const net::HttpResponse& response);

// Sends `request`, already signed (or unsigned, as the call allows), once.
// Returns a 2xx answer. Throws ServiceError(service, ...) for a transport
// failure (kTransport, HTTP status 0) or any other status, classified by
// classify(code, status, service_codes) and carrying the server's Retry-After;
// `label` becomes ServiceError::request.
net::HttpResponse send_attempt(net::HttpTransport& transport, const net::HttpRequest& request,
                               const std::string& service, CodeTable service_codes,
                               const std::string& label);

}  // namespace aws
