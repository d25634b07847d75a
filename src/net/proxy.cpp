#include "net/proxy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace net {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

// An IPv4 or IPv6 address as bytes, for CIDR matching; empty when not one.
std::vector<unsigned char> address_bytes(const std::string& text) {
    std::array<unsigned char, 16> buffer{};
    if (::inet_pton(AF_INET, text.c_str(), buffer.data()) == 1) {
        return {buffer.begin(), buffer.begin() + 4};
    }
    if (::inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1) {
        return {buffer.begin(), buffer.end()};
    }
    return {};
}

// token is "ADDRESS" or "ADDRESS/BITS"; no BITS (or 0) means the whole address.
bool address_matches(const std::vector<unsigned char>& host, std::string_view token) {
    const auto slash = token.find('/');
    const auto network = address_bytes(std::string(token.substr(0, slash)));
    if (network.size() != host.size()) return false;
    std::size_t bits = host.size() * 8;
    if (slash != std::string_view::npos) {
        const std::string_view digits = token.substr(slash + 1);
        std::size_t parsed = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
        if (ec != std::errc() || end != digits.data() + digits.size() || parsed > bits) {
            return false;
        }
        if (parsed != 0) bits = parsed;
    }
    for (std::size_t i = 0; i < host.size() && bits > 0; ++i) {
        const std::size_t here = std::min<std::size_t>(bits, 8);
        const auto mask = static_cast<unsigned char>(0xFF << (8 - here));
        if ((host[i] & mask) != (network[i] & mask)) return false;
        bits -= here;
    }
    return true;
}

// example.com matches example.com and www.example.com, not nonexample.com.
bool name_matches(std::string_view host, std::string_view token) {
    if (!token.empty() && token.back() == '.') token.remove_suffix(1);
    if (!token.empty() && token.front() == '.') token.remove_prefix(1);
    if (token.empty() || token.size() > host.size()) return false;
    if (token.size() == host.size()) return equal_ignoring_case(token, host);
    return host[host.size() - token.size() - 1] == '.' &&
           equal_ignoring_case(token, host.substr(host.size() - token.size()));
}

}  // namespace

EnvironmentLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::string ProxyChoice::shown() const { return without_credentials(url); }

bool no_proxy_matches(const std::string& host_in, const std::string& no_proxy) {
    if (host_in.empty() || no_proxy.empty()) return false;
    if (no_proxy == "*") return true;
    std::string host = host_in;
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const auto address = address_bytes(host);
    if (address.empty() && host.back() == '.') host.pop_back();

    std::string_view rest(no_proxy);
    while (!rest.empty()) {
        std::size_t end = 0;
        while (end < rest.size() && !is_blank(rest[end]) && rest[end] != ',') ++end;
        const std::string_view token = rest.substr(0, end);
        if (!token.empty() &&
            (address.empty() ? name_matches(host, token) : address_matches(address, token))) {
            return true;
        }
        rest.remove_prefix(end);
        while (!rest.empty() && (is_blank(rest.front()) || rest.front() == ',')) {
            rest.remove_prefix(1);
        }
    }
    return false;
}

std::optional<ProxyChoice> choose_proxy(const std::string& scheme, const std::string& host,
                                        const EnvironmentLookup& env) {
    const std::string lower_scheme = [&] {
        std::string s = scheme;
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    }();
    std::vector<std::string> names{lower_scheme + "_proxy"};
    // As curl: never HTTP_PROXY, which a CGI program finds holding the
    // client's "Proxy:" request header (httpoxy).
    if (lower_scheme != "http") names.push_back(upper(lower_scheme + "_proxy"));
    names.emplace_back("all_proxy");
    names.emplace_back("ALL_PROXY");

    std::optional<ProxyChoice> choice;
    for (const auto& name : names) {
        if (auto value = env(name)) {
            // Set but empty: no proxy, and the later variables are not consulted.
            if (!value->empty()) choice = ProxyChoice{*value, name};
            break;
        }
    }
    if (!choice) return std::nullopt;
    auto no_proxy = env("no_proxy");
    if (!no_proxy) no_proxy = env("NO_PROXY");
    if (no_proxy && no_proxy_matches(host, *no_proxy)) return std::nullopt;
    return choice;
}

std::string without_credentials(const std::string& url) {
    const auto scheme_end = url.find("://");
    const std::size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    const std::size_t end = std::min(url.find_first_of("/?#", start), url.size());
    // The last '@' of the authority: a password may itself hold an '@'.
    const auto at = url.rfind('@', end == 0 ? 0 : end - 1);
    if (at == std::string::npos || at < start) return url;
    return url.substr(0, start) + url.substr(at + 1);
}

}  // namespace net
