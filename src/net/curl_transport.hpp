#pragma once

#include <memory>

#include "net/http.hpp"
#include "net/transport_options.hpp"

namespace net {

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
