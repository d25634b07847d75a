// Unit tests for src/net/proxy.hpp: which proxy a request goes through, by
// libcurl's rules, so that the transport can name it when it fails.
#include "net/proxy.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

namespace {

using Vars = std::map<std::string, std::string>;

net::EnvironmentLookup lookup(const Vars& vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

// "VARIABLE=URL" of the choice, or "direct".
std::string chosen(const std::string& scheme, const std::string& host, const Vars& vars) {
    auto choice = net::choose_proxy(scheme, host, lookup(vars));
    return choice ? choice->variable + "=" + choice->url : "direct";
}

TEST(ChooseProxy, ByCurlsRules) {
    struct Case {
        const char* name;
        std::string scheme;
        Vars vars;
        std::string want;
    };
    const std::string p1 = "http://p1:3128";
    const std::string p2 = "http://p2:3128";
    const Case cases[] = {
        {"nothing set", "https", {}, "direct"},
        {"https_proxy", "https", {{"https_proxy", p1}}, "https_proxy=" + p1},
        {"HTTPS_PROXY", "https", {{"HTTPS_PROXY", p1}}, "HTTPS_PROXY=" + p1},
        {"lower case first",
         "https",
         {{"https_proxy", p1}, {"HTTPS_PROXY", p2}},
         "https_proxy=" + p1},
        {"http_proxy for http", "http", {{"http_proxy", p1}}, "http_proxy=" + p1},
        // httpoxy: curl never reads HTTP_PROXY.
        {"HTTP_PROXY ignored", "http", {{"HTTP_PROXY", p1}}, "direct"},
        {"HTTP_PROXY ignored, all_proxy used",
         "http",
         {{"HTTP_PROXY", p1}, {"all_proxy", p2}},
         "all_proxy=" + p2},
        {"http_proxy not for https", "https", {{"http_proxy", p1}}, "direct"},
        {"https_proxy not for http", "http", {{"https_proxy", p1}, {"HTTPS_PROXY", p1}}, "direct"},
        {"all_proxy", "https", {{"all_proxy", p1}}, "all_proxy=" + p1},
        {"ALL_PROXY", "http", {{"ALL_PROXY", p1}}, "ALL_PROXY=" + p1},
        {"all_proxy before ALL_PROXY",
         "https",
         {{"all_proxy", p1}, {"ALL_PROXY", p2}},
         "all_proxy=" + p1},
        {"scheme's variable before all_proxy",
         "https",
         {{"HTTPS_PROXY", p1}, {"all_proxy", p2}},
         "HTTPS_PROXY=" + p1},
        // Set but empty: no proxy, and no later variable is looked at.
        {"empty https_proxy", "https", {{"https_proxy", ""}, {"HTTPS_PROXY", p1}}, "direct"},
        {"empty http_proxy", "http", {{"http_proxy", ""}, {"ALL_PROXY", p1}}, "direct"},
        {"empty ALL_PROXY", "https", {{"ALL_PROXY", ""}}, "direct"},
        {"scheme in upper case", "HTTPS", {{"https_proxy", p1}}, "https_proxy=" + p1},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(chosen(c.scheme, "s3.amazonaws.com", c.vars), c.want) << c.name;
    }
}

TEST(ChooseProxy, NoProxyExcludes) {
    const Vars proxy{{"https_proxy", "http://p:3128"}};
    auto with = [&proxy](Vars more) {
        more.insert(proxy.begin(), proxy.end());
        return more;
    };
    EXPECT_EQ(chosen("https", "s3.amazonaws.com", with({{"no_proxy", "amazonaws.com"}})), "direct");
    EXPECT_EQ(chosen("https", "s3.amazonaws.com", with({{"NO_PROXY", "amazonaws.com"}})), "direct");
    EXPECT_EQ(chosen("https", "s3.amazonaws.com", with({{"NO_PROXY", "example.com"}})),
              "https_proxy=http://p:3128");
    // no_proxy wins over NO_PROXY, even empty: curl reads one of them only.
    EXPECT_EQ(chosen("https", "s3.amazonaws.com",
                     with({{"no_proxy", ""}, {"NO_PROXY", "amazonaws.com"}})),
              "https_proxy=http://p:3128");
    EXPECT_EQ(chosen("https", "s3.amazonaws.com", with({{"no_proxy", "*"}})), "direct");
}

TEST(NoProxyMatches, Table) {
    struct Case {
        std::string host;
        std::string list;
        bool match;
    };
    const Case cases[] = {
        {"example.com", "*", true},
        {"example.com", "", false},
        {"example.com", "example.com", true},
        {"EXAMPLE.com", "example.COM", true},
        {"www.example.com", "example.com", true},
        {"www.example.com", ".example.com", true},
        {"example.com", ".example.com", true},
        {"example.com.", "example.com", true},
        {"example.com", "example.com.", true},
        {"nonexample.com", "example.com", false},
        {"example.com", "www.example.com", false},
        {"s3.amazonaws.com", "localhost, 127.0.0.1 ,amazonaws.com", true},
        {"s3.amazonaws.com", "localhost 127.0.0.1\tamazonaws.com", true},
        {"s3.amazonaws.com", ",,localhost,,", false},
        {"s3.amazonaws.com", "*.amazonaws.com", false},  // curl: no wildcards but "*" alone
        {"127.0.0.1", "127.0.0.1", true},
        {"127.0.0.1", "127.0.0.2", false},
        {"127.0.0.1", "127.0.0.0/8", true},
        {"128.0.0.1", "127.0.0.0/8", false},
        {"10.1.2.3", "10.1.0.0/16", true},
        {"10.2.2.3", "10.1.0.0/16", false},
        {"10.1.2.3", "10.1.2.3/32", true},
        {"10.1.2.3", "10.1.2.3/33", false},
        {"127.0.0.1", "localhost", false},
        {"localhost", "127.0.0.1", false},
        {"[::1]", "::1", true},
        {"::1", "::1", true},
        {"[::1]", "::2", false},
        {"[fd00:ec2::23]", "fd00::/8", true},
        {"[fe00:ec2::23]", "fd00::/8", false},
        {"[2001:db8::1]", "2001:db8::/33", true},
        {"[2001:db8:8000::1]", "2001:db8::/33", false},
        {"", "*", false},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(net::no_proxy_matches(c.host, c.list), c.match)
            << "host '" << c.host << "', NO_PROXY '" << c.list << "'";
    }
}

TEST(WithoutCredentials, Table) {
    const std::pair<std::string, std::string> cases[] = {
        {"http://user:secret@proxy:3128", "http://proxy:3128"},
        {"http://user@proxy:3128/", "http://proxy:3128/"},
        {"http://us%40er:p@ss@proxy:3128", "http://proxy:3128"},
        {"user:secret@proxy:3128", "proxy:3128"},
        {"socks5h://u:p@[::1]:1080", "socks5h://[::1]:1080"},
        {"http://proxy:3128", "http://proxy:3128"},
        {"http://proxy:3128/a@b", "http://proxy:3128/a@b"},
        {"proxy", "proxy"},
        {"", ""},
    };
    for (const auto& [url, want] : cases) EXPECT_EQ(net::without_credentials(url), want) << url;
    EXPECT_EQ((net::ProxyChoice{"http://u:s3cret@p:1", "https_proxy"}.shown()), "http://p:1");
}

}  // namespace
