// Which proxy a request goes through. libcurl would pick one from the
// environment by itself, but then a failure to reach it cannot be told from a
// failure to reach the endpoint. So the choice is made here, by curl's own
// rules, and handed to curl explicitly: the transport always knows the proxy
// it used, and its error messages can name it.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace net {

// Reads an environment variable: nullopt when unset, "" when set but empty
// (curl treats the two differently). A seam for tests.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvironmentLookup process_environment();

struct ProxyChoice {
    std::string url;       // as configured, credentials included: what curl is given
    std::string variable;  // where it came from: "https_proxy", "ALL_PROXY", ...

    // The URL without user:password, for messages.
    [[nodiscard]] std::string shown() const;
};

// The proxy for scheme://host (host without port; IPv6 with or without
// brackets), as libcurl 7.88 chooses it:
//   http:  http_proxy (never HTTP_PROXY: CGI puts the client's "Proxy:"
//          header there), then all_proxy, ALL_PROXY
//   https: https_proxy, HTTPS_PROXY, then all_proxy, ALL_PROXY
// The first variable that is set wins, even when empty, and an empty one
// means no proxy. no_proxy (or, when unset, NO_PROXY) excludes hosts.
std::optional<ProxyChoice> choose_proxy(const std::string& scheme, const std::string& host,
                                        const EnvironmentLookup& env);

// True when host is excluded by a NO_PROXY list: "*", or comma- or
// blank-separated names (matching the name and its subdomains, leading and
// trailing dots ignored, case-insensitive) and IP addresses, with or without a
// /bits CIDR suffix.
bool no_proxy_matches(const std::string& host, const std::string& no_proxy);

// "http://user:secret@proxy:3128" -> "http://proxy:3128"; anything else unchanged.
std::string without_credentials(const std::string& url);

}  // namespace net
