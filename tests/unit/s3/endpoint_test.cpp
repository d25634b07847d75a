// Unit tests for src/s3/endpoint.hpp: where a bucket's requests go in each
// addressing style. Endpoint URLs themselves: tests/unit/aws/http_url_test.cpp.
#include "s3/endpoint.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using s3::AddressingStyle;

// ----------------------------------------------------------- resolve_endpoint

TEST(ResolveEndpoint, StylesTable) {
    struct Case {
        const char* name;
        std::string endpoint_url;
        std::string region;
        std::string bucket;
        AddressingStyle style;
        std::string scheme;
        std::string host;
        std::string base_path;
        bool path_style;
    };
    const std::vector<Case> cases = {
        // AWS itself.
        {"aws_auto", "", "eu-west-1", "my-bucket", AddressingStyle::kAuto, "https",
         "my-bucket.s3.eu-west-1.amazonaws.com", "", false},
        {"aws_virtual", "", "eu-west-1", "my-bucket", AddressingStyle::kVirtual, "https",
         "my-bucket.s3.eu-west-1.amazonaws.com", "", false},
        {"aws_path", "", "eu-west-1", "my-bucket", AddressingStyle::kPath, "https",
         "s3.eu-west-1.amazonaws.com", "", true},
        {"aws_auto_dotted_bucket", "", "us-west-2", "www.example.com", AddressingStyle::kAuto,
         "https", "s3.us-west-2.amazonaws.com", "", true},
        {"aws_virtual_dotted_bucket_as_asked", "", "us-west-2", "www.example.com",
         AddressingStyle::kVirtual, "https", "www.example.com.s3.us-west-2.amazonaws.com", "",
         false},
        {"aws_path_dotted_bucket", "", "us-west-2", "www.example.com", AddressingStyle::kPath,
         "https", "s3.us-west-2.amazonaws.com", "", true},
        // Custom endpoints: path style unless virtual is asked for.
        {"custom_auto", "http://127.0.0.1:9000", "us-east-1", "my-bucket", AddressingStyle::kAuto,
         "http", "127.0.0.1:9000", "", true},
        {"custom_path", "http://127.0.0.1:9000", "us-east-1", "my-bucket", AddressingStyle::kPath,
         "http", "127.0.0.1:9000", "", true},
        {"custom_virtual", "https://minio.example.com", "us-east-1", "my-bucket",
         AddressingStyle::kVirtual, "https", "my-bucket.minio.example.com", "", false},
        {"custom_virtual_with_port", "http://minio.local:9000/", "us-east-1", "b",
         AddressingStyle::kVirtual, "http", "b.minio.local:9000", "", false},
        {"custom_auto_dotted", "https://minio.example.com", "us-east-1", "a.b.c",
         AddressingStyle::kAuto, "https", "minio.example.com", "", true},
        {"custom_base_path", "https://gw.example.com/s3/", "us-east-1", "b-1",
         AddressingStyle::kAuto, "https", "gw.example.com", "/s3", true},
        {"custom_base_path_many_slashes", "https://gw.example.com/a/b///", "us-east-1", "b-1",
         AddressingStyle::kAuto, "https", "gw.example.com", "/a/b", true},
        {"custom_base_path_virtual", "https://gw.example.com/s3", "us-east-1", "b-1",
         AddressingStyle::kVirtual, "https", "b-1.gw.example.com", "/s3", false},
        {"custom_region_ignored_for_host", "http://127.0.0.1:9000", "ap-south-1", "b",
         AddressingStyle::kAuto, "http", "127.0.0.1:9000", "", true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto endpoint = s3::resolve_endpoint(c.endpoint_url, c.region, c.bucket, c.style);
        EXPECT_EQ(endpoint.scheme, c.scheme);
        EXPECT_EQ(endpoint.host, c.host);
        EXPECT_EQ(endpoint.base_path, c.base_path);
        EXPECT_EQ(endpoint.path_style, c.path_style);
    }
}

TEST(ResolveEndpoint, StyleDefaultsToAuto) {
    const auto a = s3::resolve_endpoint("", "eu-west-1", "www.example.com");
    const auto b = s3::resolve_endpoint("", "eu-west-1", "www.example.com", AddressingStyle::kAuto);
    EXPECT_EQ(a.host, b.host);
    EXPECT_EQ(a.path_style, b.path_style);
}

TEST(ResolveEndpoint, BadUrlsThrowInvalidArgument) {
    for (const char* url :
         {"ftp://example.com", "127.0.0.1:9000", "example.com", "http://", "file:///tmp/x",
          "s3://bucket", "http://user@host", "http://127.0.0.1:9000/?x=1"}) {
        for (const auto style :
             {AddressingStyle::kAuto, AddressingStyle::kPath, AddressingStyle::kVirtual}) {
            SCOPED_TRACE(url);
            try {
                (void)s3::resolve_endpoint(url, "us-east-1", "my-bucket", style);
                FAIL() << "expected std::invalid_argument";
            } catch (const std::invalid_argument& error) {
                EXPECT_NE(std::string(error.what()).find(url), std::string::npos) << error.what();
            }
        }
    }
}

// ------------------------------------------------ virtual style on an IP address

TEST(IsIpLiteral, Table) {
    for (const char* host : {"127.0.0.1", "10.0.0.255", "127.1", "[::1]", "[fd00:ec2::254]"}) {
        SCOPED_TRACE(host);
        EXPECT_TRUE(s3::is_ip_literal(host));
    }
    for (const char* host : {"", "localhost", "minio.local", "s3.example.com", "1.2.3.example",
                             "127.0.0.1.nip.io", "[::1"}) {
        SCOPED_TRACE(host);
        EXPECT_FALSE(s3::is_ip_literal(host));
    }
}

TEST(ResolveEndpoint, VirtualStyleOnAnIpAddressIsRefused) {
    for (const char* url : {"http://127.0.0.1:9000", "http://127.0.0.1", "https://10.1.2.3/s3/",
                            "http://[::1]:9000", "http://[::1]"}) {
        SCOPED_TRACE(url);
        try {
            (void)s3::resolve_endpoint(url, "us-east-1", "my-bucket", AddressingStyle::kVirtual);
            FAIL() << "expected std::invalid_argument";
        } catch (const std::invalid_argument& error) {
            EXPECT_EQ(std::string(error.what()),
                      "--addressing-style virtual needs a host name in --endpoint-url; '" +
                          std::string(url) + "' is an IP address (use --addressing-style path)");
        }
        // Path and auto style need no host name.
        EXPECT_TRUE(
            s3::resolve_endpoint(url, "us-east-1", "my-bucket", AddressingStyle::kPath).path_style);
        EXPECT_TRUE(
            s3::resolve_endpoint(url, "us-east-1", "my-bucket", AddressingStyle::kAuto).path_style);
    }
}

TEST(VirtualHostProblem, OnlyForIpAddresses) {
    EXPECT_EQ(s3::virtual_host_problem("http://localhost:9000"), "");
    EXPECT_EQ(s3::virtual_host_problem("https://minio.example.com/base"), "");
    EXPECT_EQ(s3::virtual_host_problem(""), "");  // AWS itself
    EXPECT_NE(s3::virtual_host_problem("http://127.0.0.1:9000"), "");
    EXPECT_NE(s3::virtual_host_problem("http://[::1]:9000/"), "");
}

}  // namespace
