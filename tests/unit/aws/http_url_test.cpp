// Unit tests for src/aws/http_url.hpp: endpoint URLs as settings give them.
#include "aws/http_url.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

TEST(ParseHttpUrl, Good) {
    struct Case {
        std::string url;
        std::string scheme;
        std::string host;
        std::string path;
        std::string query;
    };
    const std::vector<Case> cases = {
        {"http://127.0.0.1:9000", "http", "127.0.0.1:9000", "", ""},
        {"https://s3.example.com/", "https", "s3.example.com", "/", ""},
        {"HTTPS://Minio.Local:443/base/path", "https", "Minio.Local:443", "/base/path", ""},
        {"http://localhost:8080/creds?id=1&x=y", "http", "localhost:8080", "/creds", "id=1&x=y"},
        {"http://host?only=query", "http", "host", "", "only=query"},
        {"http://[fd00:ec2::254]", "http", "[fd00:ec2::254]", "", ""},
        {"http://[fd00:ec2::254]:80/latest", "http", "[fd00:ec2::254]:80", "/latest", ""},
        {"http://169.254.170.2/v2/credentials/a?b/c", "http", "169.254.170.2", "/v2/credentials/a",
         "b/c"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.url);
        const auto url = aws::parse_http_url(c.url);
        ASSERT_TRUE(url.has_value());
        EXPECT_EQ(url->scheme, c.scheme);
        EXPECT_EQ(url->host, c.host);
        EXPECT_EQ(url->path, c.path);
        EXPECT_EQ(url->query, c.query);
    }
}

TEST(ParseHttpUrl, Bad) {
    for (const char* url :
         {"", "example.com", "127.0.0.1:9000", "//example.com", "ftp://example.com",
          "file:///tmp/x", "s3://bucket", "http://", "https:///path", "http://?q",
          "http://user@host", "http://user:pass@host/", "http://ho st", "http://\thost"}) {
        SCOPED_TRACE(url);
        EXPECT_FALSE(aws::parse_http_url(url).has_value());
    }
}

}  // namespace

namespace aws {
namespace {

TEST(HostWithoutPort, NamesAndBracketedAddresses) {
    EXPECT_EQ(host_without_port("minio.internal:9000"), "minio.internal");
    EXPECT_EQ(host_without_port("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(host_without_port("[::1]:9000"), "[::1]");
    EXPECT_EQ(host_without_port(""), "");
}

}  // namespace
}  // namespace aws
