#include "net/debug_transport.hpp"

#include <chrono>

namespace net {

std::string describe_exchange(const HttpRequest& request, const HttpResponse* response,
                              const std::string& failure, long milliseconds) {
    std::string line = request.method + " " + request.host + " " + request.path;
    if (!request.query.empty()) line += "?" + request.query;
    line += " -> ";
    if (response != nullptr) {
        line += std::to_string(response->status);
        std::string id = response->header("x-amz-request-id");
        if (id.empty()) id = response->header("x-amzn-requestid");
        if (!id.empty()) line += " id=" + id;
    } else {
        line += "failed (" + failure + ")";
    }
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
    // positive, GCC bug 105329) on "literal" + std::string&& here.
    line += ' ';
    line += std::to_string(milliseconds);
    line += "ms attempt ";
    line += std::to_string(request.attempt);
    return line;
}

DebugTransport::DebugTransport(std::shared_ptr<HttpTransport> inner, DebugSink sink)
    : inner_(std::move(inner)), sink_(std::move(sink)) {}

HttpResponse DebugTransport::send(const HttpRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&started] {
        return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count());
    };
    try {
        HttpResponse response = inner_->send(request);
        sink_(describe_exchange(request, &response, "", elapsed()));
        return response;
    } catch (const TransportFailure& failure) {
        sink_(describe_exchange(request, nullptr, failure.message, elapsed()));
        throw;
    }
}

}  // namespace net
