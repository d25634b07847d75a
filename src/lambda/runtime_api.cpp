#include "lambda/runtime_api.hpp"

#include <charconv>
#include <nlohmann/json.hpp>
#include <utility>

namespace lambda {

namespace {

constexpr long kAccepted = 202;  // what Lambda answers a response or an error with
constexpr long kOk = 200;

std::string describe(const net::HttpRequest& request, const net::HttpResponse& response) {
    return "the Lambda Runtime API answered " + request.method + " " + request.path +
           " with HTTP " + std::to_string(response.status);
}

net::HttpRequest request_to(const std::string& host_port, std::string method,
                            const std::string& path) {
    net::HttpRequest request;
    request.method = std::move(method);
    request.scheme = "http";
    request.host = host_port;
    request.path = kApiVersion + path;
    return request;
}

net::HttpResponse send(net::HttpTransport& transport, const net::HttpRequest& request) {
    try {
        return transport.send(request);
    } catch (const net::TransportFailure& failure) {
        throw RuntimeApiError("the Lambda Runtime API (" + request.host +
                              ") could not be reached: " + failure.message);
    }
}

std::optional<std::chrono::system_clock::time_point> deadline_of(const std::string& text) {
    long long ms = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || ms <= 0) {
        return std::nullopt;
    }
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

std::string error_document(const std::string& type, const std::string& message) {
    const nlohmann::json document{{"errorType", type}, {"errorMessage", message}};
    // Keys may carry any byte; the document must stay valid UTF-8.
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RuntimeApi::RuntimeApi(std::string host_port, std::shared_ptr<net::HttpTransport> long_poll,
                       std::shared_ptr<net::HttpTransport> answers)
    : host_port_(std::move(host_port)),
      long_poll_(std::move(long_poll)),
      answers_(std::move(answers)) {}

Invocation RuntimeApi::next() {
    const auto request = request_to(host_port_, "GET", "/runtime/invocation/next");
    const net::HttpResponse response = send(*long_poll_, request);
    if (response.status != kOk) throw RuntimeApiError(describe(request, response));
    Invocation invocation;
    invocation.request_id = response.header("lambda-runtime-aws-request-id");
    if (invocation.request_id.empty()) {
        throw RuntimeApiError(
            "the Lambda Runtime API sent an invocation without "
            "Lambda-Runtime-Aws-Request-Id");
    }
    invocation.deadline = deadline_of(response.header("lambda-runtime-deadline-ms"));
    invocation.trace_id = response.header("lambda-runtime-trace-id");
    invocation.event = response.body;
    return invocation;
}

void RuntimeApi::post(const std::string& path, const std::string& body,
                      const std::string& error_type) {
    auto request = request_to(host_port_, "POST", path);
    request.headers.emplace_back("content-type", "application/json");
    if (!error_type.empty()) {
        request.headers.emplace_back("lambda-runtime-function-error-type", error_type);
    }
    request.body = body;
    const net::HttpResponse response = send(*answers_, request);
    if (response.status != kAccepted && response.status != kOk) {
        throw RuntimeApiError(describe(request, response));
    }
}

void RuntimeApi::respond(const std::string& request_id, const std::string& document) {
    post("/runtime/invocation/" + request_id + "/response", document, {});
}

void RuntimeApi::fail(const std::string& request_id, const std::string& type,
                      const std::string& message) {
    post("/runtime/invocation/" + request_id + "/error", error_document(type, message), type);
}

void RuntimeApi::init_error(const std::string& type, const std::string& message) {
    post("/runtime/init/error", error_document(type, message), type);
}

}  // namespace lambda
