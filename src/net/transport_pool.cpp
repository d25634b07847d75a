#include "net/transport_pool.hpp"

namespace net {

TransportPool::TransportPool(TransportFactory factory, TransportOptions options)
    : factory_(std::move(factory)), options_(std::move(options)) {}

TransportPool::Lease TransportPool::acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto transport = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(transport));
        }
        ++created_;
    }
    return Lease(*this, factory_(options_));
}

std::size_t TransportPool::created() const {
    std::lock_guard lock(mutex_);
    return created_;
}

void TransportPool::give_back(std::shared_ptr<HttpTransport> transport) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(transport));
}

}  // namespace net
