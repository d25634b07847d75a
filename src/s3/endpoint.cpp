#include "s3/endpoint.hpp"

#include <stdexcept>

#include "aws/http_url.hpp"

namespace s3 {

namespace {

bool virtual_host_compatible(const std::string& bucket) {
    return bucket.find('.') == std::string::npos;
}

}  // namespace

bool is_ip_literal(const std::string& host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return true;
    // All digits and dots: no DNS name has an all-numeric top-level label, and
    // curl takes shorthand forms such as 127.1 as IPv4 too.
    return !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos;
}

std::string virtual_host_problem(const std::string& endpoint_url) {
    const auto url = aws::parse_http_url(endpoint_url);
    if (!url || !is_ip_literal(aws::host_without_port(url->host))) return "";
    return "--addressing-style virtual needs a host name in --endpoint-url; '" + endpoint_url +
           "' is an IP address (use --addressing-style path)";
}

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
        auto url = aws::parse_http_url(endpoint_url);
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
        if (style == AddressingStyle::kVirtual) {
            if (auto problem = virtual_host_problem(endpoint_url); !problem.empty()) {
                throw std::invalid_argument(problem);
            }
        }
        endpoint.path_style = style != AddressingStyle::kVirtual;
    }
    endpoint.host = endpoint.path_style ? service_host : bucket + "." + service_host;
    return endpoint;
}

}  // namespace s3
