#include "s3/client.hpp"

#include <algorithm>
#include <stdexcept>

#include "aws/crypto.hpp"
#include "aws/send_attempt.hpp"
#include "aws/sigv4.hpp"
#include "aws/timestamp.hpp"
#include "aws/url_encoding.hpp"
#include "s3/errors.hpp"
#include "s3/lifecycle_xml.hpp"

namespace s3 {

namespace {

std::string request_label(const std::string& method, const std::string& bucket,
                          const std::string& key, const std::string& query) {
    std::string label = method + " s3://" + bucket + "/" + key;
    if (!query.empty()) label += "?" + query;
    return label;
}

// The headers of an XML body S3 requires a checksum of (DeleteObjects,
// PutBucketLifecycleConfiguration): Content-MD5 rather than the newer CRC32
// checksum headers, since every S3-compatible store accepts it.
std::vector<std::pair<std::string, std::string>> xml_body_headers(const std::string& body) {
    return {{"content-md5", aws::crypto::md5_base64(body)}, {"content-type", "application/xml"}};
}

// The ServiceError of a non-2xx answer, from its S3 error document when it has one.
aws::ServiceError error_of(const net::HttpResponse& response, const std::string& endpoint,
                           const std::string& label) {
    std::string request_id = response.header("x-amz-request-id");
    auto doc = parse_error(response.body);
    aws::ServiceError error = [&] {
        if (!doc) {
            return error_without_document(response.status, response.header("content-type"),
                                          response.body.empty(), endpoint, request_id, label);
        }
        if (!doc->request_id.empty()) request_id = doc->request_id;
        return aws::ServiceError(kServiceId, classify(doc->code, response.status), response.status,
                                 doc->code, doc->message, request_id, label);
    }();
    aws::read_retry_hints(error, response);
    return error;
}

}  // namespace

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
    net::HttpRequest request;
    request.method = method;
    request.scheme = ep.scheme;
    request.host = ep.host;
    request.path = ep.base_path + "/";
    if (ep.path_style) request.path += aws::uri_encode(config_.bucket, true) + "/";
    request.path += aws::uri_encode(key, false);
    request.query = query_string;
    request.headers = headers;
    // Every request here is to the bucket: S3 refuses each one when another
    // account owns it (a bucket deleted and re-created by someone else).
    if (!config_.expected_bucket_owner.empty()) {
        request.headers.emplace_back("x-amz-expected-bucket-owner", config_.expected_bucket_owner);
    }
    request.body = body;
    request.attempt = attempt;

    aws::sigv4::Credentials credentials;
    try {
        credentials = config_.credentials->current();
    } catch (const aws::CredentialsError& error) {
        throw aws::ServiceError(kServiceId, aws::ErrorKind::kAuth, 0, "",
                                "renewing credentials failed: " + error.message, "",
                                request_label(method, config_.bucket, key, query_string));
    }
    // A body with its Content-MD5 (DeleteObjects) is fixed by that signed
    // header and checked by the server against it: its SHA-256 as well would
    // be a second hash of every batch for nothing.
    const bool md5_signed = std::any_of(headers.begin(), headers.end(),
                                        [](const auto& h) { return h.first == "content-md5"; });
    aws::sigv4::sign_request(
        request, credentials, target.region, kServiceId,
        aws::amz_date(retry.clock_skew->corrected(clock_())), true,
        md5_signed ? aws::sigv4::Payload::kUnsigned : aws::sigv4::Payload::kSigned);
    auto transport = transports_.acquire();
    return transport->send(request);
}

