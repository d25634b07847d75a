#include "s3/client.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "s3/crypto.hpp"

namespace s3 {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// Virtual-hosted names must be valid DNS labels; a dotted name would also break
// the *.s3 TLS certificate, so such buckets go path style.
bool virtual_host_compatible(const std::string& bucket) {
    return bucket.find('.') == std::string::npos && bucket == lower(bucket);
}

std::string request_label(const std::string& method, const std::string& bucket,
                          const std::string& key, const std::string& query) {
    std::string label = method + " s3://" + bucket + "/" + key;
    if (!query.empty()) label += "?" + query;
    return label;
}

}  // namespace

std::string amz_date(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

Endpoint resolve_endpoint(const std::string& endpoint_url, const std::string& region,
                          const std::string& bucket) {
    Endpoint endpoint;
    if (endpoint_url.empty()) {
        endpoint.scheme = "https";
        endpoint.path_style = !virtual_host_compatible(bucket);
        std::string service_host = "s3." + region + ".amazonaws.com";
        endpoint.host = endpoint.path_style ? service_host : bucket + "." + service_host;
        return endpoint;
    }
    auto scheme_end = endpoint_url.find("://");
    if (scheme_end == std::string::npos) {
        throw std::invalid_argument("endpoint URL '" + endpoint_url +
                                    "' has no scheme (expected http:// or https://)");
    }
    endpoint.scheme = lower(endpoint_url.substr(0, scheme_end));
    if (endpoint.scheme != "http" && endpoint.scheme != "https") {
        throw std::invalid_argument("endpoint URL '" + endpoint_url +
                                    "' must start with http:// or https://");
    }
    std::string rest = endpoint_url.substr(scheme_end + 3);
    auto slash = rest.find('/');
    endpoint.host = rest.substr(0, slash);
    if (endpoint.host.empty()) {
        throw std::invalid_argument("endpoint URL '" + endpoint_url + "' has no host");
    }
    if (slash != std::string::npos) {
        endpoint.base_path = rest.substr(slash);
        while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
            endpoint.base_path.pop_back();
        }
    }
    // Custom endpoints (MinIO, Ceph, moto, ...) rarely have wildcard DNS.
    endpoint.path_style = true;
    return endpoint;
}

Client::Client(ClientConfig config, std::shared_ptr<net::HttpTransport> transport, Clock clock)
    : config_(std::move(config)), transport_(std::move(transport)), clock_(std::move(clock)) {}

net::HttpResponse Client::execute(const std::string& method, const std::string& key,
                                  const std::vector<std::pair<std::string, std::string>>& query,
                                  std::string body,
                                  std::vector<std::pair<std::string, std::string>> extra_headers) {
    const Endpoint& ep = config_.endpoint;
    std::string path = ep.base_path + "/";
    if (ep.path_style) path += sigv4::uri_encode(config_.bucket, true) + "/";
    path += sigv4::uri_encode(key, false);

    std::string query_string;
    for (const auto& [name, value] : query) {
        if (!query_string.empty()) query_string += '&';
        query_string += sigv4::uri_encode(name, true);
        query_string += '=';
        query_string += sigv4::uri_encode(value, true);
    }

    sigv4::Request to_sign;
    to_sign.method = method;
    to_sign.path = path;
    to_sign.query = query_string;
    to_sign.headers.emplace_back("host", ep.host);
    for (auto& header : extra_headers) to_sign.headers.push_back(std::move(header));
    to_sign.payload_hash = crypto::sha256_hex(body);
    sigv4::sign(to_sign, config_.credentials, config_.region, "s3", amz_date(clock_()), true);

    net::HttpRequest request;
    request.method = method;
    request.scheme = ep.scheme;
    request.host = ep.host;
    request.path = path;
    request.query = query_string;
    for (auto& header : to_sign.headers) {
        if (header.first != "host") request.headers.push_back(std::move(header));
    }
    request.body = std::move(body);

    const std::string label = request_label(method, config_.bucket, key, query_string);
    net::HttpResponse response;
    try {
        response = transport_->send(request);
    } catch (const net::TransportFailure& failure) {
        throw S3Error(ErrorKind::kTransport, 0, "", failure.message, "", label);
    }
    if (response.status >= 200 && response.status < 300) return response;

    std::string code;
    std::string message;
    std::string request_id = response.header("x-amz-request-id");
    if (auto doc = parse_error(response.body)) {
        code = doc->code;
        message = doc->message;
        if (!doc->request_id.empty()) request_id = doc->request_id;
    } else {
        message = "HTTP " + std::to_string(response.status) + " without an S3 error document";
    }
    throw S3Error(classify(code, response.status), response.status, code, message, request_id,
                  label);
}

ListPage Client::list_objects_v2(const std::string& prefix, const std::string& delimiter,
                                 const std::string& continuation_token, int max_keys) {
    std::vector<std::pair<std::string, std::string>> query{{"list-type", "2"},
                                                           {"encoding-type", "url"}};
    if (!prefix.empty()) query.emplace_back("prefix", prefix);
    if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
    if (!continuation_token.empty()) query.emplace_back("continuation-token", continuation_token);
    query.emplace_back("max-keys", std::to_string(max_keys));
    ++counts_.list;
    auto response = execute("GET", "", query, "", {});
    try {
        return parse_list_objects_v2(response.body);
    } catch (const XmlParseError& error) {
        throw S3Error(ErrorKind::kBadResponse, response.status, "", error.message,
                      response.header("x-amz-request-id"),
                      request_label("GET", config_.bucket, "", "list-type=2&prefix=" + prefix));
    }
}

DeleteResult Client::delete_objects(const std::vector<std::string>& keys) {
    std::string body = render_delete_objects(keys, true);
    // Content-MD5 rather than the newer CRC32 checksum headers: every
    // S3-compatible store accepts it, and S3 requires one of them here.
    std::vector<std::pair<std::string, std::string>> headers{
        {"content-md5", crypto::md5_base64(body)},
        {"content-type", "application/xml"},
    };
    ++counts_.del;
    auto response = execute("POST", "", {{"delete", ""}}, std::move(body), std::move(headers));
    try {
        return parse_delete_result(response.body);
    } catch (const XmlParseError& error) {
        throw S3Error(ErrorKind::kBadResponse, response.status, "", error.message,
                      response.header("x-amz-request-id"),
                      request_label("POST", config_.bucket, "", "delete"));
    }
}

void Client::delete_object(const std::string& key) {
    ++counts_.del;
    execute("DELETE", key, {}, "", {});
}

}  // namespace s3
