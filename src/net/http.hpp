// The one seam between the S3 client and the network: a request goes in, a
// response comes out. Tests replace it with fakes; only curl_transport.cpp
// talks to a real socket.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace net {

struct HttpRequest {
    std::string method;  // "GET", "POST", "DELETE", ...
    std::string scheme;  // "https" or "http"
    std::string host;    // host[:port], as it goes in the Host header
    std::string path;    // already percent-encoded, starts with '/'
    std::string query;   // already encoded, no leading '?', may be empty
    std::vector<std::pair<std::string, std::string>> headers;  // sent as given
    std::string body;
    int attempt = 1;  // for the --debug line only

    [[nodiscard]] std::string url() const {
        return scheme + "://" + host + path + (query.empty() ? "" : "?" + query);
    }
};

struct HttpResponse {
    long status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    [[nodiscard]] std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

// Thrown by a transport when no HTTP response arrived at all (refused,
// reset, timeout, TLS failure). An HTTP error status is not an exception.
struct TransportFailure {
    std::string message;
    // The server's certificate could not be verified: trying again cannot
    // help, the configuration must change.
    bool untrusted_certificate = false;
};

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Throws TransportFailure when there is no response.
    virtual HttpResponse send(const HttpRequest& request) = 0;
};

}  // namespace net
