// The shared fake transport of the unit tests (as aws-sdk-cpp's
// MockHttpClient): answers queued in order, every request recorded. A queued
// TransportFailure is thrown instead of answered. A test whose answers depend
// on the request sets `handler` instead: it is asked when no answer is queued
// (under the fake's lock, so a handler may keep state without one of its own).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "net/http.hpp"

namespace nettest {

class FakeTransport : public net::HttpTransport {
public:
    void answer(long status, std::string body, std::map<std::string, std::string> headers = {}) {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(net::HttpResponse{status, std::move(headers), std::move(body)});
    }
    void fail(std::string message, bool untrusted_certificate = false) {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(net::TransportFailure{std::move(message), untrusted_certificate});
    }
    // Drops the answers not given yet, so that a test can go on with a new
    // script once the code under test stopped short of the old one.
    void clear_answers() {
        std::lock_guard lock(mutex_);
        queue_.clear();
    }

    net::HttpResponse send(const net::HttpRequest& request) override {
        std::lock_guard lock(mutex_);
        sent.push_back(request);
        if (queue_.empty()) {
            if (handler) return handler(request);
            return {500, {}, "no answer queued"};
        }
        auto next = std::move(queue_.front());
        queue_.pop_front();
        if (auto* failure = std::get_if<net::TransportFailure>(&next)) throw *failure;
        return std::get<net::HttpResponse>(std::move(next));
    }

    // Requests as sent, in order. Read it when no request is in flight.
    std::vector<net::HttpRequest> sent;
    std::function<net::HttpResponse(const net::HttpRequest&)> handler;

private:
    std::mutex mutex_;
    std::deque<std::variant<net::HttpResponse, net::TransportFailure>> queue_;
};

}  // namespace nettest
