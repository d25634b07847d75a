#include "metrics/pushgateway.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "aws/crypto.hpp"

namespace metrics {

namespace {

constexpr const char* kContentType = "text/plain; version=0.0.4";
// The part of an answer's body an error message quotes.
constexpr std::size_t kQuotedBody = 200;

bool url_safe(const std::string& value) {
    return !value.empty() && std::all_of(value.begin(), value.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
    });
}

// RFC 4648 section 5: base64 with '-' and '_' for '+' and '/'.
std::string base64url(const std::string& value) {
    std::string out = aws::crypto::base64(value);
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out.empty() ? "=" : out;
}

std::string path_part(const std::string& name, const std::string& value) {
    if (url_safe(value)) return "/" + name + "/" + value;
    return "/" + name + "@base64/" + base64url(value);
}

std::string first_line(const std::string& body) {
    std::string line = body.substr(0, std::min(body.find('\n'), kQuotedBody));
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) {
        line.pop_back();
    }
    return line;
}

}  // namespace

std::string group_path(const std::string& job, const std::vector<Label>& grouping) {
    std::string path = "/metrics" + path_part("job", job);
    for (const Label& label : grouping) path += path_part(label.name, label.value);
    return path;
}

Pushgateway::Pushgateway(aws::HttpUrl base, std::shared_ptr<net::HttpTransport> transport)
    : base_(std::move(base)), transport_(std::move(transport)) {}

void Pushgateway::push(const std::string& job, const std::vector<Label>& grouping,
                       const std::string& text, PushMode mode) {
    net::HttpRequest request;
    request.method = mode == PushMode::kReplaceGroup ? "PUT" : "POST";
    request.scheme = base_.scheme;
    request.host = base_.host;
    std::string prefix = base_.path;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    request.path = prefix + group_path(job, grouping);
    request.headers.emplace_back("content-type", kContentType);
    request.body = text;
    net::HttpResponse response;
    try {
        response = transport_->send(request);
    } catch (const net::TransportFailure& failure) {
        throw PushError(failure.message);
    }
    constexpr long kFirstSuccess = 200;
    constexpr long kPastSuccess = 300;
    if (response.status < kFirstSuccess || response.status >= kPastSuccess) {
        const std::string said = first_line(response.body);
        throw PushError("HTTP " + std::to_string(response.status) + " from " + request.method +
                        " " + request.url() + (said.empty() ? "" : ": " + said));
    }
}

}  // namespace metrics
