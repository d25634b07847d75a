#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/http.hpp"

namespace net {

struct TransportOptions {
    long connect_timeout_ms = 10'000;
    // A transfer that moves fewer than one byte a second for this long is
    // abandoned, so a stalled server cannot hang a run. 0 for none: the Lambda
    // runtime's long poll for the next invocation waits as long as Lambda makes it.
    long stall_timeout_seconds = 60;
    // A bound on the whole exchange; 0 for none. For services that answer at
    // once or not at all (instance metadata).
    long total_timeout_ms = 0;
    // A file of PEM certificates to trust instead of the system's (--ca-bundle,
    // AWS_CA_BUNDLE, a profile's ca_bundle); empty for the system's.
    std::string ca_bundle{};
    // --no-verify-ssl: certificates and host names are not checked.
    bool verify_tls = true;
    // False for the instance metadata service and container credential
    // endpoints, which are local to the machine and never go through a proxy.
    bool use_proxy = true;
};

// Makes transports: the credential sources each get their own, with their own
// timeouts. Tests hand in fakes.
using TransportFactory = std::function<std::shared_ptr<HttpTransport>(const TransportOptions&)>;

}  // namespace net
