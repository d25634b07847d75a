#include "aws/sts.hpp"

#include <pugixml.hpp>

#include <array>
#include <functional>

#include "aws/send_attempt.hpp"
#include "aws/timestamp.hpp"
#include "aws/url_encoding.hpp"

namespace aws {

namespace {

constexpr const char* kStsVersion = "2011-06-15";
constexpr const char* kDefaultSessionName = "s3-cleanup";
constexpr const char* kFormContentType = "application/x-www-form-urlencoded; charset=utf-8";

std::vector<std::pair<std::string, std::string>> fields_for(const std::string& action,
                                                            const AssumeRoleParams& params) {
    std::vector<std::pair<std::string, std::string>> fields{
        {"Action", action},
        {"Version", kStsVersion},
        {"RoleArn", params.role_arn},
        {"RoleSessionName",
         params.session_name.empty() ? std::string(kDefaultSessionName) : params.session_name},
    };
    if (params.duration_seconds) {
        fields.emplace_back("DurationSeconds", std::to_string(*params.duration_seconds));
    }
    if (!params.external_id.empty()) fields.emplace_back("ExternalId", params.external_id);
    return fields;
}

net::HttpRequest base_request(const StsEndpoint& endpoint, std::string body, int attempt) {
    net::HttpRequest request;
    request.attempt = attempt;
    request.method = "POST";
    request.scheme = endpoint.url.scheme;
    request.host = endpoint.url.host;
    request.path = endpoint.url.path.empty() ? "/" : endpoint.url.path;
    request.headers = {{"content-type", kFormContentType}};
    request.body = std::move(body);
    return request;
}

// STS's own codes; the rest (AccessDenied, Throttling, ...) are in the core table.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
constexpr std::array kStsCodes{
    // The identity provider could not be reached: transient, and retried by
    // the AWS SDKs although STS answers it with HTTP 400.
    CodeClass{"IDPCommunicationError", ErrorKind::kServer},
    CodeClass{"ExpiredTokenException", ErrorKind::kAuth},
    CodeClass{"InvalidIdentityToken", ErrorKind::kAuth},
    CodeClass{"IDPRejectedClaim", ErrorKind::kAuth},
};

// The last failure of a call, in the words STS callers have always seen.
std::string describe(const ServiceError& error, const std::string& action,
                     const std::string& role_arn) {
    const std::string call = "STS " + action + " for " + role_arn;
    // No answer at all: what the transport (or the stop) said is the whole story.
    if (error.http_status == 0) return call + ": " + error.message;
    const std::string status = "HTTP " + std::to_string(error.http_status);
    return call + " failed: " +
           (error.code.empty() ? status : error.code + ": " + error.message + " (" + status + ")");
}

// prepare(n) builds (and signs) attempt n's request.
TimedCredentials call(net::HttpTransport& transport, const RetryControl& retry,
                      const std::function<net::HttpRequest(int)>& prepare,
                      const std::string& action, const std::string& role_arn) {
    const std::string label = "POST sts " + action;
    try {
        return with_retries<TimedCredentials>(
            retry,
            [&](int n) {
                const auto response =
                    send_attempt(transport, prepare(n), kStsServiceId, kStsCodes, label);
                // A 200 without credentials is not retried: STS does not
                // answer that way by accident.
                return parse_sts_credentials(response.body, action);
            },
            {kStsServiceId, label});
    } catch (const ServiceError& error) {
        throw CredentialsError{describe(error, action, role_arn)};
    }
}

}  // namespace

StsEndpoint sts_endpoint(const std::string& override_url, const std::string& region) {
    StsEndpoint endpoint;
    endpoint.region = region;
    const std::string url =
        override_url.empty() ? "https://sts." + region + ".amazonaws.com" : override_url;
    auto parsed = parse_http_url(url);
    if (!parsed) throw CredentialsError{"STS endpoint '" + url + "' is not an http(s) URL"};
    endpoint.url = *parsed;
    return endpoint;
}

TimedCredentials parse_sts_credentials(const std::string& xml, const std::string& action) {
    pugi::xml_document doc;
    if (!doc.load_string(xml.c_str())) {
        throw CredentialsError{"STS " + action + ": malformed answer"};
    }
    auto creds = doc.child((action + "Response").c_str())
                     .child((action + "Result").c_str())
                     .child("Credentials");
    TimedCredentials out;
    out.credentials.access_key_id = creds.child_value("AccessKeyId");
    out.credentials.secret_access_key = creds.child_value("SecretAccessKey");
    out.credentials.session_token = creds.child_value("SessionToken");
    if (out.credentials.access_key_id.empty() || out.credentials.secret_access_key.empty()) {
        throw CredentialsError{"STS " + action + ": answer holds no credentials"};
    }
    // STS credentials always expire; an answer without a readable time is broken.
    out.expiration = parse_timestamp(creds.child_value("Expiration"));
    if (!out.expiration)
        throw CredentialsError{"STS " + action + ": answer has no readable Expiration"};
    return out;
}

TimedCredentials assume_role(net::HttpTransport& transport, const RetryControl& retry,
                             const StsEndpoint& endpoint, const sigv4::Credentials& source,
                             const AssumeRoleParams& params, const WallClock& clock) {
    const std::string body = form_encode(fields_for("AssumeRole", params));
    auto prepare = [&](int n) {
        auto request = base_request(endpoint, body, n);
        sigv4::sign_request(
            request, source, endpoint.region, kStsServiceId,
            amz_date(retry.clock_skew->corrected(std::chrono::system_clock::time_point(clock()))),
            false);
        return request;
    };
    return call(transport, retry, prepare, "AssumeRole", params.role_arn);
}

TimedCredentials assume_role_with_web_identity(net::HttpTransport& transport,
                                               const RetryControl& retry,
                                               const StsEndpoint& endpoint,
                                               const std::string& token,
                                               const AssumeRoleParams& params) {
    auto fields = fields_for("AssumeRoleWithWebIdentity", params);
    fields.emplace_back("WebIdentityToken", token);
    const std::string body = form_encode(fields);
    auto prepare = [&](int n) { return base_request(endpoint, body, n); };
    return call(transport, retry, prepare, "AssumeRoleWithWebIdentity", params.role_arn);
}

}  // namespace aws
