#pragma once

#include <memory>

#include "net/http.hpp"

namespace net {

struct TransportOptions {
    long connect_timeout_seconds = 10;
    // A transfer that moves fewer than one byte a second for this long is
    // abandoned, so a stalled server cannot hang a run.
    long stall_timeout_seconds = 60;
};

// One curl easy handle, kept for the life of the object so keep-alive
// connections are reused. Not thread-safe: one per worker.
class CurlTransport final : public HttpTransport {
public:
    explicit CurlTransport(TransportOptions options = {});
    ~CurlTransport() override;
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    HttpResponse send(const HttpRequest& request) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace net
