// --debug: one line per HTTP request, whatever sends it (S3, STS, metadata).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/http.hpp"

namespace net {

using DebugSink = std::function<void(const std::string& line)>;

// "GET 127.0.0.1:9000 /site/?list-type=2 -> 200 id=4F2A 12ms attempt 1".
// Never headers or bodies: that is where secrets travel.
std::string describe_exchange(const HttpRequest& request, const HttpResponse* response,
                              const std::string& failure, long milliseconds);

// Wraps a transport and reports every exchange to sink.
class DebugTransport final : public HttpTransport {
public:
    DebugTransport(std::shared_ptr<HttpTransport> inner, DebugSink sink);
    HttpResponse send(const HttpRequest& request) override;

private:
    std::shared_ptr<HttpTransport> inner_;
    DebugSink sink_;
};

}  // namespace net
