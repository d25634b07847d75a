#include "s3/client.hpp"

#include <algorithm>
#include <ctime>
#include <random>
#include <stdexcept>
#include <thread>

#include "s3/crypto.hpp"

namespace s3 {

namespace {

std::string request_label(const std::string& method, const std::string& bucket,
                          const std::string& key, const std::string& query) {
    std::string label = method + " s3://" + bucket + "/" + key;
    if (!query.empty()) label += "?" + query;
    return label;
}

// The S3Error of a non-2xx answer, from its S3 error document when it has one.
S3Error error_of(const net::HttpResponse& response, const std::string& endpoint,
                 const std::string& label) {
    std::string request_id = response.header("x-amz-request-id");
    auto doc = parse_error(response.body);
    S3Error error = [&] {
        if (!doc) {
            return S3Error::without_error_document(response.status, response.header("content-type"),
                                                   response.body.empty(), endpoint, request_id,
                                                   label);
        }
        if (!doc->request_id.empty()) request_id = doc->request_id;
        return S3Error(classify(doc->code, response.status), response.status, doc->code,
                       doc->message, request_id, label);
    }();
    error.retry_after = parse_retry_after(response.header("retry-after"));
    return error;
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

RetryControl::RetryControl() {
    random01 = [] {
        thread_local std::mt19937_64 engine{std::random_device{}()};
        return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
    sleep = [](std::chrono::milliseconds delay, const std::function<bool()>& stop) {
        // In small steps, so Ctrl-C is answered within a tenth of a second.
        constexpr std::chrono::milliseconds kStep{100};
        const auto until = std::chrono::steady_clock::now() + delay;
        while (!stop()) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= until) return;
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(until - now, kStep));
        }
    };
}

Client::Client(ClientConfig config, net::TransportFactory transports, Clock clock)
    : config_(std::move(config)),
      transports_(std::move(transports), net::TransportOptions{}),
      clock_(std::move(clock)) {
    target_ = {config_.region, resolve_endpoint(config_.endpoint_url, config_.region,
                                                config_.bucket, config_.addressing)};
}

Client::Client(ClientConfig config, const std::shared_ptr<net::HttpTransport>& transport,
               Clock clock)
    : Client(
          std::move(config), [transport](const net::TransportOptions&) { return transport; },
          std::move(clock)) {}

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
    const Target& target, int attempt, const std::string& method, const std::string& key,
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
    request.attempt = attempt;
    auto transport = transports_.acquire();
    return transport->send(request);
}

void Client::wait(std::chrono::milliseconds delay) {
    if (delay.count() > 0) retry.sleep(delay, retry.stop_requested);
}

template <typename T>
T Client::with_retries(const std::function<T(int)>& op, const std::string& label) {
    for (int attempt = 1;; ++attempt) {
        wait(retry.throttle->reserve());
        if (retry.stop_requested()) {
            throw S3Error(ErrorKind::kCancelled, 0, "", "stopped before the request was sent", "",
                          label);
        }
        try {
            T result = op(attempt);
            retry.throttle->on_success();
            return result;
        } catch (const S3Error& error) {
            if (error.kind == ErrorKind::kThrottled) retry.throttle->on_throttled();
            if (!retry.policy.should_retry(error.kind, attempt)) throw;
            ++counts_.retries;
            wait(retry.policy.backoff(attempt + 1, retry.random01(), error.retry_after));
        }
    }
}

net::HttpResponse Client::attempt(int attempt, const std::string& method, const std::string& key,
                                  const std::string& query_string, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  const std::string& label) {
    net::HttpResponse response;
    for (;;) {
        const Target current = target();
        try {
            // Signed afresh each attempt: a new date, and renewed credentials.
            response = send_signed(current, attempt, method, key, query_string, body, headers);
        } catch (const net::TransportFailure& failure) {
            throw S3Error(ErrorKind::kTransport, 0, "", failure.message, "", label);
        }
        if (response.status >= 200 && response.status < 300) return response;
        if (!follow_region(response, current.region)) break;
    }

    // What the user pointed us at, rather than the host a bucket was prefixed to.
    const Endpoint& ep = target().endpoint;
    throw error_of(response,
                   config_.endpoint_url.empty() ? ep.scheme + "://" + ep.host + ep.base_path
                                                : config_.endpoint_url,
                   label);
}

