#include "s3/endpoint.hpp"

#include <stdexcept>

#include "s3/http_url.hpp"

namespace s3 {

namespace {

bool virtual_host_compatible(const std::string& bucket) {
    return bucket.find('.') == std::string::npos;
}

}  // namespace

Endpoint resolve_endpoint(const std::string& endpoint_url, const std::string& region,
                          const std::string& bucket, AddressingStyle style) {
    Endpoint endpoint;
    std::string service_host;
    if (endpoint_url.empty()) {
        endpoint.scheme = "https";
        service_host = "s3." + region + ".amazonaws.com";
        endpoint.path_style = style == AddressingStyle::kPath ||
                              (style == AddressingStyle::kAuto && !virtual_host_compatible(bucket));
    } else {
        auto url = parse_http_url(endpoint_url);
        if (!url || !url->query.empty()) {
            throw std::invalid_argument("endpoint URL '" + endpoint_url +
                                        "' must be http:// or https:// with a host");
        }
        endpoint.scheme = url->scheme;
        service_host = url->host;
        endpoint.base_path = url->path;
        while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
            endpoint.base_path.pop_back();
        }
        endpoint.path_style = style != AddressingStyle::kVirtual;
    }
    endpoint.host = endpoint.path_style ? service_host : bucket + "." + service_host;
    return endpoint;
}

}  // namespace s3
