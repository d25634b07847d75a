#include "aws/sigv4.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "aws/crypto.hpp"
#include "aws/url_encoding.hpp"

namespace aws::sigv4 {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && to_lower(a) == to_lower(b);
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Trims blanks at both ends and collapses each inner run of spaces to one space.
std::string canonical_header_value(std::string_view v) {
    while (!v.empty() && is_blank(v.front())) v.remove_prefix(1);
    while (!v.empty() && is_blank(v.back())) v.remove_suffix(1);
    std::string out;
    out.reserve(v.size());
    for (const char c : v) {
        if (c == ' ' && !out.empty() && out.back() == ' ') continue;
        out.push_back(c);
    }
    return out;
}

void check_amz_date(std::string_view d) {
    bool ok = d.size() == 16 && d[8] == 'T' && d[15] == 'Z';
    for (std::size_t i = 0; ok && i < 15; ++i) {
        ok = i == 8 || (d[i] >= '0' && d[i] <= '9');
    }
    if (!ok) {
        throw std::invalid_argument("sigv4: amz_date must be YYYYMMDDTHHMMSSZ, got '" +
                                    std::string(d) + "'");
    }
}

void remove_header(std::vector<std::pair<std::string, std::string>>& headers,
                   std::string_view name) {
    std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

// The signing key depends on the secret and the scope only, so it changes once
// a day: derived once per thread and scope instead of four HMACs per request.
const std::string& cached_signing_key(const std::string& secret, const Scope& scope) {
    struct Derived {
        std::string secret;
        Scope scope;
        std::string key;
    };
    thread_local Derived last;
    if (last.key.empty() || last.secret != secret || last.scope.date != scope.date ||
        last.scope.region != scope.region || last.scope.service != scope.service) {
        last = {secret, scope, signing_key(secret, scope)};
    }
    return last.key;
}

}  // namespace

std::string Scope::str() const { return date + '/' + region + '/' + service + "/aws4_request"; }

std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> params;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (param.empty()) continue;  // "a=1&&b=2": nothing between the separators
        const std::size_t eq = param.find('=');
        const std::string_view name = param.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
        // A '%' not followed by two hex digits stays literal, then is encoded as %25.
        params.emplace_back(uri_encode(percent_decode(name), true),
                            uri_encode(percent_decode(value), true));
    }
    std::sort(params.begin(), params.end());  // by encoded name, then encoded value (bytes)
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out += '&';
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

std::pair<std::string, std::string> canonical_headers(
    const std::vector<std::pair<std::string, std::string>>& headers) {
    std::map<std::string, std::string> merged;  // lower-case name -> values joined by ','
    for (const auto& [name, value] : headers) {
        auto [it, inserted] = merged.try_emplace(to_lower(name));
        if (!inserted) it->second += ',';
        it->second += canonical_header_value(value);
    }
    std::string block;
    std::string signed_headers;
    for (const auto& [name, value] : merged) {
        block += name;
        block += ':';
        block += value;
        block += '\n';
        if (!signed_headers.empty()) signed_headers += ';';
        signed_headers += name;
    }
    return {std::move(block), std::move(signed_headers)};
}

std::string canonical_request(const Request& request) {
    const auto [header_block, signed_headers] = canonical_headers(request.headers);
    std::string out;
    out += request.method;
    out += '\n';
    out += request.path.empty() ? std::string_view("/") : std::string_view(request.path);
    out += '\n';
    out += canonical_query(request.query);
    out += '\n';
    out += header_block;
    out += '\n';
    out += signed_headers;
    out += '\n';
    out += request.payload_hash;
    return out;
}

std::string string_to_sign(const std::string& amz_date, const Scope& scope,
                           const std::string& canonical_request) {
    std::string out(kAlgorithm);
    out += '\n';
    out += amz_date;
    out += '\n';
    out += scope.str();
    out += '\n';
    out += crypto::sha256_hex(canonical_request);
    return out;
}

std::string signing_key(const std::string& secret, const Scope& scope) {
    std::string key = crypto::hmac_sha256("AWS4" + secret, scope.date);
    key = crypto::hmac_sha256(key, scope.region);
    key = crypto::hmac_sha256(key, scope.service);
    return crypto::hmac_sha256(key, "aws4_request");
}

std::string signature(const std::string& signing_key, const std::string& string_to_sign) {
    return crypto::hex(crypto::hmac_sha256(signing_key, string_to_sign));
}

std::string authorization_header(const Credentials& creds, const Scope& scope,
                                 const std::string& signed_headers, const std::string& signature) {
    std::string out(kAlgorithm);
    out += " Credential=";
    out += creds.access_key_id;
    out += '/';
    out += scope.str();
    out += ", SignedHeaders=";
    out += signed_headers;
    out += ", Signature=";
    out += signature;
    return out;
}

void sign(Request& request, const Credentials& creds, const std::string& region,
          const std::string& service, const std::string& amz_date, bool add_content_sha256) {
    check_amz_date(amz_date);
    if (request.payload_hash.empty()) {
        throw std::invalid_argument("sigv4: payload_hash is empty");
    }
    auto& headers = request.headers;
    remove_header(headers, "authorization");
    remove_header(headers, "x-amz-date");
    headers.emplace_back("x-amz-date", amz_date);
    if (add_content_sha256) {
        remove_header(headers, "x-amz-content-sha256");
        headers.emplace_back("x-amz-content-sha256", request.payload_hash);
    }
    if (!creds.session_token.empty()) {
        remove_header(headers, "x-amz-security-token");
        headers.emplace_back("x-amz-security-token", creds.session_token);
    }

    const Scope scope{amz_date.substr(0, 8), region, service};
    const std::string creq = canonical_request(request);
    const std::string sts = string_to_sign(amz_date, scope, creq);
    const std::string sig = signature(cached_signing_key(creds.secret_access_key, scope), sts);
    const std::string signed_headers = canonical_headers(headers).second;
    headers.emplace_back("Authorization", authorization_header(creds, scope, signed_headers, sig));
}

void sign_request(net::HttpRequest& request, const Credentials& creds, const std::string& region,
                  const std::string& service, const std::string& amz_date, bool add_content_sha256,
                  Payload payload) {
    Request to_sign;
    to_sign.method = request.method;
    to_sign.path = request.path;
    to_sign.query = request.query;
    to_sign.headers.emplace_back("host", request.host);
    for (const auto& header : request.headers) to_sign.headers.push_back(header);
    to_sign.payload_hash =
        payload == Payload::kUnsigned ? kUnsignedPayload : crypto::sha256_hex(request.body);
    sign(to_sign, creds, region, service, amz_date, add_content_sha256);
    request.headers.clear();
    for (auto& header : to_sign.headers) {
        if (header.first != "host") request.headers.push_back(std::move(header));
    }
}

}  // namespace aws::sigv4
