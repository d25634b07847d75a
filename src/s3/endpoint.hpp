// Where requests for a bucket go, and how the bucket is addressed.
#pragma once

#include <string>

namespace s3 {

// S3's service id: what requests are signed for, AWS_ENDPOINT_URL_S3, and the
// service of its errors (aws::ServiceError::service).
inline constexpr const char* kServiceId = "s3";

enum class AddressingStyle { kAuto, kPath, kVirtual };

struct Endpoint {
    std::string scheme = "https";
    std::string host;         // host[:port]
    std::string base_path;    // path of a custom endpoint, without trailing '/'
    bool path_style = false;  // bucket in the path rather than the host
};

// An empty endpoint_url means AWS itself. auto: virtual-hosted on AWS; path
// style for custom endpoints (MinIO, Ceph, moto rarely have wildcard DNS) and
// for bucket names with dots (the *.s3 TLS certificate does not cover them).
// Throws std::invalid_argument for an endpoint URL that is not http(s), and
// for virtual style on an endpoint addressed by IP (see virtual_host_problem).
Endpoint resolve_endpoint(const std::string& endpoint_url, const std::string& region,
                          const std::string& bucket,
                          AddressingStyle style = AddressingStyle::kAuto);

// Virtual-hosted style puts the bucket in front of the host name
// (BUCKET.minio.local): an IP address has no such name, so curl would send the
// request to a host that does not exist. Empty when endpoint_url (http(s),
// custom) can take virtual style, else the message saying how to fix it.
std::string virtual_host_problem(const std::string& endpoint_url);

// "127.0.0.1", "[::1]" (a host as in a URL, without the port): an IP literal.
bool is_ip_literal(const std::string& host);

}  // namespace s3
