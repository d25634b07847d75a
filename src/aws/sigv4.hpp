// AWS Signature Version 4, one free function per step of the spec so each
// step can be checked against AWS's published test vectors, and sign_request()
// that every service client signs with, the service a parameter. Time is a
// parameter: nothing here reads the clock. Paths and queries are encoded with
// aws::uri_encode (url_encoding.hpp).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http.hpp"

namespace aws::sigv4 {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty when not temporary
};

struct Scope {
    std::string date;                       // YYYYMMDD
    std::string region;                     // us-east-1
    std::string service;                    // s3, sts, cloudfront
    [[nodiscard]] std::string str() const;  // date/region/service/aws4_request
};

// A request as the signer sees it. `path` is the canonical URI exactly as it
// goes on the wire (already percent-encoded, never normalised: S3 signs the
// path as sent). `query` is the wire query string (already encoded).
struct Request {
    std::string method;
    std::string path;
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;  // name, value
    std::string payload_hash;  // hex SHA-256 of the body, or UNSIGNED-PAYLOAD
};

std::string canonical_query(std::string_view query);
// Returns {canonical header block (each "name:value\n"), signed header list}.
std::pair<std::string, std::string> canonical_headers(
    const std::vector<std::pair<std::string, std::string>>& headers);
std::string canonical_request(const Request& request);
std::string string_to_sign(const std::string& amz_date, const Scope& scope,
                           const std::string& canonical_request);
std::string signing_key(const std::string& secret, const Scope& scope);  // raw bytes
std::string signature(const std::string& signing_key, const std::string& string_to_sign);
std::string authorization_header(const Credentials& creds, const Scope& scope,
                                 const std::string& signed_headers, const std::string& signature);

// Adds x-amz-date, x-amz-content-sha256 (when add_content_sha256),
// x-amz-security-token (when a session token is set) and Authorization to
// request.headers. amz_date is YYYYMMDDTHHMMSSZ. Every other header present is
// signed. Any existing header sign() is about to set (names compared
// case-insensitively) is replaced, so re-signing a request (e.g. on retry) is
// safe. Throws std::invalid_argument on a malformed amz_date or an empty
// payload_hash.
void sign(Request& request, const Credentials& creds, const std::string& region,
          const std::string& service, const std::string& amz_date, bool add_content_sha256);

// The payload hash S3 accepts in place of the body's SHA-256 (with
// add_content_sha256 only: S3 alone reads x-amz-content-sha256).
inline constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Whether the body's SHA-256 goes into the signature. kUnsigned only where a
// signed header already fixes the body (S3's Content-MD5): hashing it twice
// buys nothing.
enum class Payload { kSigned, kUnsigned };

// Signs request as it goes on the wire: its method, path, query, Host and
// headers, and the SHA-256 of its body (or UNSIGNED-PAYLOAD), then appends
// what sign() adds (x-amz-date, ..., Authorization) to request.headers. Host
// stays out of them: the transport sends it. Throws as sign() does.
void sign_request(net::HttpRequest& request, const Credentials& creds, const std::string& region,
                  const std::string& service, const std::string& amz_date, bool add_content_sha256,
                  Payload payload = Payload::kSigned);

}  // namespace aws::sigv4
