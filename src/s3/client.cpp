#include "s3/client.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "s3/crypto.hpp"

namespace s3 {

namespace {

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

Client::Client(ClientConfig config, std::shared_ptr<net::HttpTransport> transport, Clock clock)
    : config_(std::move(config)), transport_(std::move(transport)), clock_(std::move(clock)) {
    target_ = {config_.region, resolve_endpoint(config_.endpoint_url, config_.region,
                                                config_.bucket, config_.addressing)};
}

Client::Target Client::target() const {
    std::lock_guard lock(target_mutex_);
    return target_;
}

std::string Client::region() const { return target().region; }

bool Client::follow_region(const net::HttpResponse& response, const std::string& signed_region) {
    // S3 names the bucket's region in a header, or in the error document of a
    // 301 PermanentRedirect or a 400 AuthorizationHeaderMalformed.
    std::string region = response.header("x-amz-bucket-region");
    if (region.empty()) {
        if (auto doc = parse_error(response.body)) region = doc->region;
    }
    if (region.empty() || region == signed_region) return false;
    {
        std::lock_guard lock(target_mutex_);
        if (target_.region == region) return true;  // another request moved us already
        if (redirected_) return false;              // once: never ping-pong
        redirected_ = true;
        target_ = {region, resolve_endpoint(config_.endpoint_url, region, config_.bucket,
                                            config_.addressing)};
    }
    on_notice("bucket " + config_.bucket + " is in region " + region + ", not " + signed_region +
              "; re-signing for " + region);
    return true;
}

net::HttpResponse Client::send_signed(
    const Target& target, const std::string& method, const std::string& key,
    const std::string& query_string, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
    const Endpoint& ep = target.endpoint;
    std::string path = ep.base_path + "/";
    if (ep.path_style) path += sigv4::uri_encode(config_.bucket, true) + "/";
    path += sigv4::uri_encode(key, false);

    sigv4::Request to_sign;
    to_sign.method = method;
    to_sign.path = path;
    to_sign.query = query_string;
    to_sign.headers.emplace_back("host", ep.host);
    for (const auto& header : headers) to_sign.headers.push_back(header);
    to_sign.payload_hash = crypto::sha256_hex(body);
    sigv4::Credentials credentials;
    try {
        credentials = config_.credentials->current();
    } catch (const CredentialsError& error) {
        throw S3Error(ErrorKind::kAuth, 0, "", "renewing credentials failed: " + error.message, "",
                      request_label(method, config_.bucket, key, query_string));
    }
    sigv4::sign(to_sign, credentials, target.region, "s3", amz_date(clock_()), true);

    net::HttpRequest request;
    request.method = method;
    request.scheme = ep.scheme;
    request.host = ep.host;
    request.path = path;
    request.query = query_string;
    for (auto& header : to_sign.headers) {
        if (header.first != "host") request.headers.push_back(std::move(header));
    }
    request.body = body;
    return transport_->send(request);
}

net::HttpResponse Client::execute(const std::string& method, const std::string& key,
                                  const std::vector<std::pair<std::string, std::string>>& query,
                                  std::string body,
                                  std::vector<std::pair<std::string, std::string>> extra_headers) {
    std::string query_string;
    for (const auto& [name, value] : query) {
        if (!query_string.empty()) query_string += '&';
        query_string += sigv4::uri_encode(name, true);
        query_string += '=';
        query_string += sigv4::uri_encode(value, true);
    }
    const std::string label = request_label(method, config_.bucket, key, query_string);

    net::HttpResponse response;
    for (;;) {
        const Target current = target();
        try {
            response = send_signed(current, method, key, query_string, body, extra_headers);
        } catch (const net::TransportFailure& failure) {
            throw S3Error(ErrorKind::kTransport, 0, "", failure.message, "", label);
        }
        if (response.status >= 200 && response.status < 300) return response;
        if (!follow_region(response, current.region)) break;
    }

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
