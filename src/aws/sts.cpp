#include "aws/sts.hpp"

#include <pugixml.hpp>

#include "aws/error_response.hpp"
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

net::HttpRequest base_request(const StsEndpoint& endpoint, std::string body) {
    net::HttpRequest request;
    request.method = "POST";
    request.scheme = endpoint.url.scheme;
    request.host = endpoint.url.host;
    request.path = endpoint.url.path.empty() ? "/" : endpoint.url.path;
    request.headers = {{"content-type", kFormContentType}};
    request.body = std::move(body);
    return request;
}

TimedCredentials send(net::HttpTransport& transport, const net::HttpRequest& request,
                      const std::string& action, const std::string& role_arn) {
    net::HttpResponse response;
    try {
        response = transport.send(request);
    } catch (const net::TransportFailure& failure) {
        throw CredentialsError{"STS " + action + " for " + role_arn + ": " + failure.message};
    }
    if (response.status != 200) {
        std::string code;
        std::string message;
        if (auto error = parse_error_response(response.body)) {
            code = error->code;
            message = error->message;
        }
        throw CredentialsError{"STS " + action + " for " + role_arn + " failed: " +
                               (code.empty() ? "HTTP " + std::to_string(response.status)
                                             : code + ": " + message + " (HTTP " +
                                                   std::to_string(response.status) + ")")};
    }
    return parse_sts_credentials(response.body, action);
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

TimedCredentials assume_role(net::HttpTransport& transport, const StsEndpoint& endpoint,
                             const sigv4::Credentials& source, const AssumeRoleParams& params,
                             TimePoint now) {
    auto request = base_request(endpoint, form_encode(fields_for("AssumeRole", params)));
    sigv4::sign_request(request, source, endpoint.region, kStsServiceId,
                        amz_date(std::chrono::system_clock::time_point(now)), false);
    return send(transport, request, "AssumeRole", params.role_arn);
}

TimedCredentials assume_role_with_web_identity(net::HttpTransport& transport,
                                               const StsEndpoint& endpoint,
                                               const std::string& token,
                                               const AssumeRoleParams& params) {
    auto fields = fields_for("AssumeRoleWithWebIdentity", params);
    fields.emplace_back("WebIdentityToken", token);
    auto request = base_request(endpoint, form_encode(fields));
    return send(transport, request, "AssumeRoleWithWebIdentity", params.role_arn);
}

}  // namespace aws
