// Transports for concurrent workers: each request borrows one, and gives it
// back, keeping its open connection for the next request (keep-alive).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "net/transport_options.hpp"

namespace net {

class TransportPool {
public:
    TransportPool(TransportFactory factory, TransportOptions options);

    class Lease {
    public:
        Lease(TransportPool& pool, std::shared_ptr<HttpTransport> transport)
            : pool_(&pool), transport_(std::move(transport)) {}
        ~Lease() {
            if (transport_) pool_->give_back(std::move(transport_));
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease(Lease&& other) noexcept
            : pool_(other.pool_), transport_(std::move(other.transport_)) {}
        Lease& operator=(Lease&&) = delete;
        HttpTransport& operator*() const { return *transport_; }
        HttpTransport* operator->() const { return transport_.get(); }

    private:
        TransportPool* pool_;
        std::shared_ptr<HttpTransport> transport_;
    };

    // An idle transport, or a new one from the factory.
    Lease acquire();
    std::size_t created() const;

private:
    void give_back(std::shared_ptr<HttpTransport> transport);

    TransportFactory factory_;
    TransportOptions options_;
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<HttpTransport>> idle_;
    std::size_t created_ = 0;
};

}  // namespace net
