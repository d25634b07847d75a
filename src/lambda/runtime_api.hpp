// The AWS Lambda Runtime API (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
// how a custom runtime asks Lambda for the next event and hands back its
// answer, over plain HTTP to the address in AWS_LAMBDA_RUNTIME_API.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "net/http.hpp"

namespace lambda {

// The path prefix of every Runtime API request (the API's version).
inline constexpr const char* kApiVersion = "/2018-06-01";

// Lambda could not be reached, or refused what was sent: the runtime cannot go on.
struct RuntimeApiError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Invocation {
    std::string request_id;  // Lambda-Runtime-Aws-Request-Id
    // Lambda-Runtime-Deadline-Ms: when Lambda stops the function; nullopt
    // when the header is missing or not a number.
    std::optional<std::chrono::system_clock::time_point> deadline;
    std::string trace_id;  // Lambda-Runtime-Trace-Id; empty when not sent
    std::string event;     // the body, as sent
};

class RuntimeApi {
public:
    // host_port: AWS_LAMBDA_RUNTIME_API. The transport for the next invocation
    // must not time out: Lambda holds that request until there is an event
    // (or freezes the process between events).
    RuntimeApi(std::string host_port, std::shared_ptr<net::HttpTransport> long_poll,
               std::shared_ptr<net::HttpTransport> answers);

    // GET /runtime/invocation/next. Throws RuntimeApiError.
    Invocation next();
    // POST /runtime/invocation/ID/response with a JSON document.
    void respond(const std::string& request_id, const std::string& document);
    // POST /runtime/invocation/ID/error: this invocation failed.
    void fail(const std::string& request_id, const std::string& type, const std::string& message);
    // POST /runtime/init/error: the runtime cannot start.
    void init_error(const std::string& type, const std::string& message);

private:
    void post(const std::string& path, const std::string& body, const std::string& error_type);

    std::string host_port_;
    std::shared_ptr<net::HttpTransport> long_poll_;
    std::shared_ptr<net::HttpTransport> answers_;
};

// {"errorType": TYPE, "errorMessage": MESSAGE}: the error document Lambda expects.
std::string error_document(const std::string& type, const std::string& message);

}  // namespace lambda
