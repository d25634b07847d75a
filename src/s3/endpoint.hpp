// Where requests for a bucket go, and how the bucket is addressed.
#pragma once

#include <string>

namespace s3 {

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
// Throws std::invalid_argument for an endpoint URL that is not http(s).
Endpoint resolve_endpoint(const std::string& endpoint_url, const std::string& region,
                          const std::string& bucket,
                          AddressingStyle style = AddressingStyle::kAuto);

}  // namespace s3