aws::RetryTarget Client::retry_target(const std::string& label) {
    return {kServiceId, label, [this] { ++counts_.retries; }};
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
            throw aws::ServiceError(kServiceId, aws::transport_kind(failure.untrusted_certificate),
                                    0, "", failure.message, "", label);
        }
        if (response.status >= 200 && response.status < 300) return response;
        if (!follow_region(response, current.region)) break;
    }

    // What the user pointed us at, rather than the host a bucket was prefixed to.
    const Endpoint& ep = target().endpoint;
    aws::ServiceError error =
        error_of(response,
                 config_.endpoint_url.empty() ? ep.scheme + "://" + ep.host + ep.base_path
                                              : config_.endpoint_url,
                 label);
    if (!config_.expected_bucket_owner.empty() && error.kind == aws::ErrorKind::kAccessDenied) {
        // S3 answers a wrong owner with a plain AccessDenied: say what it
        // most likely means when the check was asked for.
        aws::ServiceError explained(
            error.service, error.kind, error.http_status, error.code,
            error.message + ": s3://" + config_.bucket + " is not owned by account " +
                config_.expected_bucket_owner +
                " (--expected-bucket-owner), or this identity may not access it",
            error.request_id, error.request);
        explained.retry_after = error.retry_after;
        explained.server_time = error.server_time;
        throw explained;
    }
    throw error;
}

namespace {

// Parses a 2xx answer's XML. A page cut short or a proxy's HTML is a bad
// response (worth another try), named with the request it answered.
template <typename Response, typename Parse>
auto parse_answer(Response&& response, const std::string& label, Parse parse) {
    try {
        return parse(response.body);
    } catch (const XmlParseError& error) {
        throw aws::ServiceError(kServiceId, aws::ErrorKind::kBadResponse, response.status, "",
                                error.message, response.header("x-amz-request-id"), label);
    }
}

// A listing is by prefix: a key outside it would be a server bug, and deleting
// it would be ours. Such an answer is refused before anyone sees it.
void check_under(std::string_view key, const std::string& prefix, const net::HttpResponse& response,
                 const std::string& label) {
    if (key.starts_with(prefix)) return;
    throw aws::ServiceError(
        kServiceId, aws::ErrorKind::kBadResponse, response.status, "",
        "listing of '" + prefix + "' returned key '" + std::string(key) + "' outside it",
        response.header("x-amz-request-id"), label);
}

}  // namespace

ListPage Client::list_objects_v2(const std::string& prefix, const std::string& delimiter,
                                 const std::string& continuation_token, int max_keys,
                                 const std::string& start_after) {
    std::vector<std::pair<std::string, std::string>> query{{"list-type", "2"},
                                                           {"encoding-type", "url"}};
    if (!prefix.empty()) query.emplace_back("prefix", prefix);
    if (!delimiter.empty()) query.emplace_back("delimiter", delimiter);
    if (!continuation_token.empty()) {
        query.emplace_back("continuation-token", continuation_token);
    } else if (!start_after.empty()) {
        query.emplace_back("start-after", start_after);
    }
    query.emplace_back("max-keys", std::to_string(max_keys));
    const std::string query_string = aws::form_encode(query);
    const std::string label = request_label("GET", config_.bucket, "", query_string);
    ++counts_.list;
    return aws::with_retries<ListPage>(
        retry,
        [&](int n) {
            auto response = attempt(n, "GET", "", query_string, "", {}, label);
            // The body is handed over and parsed in place (it is not needed after).
            auto page = parse_answer(response, label, [](std::string& body) {
                return parse_list_objects_v2(std::move(body));
            });
            for (const auto& object : page.objects)
                check_under(object.key, prefix, response, label);
            return page;
        },
        retry_target(label));
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
    const std::string query_string = aws::form_encode(query);
    const std::string label = request_label("GET", config_.bucket, "", query_string);
    ++counts_.list;
    return aws::with_retries<VersionPage>(
        retry,
        [&](int n) {
            const auto response = attempt(n, "GET", "", query_string, "", {}, label);
            auto page = parse_answer(response, label, parse_list_object_versions);
            for (const auto& entry : page.entries) check_under(entry.key, prefix, response, label);
            return page;
        },
        retry_target(label));
}

std::string Client::get_bucket_versioning() {
    const std::string label = request_label("GET", config_.bucket, "", "versioning");
    ++counts_.other;
    return aws::with_retries<std::string>(
        retry,
        [&](int n) {
            return parse_answer(attempt(n, "GET", "", "versioning=", "", {}, label), label,
                                parse_versioning_status);
        },
        retry_target(label));
}

namespace {

// S3's answer to a lifecycle request on a bucket that has no configuration.
constexpr std::string_view kNoSuchLifecycleConfiguration = "NoSuchLifecycleConfiguration";

}  // namespace

