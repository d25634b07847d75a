#include "aws/metadata_credentials.hpp"

#include <nlohmann/json.hpp>

namespace aws {

namespace {

// IMDSv2 session tokens live up to 6 hours; we need one for a few requests.
constexpr const char* kImdsTokenTtlSeconds = "21600";
constexpr const char* kImdsTokenPath = "/latest/api/token";
constexpr const char* kImdsRolePath = "/latest/meta-data/iam/security-credentials/";

net::HttpRequest request_for(const HttpUrl& base, const std::string& method,
                             const std::string& path) {
    net::HttpRequest request;
    request.method = method;
    request.scheme = base.scheme;
    request.host = base.host;
    std::string prefix = base.path;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    request.path = prefix + path;
    return request;
}

net::HttpResponse exchange(net::HttpTransport& transport, const net::HttpRequest& request,
                           const std::string& what) {
    try {
        auto response = transport.send(request);
        if (response.status != 200) {
            throw CredentialsError{what + ": HTTP " + std::to_string(response.status) + " from " +
                                   request.scheme + "://" + request.host + request.path};
        }
        return response;
    } catch (const net::TransportFailure& failure) {
        throw CredentialsError{what + ": " + failure.message};
    }
}

std::string text_field(const nlohmann::json& doc, const char* name, const std::string& source) {
    auto it = doc.find(name);
    if (it == doc.end() || !it->is_string()) {
        throw CredentialsError{source + ": answer has no " + name};
    }
    return it->get<std::string>();
}

}  // namespace

TimedCredentials parse_metadata_credentials(const std::string& json, const std::string& source) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        throw CredentialsError{source + ": answer is not a JSON object"};
    }
    if (auto code = doc.find("Code");
        code != doc.end() && code->is_string() && *code != "Success") {
        throw CredentialsError{source + ": " + code->get<std::string>()};
    }
    TimedCredentials out;
    out.credentials.access_key_id = text_field(doc, "AccessKeyId", source);
    out.credentials.secret_access_key = text_field(doc, "SecretAccessKey", source);
    if (auto token = doc.find("Token"); token != doc.end() && token->is_string()) {
        out.credentials.session_token = token->get<std::string>();
    }
    if (auto expiration = doc.find("Expiration"); expiration != doc.end()) {
        // Unreadable expiry must not pass for "never expires": the keys would
        // never be renewed and a long run would sign with dead ones.
        if (expiration->is_string())
            out.expiration = parse_timestamp(expiration->get<std::string>());
        if (!out.expiration) throw CredentialsError{source + ": unreadable Expiration"};
    }
    return out;
}

TimedCredentials fetch_container_credentials(net::HttpTransport& transport,
                                             const ContainerEndpoint& endpoint) {
    auto request = request_for(endpoint.url, "GET", "");
    if (request.path.empty()) request.path = "/";
    request.query = endpoint.url.query;
    if (!endpoint.authorization.empty()) {
        request.headers.emplace_back("authorization", endpoint.authorization);
    }
    auto response = exchange(transport, request, "container credentials");
    return parse_metadata_credentials(response.body, "container credentials");
}

TimedCredentials fetch_instance_credentials(net::HttpTransport& transport, const HttpUrl& endpoint,
                                            int attempts) {
    std::string last_error;
    for (int attempt = 1; attempt <= std::max(1, attempts); ++attempt) {
        try {
            auto token_request = request_for(endpoint, "PUT", kImdsTokenPath);
            token_request.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds",
                                               kImdsTokenTtlSeconds);
            token_request.attempt = attempt;
            const std::string token =
                exchange(transport, token_request, "instance metadata (IMDSv2 token)").body;

            auto role_request = request_for(endpoint, "GET", kImdsRolePath);
            role_request.headers.emplace_back("x-aws-ec2-metadata-token", token);
            role_request.attempt = attempt;
            std::string role = exchange(transport, role_request, "instance metadata (role)").body;
            role = role.substr(0, role.find('\n'));
            if (role.empty()) throw CredentialsError{"instance metadata: no IAM role attached"};

            auto creds_request = request_for(endpoint, "GET", kImdsRolePath + role);
            creds_request.headers.emplace_back("x-aws-ec2-metadata-token", token);
            creds_request.attempt = attempt;
            auto response = exchange(transport, creds_request, "instance metadata (credentials)");
            return parse_metadata_credentials(response.body, "instance metadata");
        } catch (const CredentialsError& error) {
            last_error = error.message;
        }
    }
    throw CredentialsError{last_error};
}

}  // namespace aws
