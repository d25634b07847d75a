#include "aws/http_url.hpp"

#include <algorithm>
#include <cctype>

namespace aws {

std::optional<HttpUrl> parse_http_url(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    HttpUrl out;
    out.scheme = url.substr(0, scheme_end);
    std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
    std::string rest = url.substr(scheme_end + 3);
    auto question = rest.find('?');
    if (question != std::string::npos) {
        out.query = rest.substr(question + 1);
        rest.resize(question);
    }
    auto slash = rest.find('/');
    out.host = rest.substr(0, slash);
    if (slash != std::string::npos) out.path = rest.substr(slash);
    if (out.host.empty() || out.host.find_first_of(" \t@") != std::string::npos) {
        return std::nullopt;
    }
    return out;
}

std::string host_without_port(const std::string& host_port) {
    if (!host_port.empty() && host_port.front() == '[') {
        return host_port.substr(0, host_port.find(']') + 1);
    }
    return host_port.substr(0, host_port.find(':'));
}

}  // namespace aws