namespace {

std::string query_string_of(const std::vector<std::pair<std::string, std::string>>& query) {
    std::string out;
    for (const auto& [name, value] : query) {
        if (!out.empty()) out += '&';
        out += sigv4::uri_encode(name, true);
        out += '=';
        out += sigv4::uri_encode(value, true);
    }
    return out;
}

// Parses a 2xx answer's XML. A page cut short or a proxy's HTML is a bad
// response (worth another try), named with the request it answered.
template <typename Parse>
auto parse_answer(const net::HttpResponse& response, const std::string& label, Parse parse) {
    try {
        return parse(response.body);
    } catch (const XmlParseError& error) {
        throw S3Error(ErrorKind::kBadResponse, response.status, "", error.message,
                      response.header("x-amz-request-id"), label);
    }
}

}  // namespace

ListPage Client::list_objects_v2(const std::string& prefix, const std::string& delimiter,
                                 const std::string& continuation_token, int max_keys) {
    std::vector<std::pair<std::string, std::string>> query{{"list-type", "2"},
                                                           {"encoding-type", "url"}};
    if (!prefix.empty()) query.emplace_back("prefix", prefix);
    if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
    if (!continuation_token.empty()) query.emplace_back("continuation-token", continuation_token);
    query.emplace_back("max-keys", std::to_string(max_keys));
    const std::string query_string = query_string_of(query);
    const std::string label = request_label("GET", config_.bucket, "", query_string);
    ++counts_.list;
    return with_retries<ListPage>(
        [&](int n) {
            return parse_answer(attempt(n, "GET", "", query_string, "", {}, label), label,
                                parse_list_objects_v2);
        },
        label);
}

VersionPage Client::list_object_versions(const std::string& prefix, const std::string& delimiter,
                                         const std::string& key_marker,
                                         const std::string& version_id_marker, int max_keys) {
    std::vector<std::pair<std::string, std::string>> query{{"versions", ""},
                                                           {"encoding-type", "url"}};
    if (!prefix.empty()) query.emplace_back("prefix", prefix);
    if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
    if (!key_marker.empty()) query.emplace_back("key-marker", key_marker);
    if (!version_id_marker.empty()) query.emplace_back("version-id-marker", version_id_marker);
    query.emplace_back("max-keys", std::to_string(max_keys));
    const std::string query_string = query_string_of(query);
    const std::string label = request_label("GET", config_.bucket, "", query_string);
    ++counts_.list;
    return with_retries<VersionPage>(
        [&](int n) {
            return parse_answer(attempt(n, "GET", "", query_string, "", {}, label), label,
                                parse_list_object_versions);
        },
        label);
}

std::string Client::get_bucket_versioning() {
    const std::string label = request_label("GET", config_.bucket, "", "versioning");
    ++counts_.other;
    return with_retries<std::string>(
        [&](int n) {
            return parse_answer(attempt(n, "GET", "", "versioning=", "", {}, label), label,
                                parse_versioning_status);
        },
        label);
}

DeleteResult Client::delete_objects(const std::vector<std::string>& keys, bool resend) {
    std::vector<ObjectIdentifier> objects;
    objects.reserve(keys.size());
    for (const auto& key : keys) objects.push_back({key, ""});
    return delete_objects_by_id(objects, resend);
}

DeleteResult Client::delete_objects_by_id(const std::vector<ObjectIdentifier>& objects,
                                          bool resend) {
    const std::string body = render_delete_objects_by_id(objects, true);
    // Content-MD5 rather than the newer CRC32 checksum headers: every
    // S3-compatible store accepts it, and S3 requires one of them here.
    std::vector<std::pair<std::string, std::string>> headers{
        {"content-md5", crypto::md5_base64(body)},
        {"content-type", "application/xml"},
    };
    if (bypass_governance_retention) {
        headers.emplace_back("x-amz-bypass-governance-retention", "true");
    }
    const std::string label = request_label("POST", config_.bucket, "", "delete") + " (" +
                              std::to_string(objects.size()) + " keys)";
    ++(resend ? counts_.retries : counts_.del);
    return with_retries<DeleteResult>(
        [&](int n) {
            return parse_answer(attempt(n, "POST", "", "delete=", body, headers, label), label,
                                parse_delete_result);
        },
        label);
}

void Client::delete_object(const std::string& key, const std::string& version_id) {
    const std::string query_string =
        version_id.empty() ? std::string() : "versionId=" + sigv4::uri_encode(version_id, true);
    const std::string label = request_label("DELETE", config_.bucket, key, query_string);
    std::vector<std::pair<std::string, std::string>> headers;
    if (bypass_governance_retention) {
        headers.emplace_back("x-amz-bypass-governance-retention", "true");
    }
    ++counts_.del;
    with_retries<bool>(
        [&](int n) {
            attempt(n, "DELETE", key, query_string, "", headers, label);
            return true;
        },
        label);
}

}  // namespace s3
