// A Prometheus Pushgateway (github.com/prometheus/pushgateway): metrics of a
// job that is not scraped itself, kept per group of labels until replaced.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aws/http_url.hpp"
#include "metrics/prometheus_text.hpp"
#include "net/http.hpp"

namespace metrics {

// The push did not succeed: no answer, or one that is not 2xx.
struct PushError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// How a push treats what the group already holds.
enum class PushMode {
    kReplaceGroup,    // PUT: the group holds exactly what was pushed
    kReplaceMetrics,  // POST: only the metrics pushed are replaced; the others stay
};

// The group's URL path below the gateway's: /metrics/job/JOB/NAME/VALUE/...
// A value that is empty or holds more than URL-safe characters is written
// base64url-encoded (NAME@base64/VALUE, "=" for empty), as the Pushgateway
// reads it; a '/' in a value (an S3 root) could not go as it is.
std::string group_path(const std::string& job, const std::vector<Label>& grouping);

class Pushgateway {
public:
    Pushgateway(aws::HttpUrl base, std::shared_ptr<net::HttpTransport> transport);

    // Pushes `text` (render()'s, without the grouping labels: the gateway adds
    // them) to the group. Throws PushError.
    void push(const std::string& job, const std::vector<Label>& grouping, const std::string& text,
              PushMode mode);

private:
    aws::HttpUrl base_;
    std::shared_ptr<net::HttpTransport> transport_;
};

}  // namespace metrics
