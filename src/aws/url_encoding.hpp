// Percent-encoding as AWS uses it: one encoder (SigV4's UriEncode) for paths,
// query strings and form bodies alike, and one decoder.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aws {

// Percent-encodes per RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~), as SigV4
// requires; '/' is kept when encode_slash is false (object key paths).
std::string uri_encode(std::string_view raw, bool encode_slash);

// name=value pairs joined by '&', each side uri_encode'd ('/' too): a query
// string, or an application/x-www-form-urlencoded body (STS).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// %XX (either hex case) becomes the byte; a '%' not followed by two hex digits
// stays literal. '+' is not special: it is a literal plus (RFC 3986).
std::string percent_decode(std::string_view text);

// percent_decode, but '+' means a space, as in form-encoded text.
std::string form_decode(std::string_view text);

// form_decode in place: decoding only ever shortens the text, so a listing's
// keys are decoded where they lie. Returns the decoded length.
std::size_t form_decode_in_place(std::span<char> text);

}  // namespace aws
