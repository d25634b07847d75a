// A small S3 client: the few calls s3-cleanup makes, signed with SigV4, sent
// through the HttpTransport seam. Errors come out as S3Error.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "net/http.hpp"
#include "s3/credentials_provider.hpp"
#include "s3/endpoint.hpp"
#include "s3/error.hpp"
#include "s3/sigv4.hpp"
#include "s3/xml.hpp"

namespace s3 {

// ListObjectsV2 returns at most 1000 keys a page whatever max-keys asks for.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
inline constexpr int kListPageMaxKeys = 1000;

struct ClientConfig {
    std::string bucket;
    std::string region;
    std::string endpoint_url;  // empty: AWS itself
    AddressingStyle addressing = AddressingStyle::kAuto;
    std::shared_ptr<CredentialsProvider> credentials;
};

struct RequestCounts {
    std::atomic<long> list{0};
    std::atomic<long> del{0};
    std::atomic<long> other{0};
};

using Clock = std::function<std::chrono::system_clock::time_point()>;

class Client {
public:
    Client(
        ClientConfig config, std::shared_ptr<net::HttpTransport> transport,
        Clock clock = [] { return std::chrono::system_clock::now(); });

    // One ListObjectsV2 page, always with encoding-type=url so that any key,
    // control characters included, survives the XML.
    ListPage list_objects_v2(const std::string& prefix, const std::string& delimiter,
                             const std::string& continuation_token,
                             int max_keys = kListPageMaxKeys);

    // DeleteObjects in Quiet mode: only failures come back.
    DeleteResult delete_objects(const std::vector<std::string>& keys);
    void delete_object(const std::string& key);

    const ClientConfig& config() const { return config_; }
    // The region requests are signed for: the configured one until S3 names
    // the bucket's own.
    std::string region() const;
    const RequestCounts& counts() const { return counts_; }

    // Told when the client follows S3 to the bucket's region (for --debug).
    std::function<void(const std::string&)> on_notice = [](const std::string&) {};

private:
    struct Target {
        std::string region;
        Endpoint endpoint;
    };
    Target target() const;
    net::HttpResponse send_signed(const Target& target, const std::string& method,
                                  const std::string& key, const std::string& query_string,
                                  const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers);
    // When an error answer names the bucket's region (and we have not moved
    // yet), moves there and returns true.
    bool follow_region(const net::HttpResponse& response, const std::string& signed_region);
    net::HttpResponse execute(const std::string& method, const std::string& key,
                              const std::vector<std::pair<std::string, std::string>>& query,
                              std::string body,
                              std::vector<std::pair<std::string, std::string>> extra_headers);

    ClientConfig config_;
    mutable std::mutex target_mutex_;
    Target target_;
    bool redirected_ = false;
    std::shared_ptr<net::HttpTransport> transport_;
    Clock clock_;
    RequestCounts counts_;
};

// "20261120T140300Z" for a time point.
std::string amz_date(std::chrono::system_clock::time_point when);

}  // namespace s3
