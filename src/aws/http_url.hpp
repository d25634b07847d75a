// http(s)://host[:port][/path][?query] as given in endpoint settings.
#pragma once

#include <optional>
#include <string>

namespace aws {

struct HttpUrl {
    std::string scheme;  // "http" or "https", lower-case
    std::string host;    // host[:port]
    std::string path;    // "/..." or empty
    std::string query;   // without '?', may be empty
};

// nullopt for anything that is not an http(s) URL with a host.
std::optional<HttpUrl> parse_http_url(const std::string& url);

// "host:port" -> "host"; "[::1]:9000" -> "[::1]" (brackets kept, as in a URL).
std::string host_without_port(const std::string& host_port);

}  // namespace aws