std::optional<std::string> Client::get_bucket_lifecycle() {
    const std::string label = request_label("GET", config_.bucket, "", "lifecycle");
    ++counts_.other;
    try {
        return aws::with_retries<std::string>(
            retry,
            [&](int n) {
                auto response = attempt(n, "GET", "", "lifecycle=", "", {}, label);
                // Read here only to tell an answer cut short or a proxy's page
                // (a bad response, tried again) from a configuration. One that
                // is XML but cannot be carried back is the caller's to refuse.
                parse_answer(response, label, [](const std::string& body) {
                    try {
                        (void)parse_lifecycle_configuration(body);
                    } catch (const LifecycleUnfaithful&) {
                    }
                    return true;
                });
                return std::move(response.body);
            },
            retry_target(label));
    } catch (const aws::ServiceError& error) {
        if (error.code == kNoSuchLifecycleConfiguration) return std::nullopt;
        throw;
    }
}

void Client::put_bucket_lifecycle(const std::string& document) {
    const auto headers = xml_body_headers(document);
    const std::string label = request_label("PUT", config_.bucket, "", "lifecycle");
    ++counts_.other;
    // A whole document replaces the configuration: sending it again is safe.
    aws::run_with_retries(
        retry, [&](int n) { attempt(n, "PUT", "", "lifecycle=", document, headers, label); },
        retry_target(label));
}

void Client::delete_bucket_lifecycle() {
    const std::string label = request_label("DELETE", config_.bucket, "", "lifecycle");
    ++counts_.other;
    try {
        aws::run_with_retries(
            retry, [&](int n) { attempt(n, "DELETE", "", "lifecycle=", "", {}, label); },
            retry_target(label));
    } catch (const aws::ServiceError& error) {
        // S3 answers 204 when there is nothing to delete; some compatible
        // stores answer NoSuchLifecycleConfiguration, as they may to a retry
        // whose first attempt did delete it. Either way none is left.
        if (error.code != kNoSuchLifecycleConfiguration) throw;
    }
}

std::optional<std::string> Client::get_object(const std::string& key, std::uint64_t max_bytes) {
    const std::string label = request_label("GET", config_.bucket, key, "");
    // One byte more than allowed: an answer that long means the object is too large,
    // and a huge object is never downloaded whole.
    const std::vector<std::pair<std::string, std::string>> headers{
        {"range", "bytes=0-" + std::to_string(max_bytes)}};
    ++counts_.other;
    std::string body;
    try {
        body = aws::with_retries<std::string>(
            retry, [&](int n) { return attempt(n, "GET", key, "", "", headers, label).body; },
            retry_target(label));
    } catch (const aws::ServiceError& error) {
        // 416: a range of an empty object is not satisfiable; its body is empty.
        if (error.http_status != kRangeNotSatisfiable) throw;
    }
    if (body.size() > max_bytes) return std::nullopt;
    return body;
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
    std::vector<std::pair<std::string, std::string>> headers = xml_body_headers(body);
    if (bypass_governance_retention) {
        headers.emplace_back("x-amz-bypass-governance-retention", "true");
    }
    const std::string label = request_label("POST", config_.bucket, "", "delete") + " (" +
                              std::to_string(objects.size()) + " keys)";
    ++(resend ? counts_.retries : counts_.del);
    return aws::with_retries<DeleteResult>(
        retry,
        [&](int n) {
            return parse_answer(attempt(n, "POST", "", "delete=", body, headers, label), label,
                                parse_delete_result);
        },
        retry_target(label));
}

void Client::delete_object(const std::string& key, const std::string& version_id) {
    const std::string query_string =
        version_id.empty() ? std::string() : "versionId=" + aws::uri_encode(version_id, true);
    const std::string label = request_label("DELETE", config_.bucket, key, query_string);
    std::vector<std::pair<std::string, std::string>> headers;
    if (bypass_governance_retention) {
        headers.emplace_back("x-amz-bypass-governance-retention", "true");
    }
    ++counts_.del;
    aws::run_with_retries(
        retry, [&](int n) { attempt(n, "DELETE", key, query_string, "", headers, label); },
        retry_target(label));
}

}  // namespace s3
