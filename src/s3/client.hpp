// A small S3 client: the few calls s3-cleanup makes, signed with SigV4, sent
// through the HttpTransport seam, retried by the shared aws::RetryControl.
// Errors come out as aws::ServiceError (service "s3").
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials_provider.hpp"
#include "aws/error.hpp"
#include "aws/retry_loop.hpp"
#include "net/http.hpp"
#include "net/transport_pool.hpp"
#include "s3/endpoint.hpp"
#include "s3/limits.hpp"
#include "s3/xml.hpp"

namespace s3 {

struct ClientConfig {
    std::string bucket;
    std::string region;
    std::string endpoint_url;  // empty: AWS itself
    AddressingStyle addressing = AddressingStyle::kAuto;
    std::shared_ptr<aws::CredentialsProvider> credentials;
    // Sent as x-amz-expected-bucket-owner on every request; empty: not sent.
    std::string expected_bucket_owner{};
};

// Requests sent, by kind; first attempts only. Retries are counted apart, so
// the request budget of a run can be checked.
struct RequestCounts {
    std::atomic<long> list{0};
    std::atomic<long> del{0};
    std::atomic<long> other{0};
    std::atomic<long> retries{0};
};

using Clock = std::function<std::chrono::system_clock::time_point()>;

// An object of a batch that was not deleted: its place in the batch and the
// last error S3 gave it.
struct BatchFailure {
    std::size_t index = 0;
    std::string code;
    std::string message;
};

struct BatchOutcome {
    std::vector<BatchFailure> failed;  // every other object of the batch is deleted
    // A stop came before a resend: the keys waiting for it failed with the
    // error they last got (they were sent, and refused).
    bool stopped = false;
};

// HTTP 416: S3's answer to a Range request on an empty object.
inline constexpr long kRangeNotSatisfiable = 416;

class Client {
public:
    // Each request borrows a transport from a pool fed by the factory, so
    // concurrent callers each keep their own connection alive.
    Client(
        ClientConfig config, net::TransportFactory transports,
        Clock clock = [] { return std::chrono::system_clock::now(); });
    // One transport for every request (tests; it must be thread-safe if the
    // client is used from several threads).
    Client(
        ClientConfig config, const std::shared_ptr<net::HttpTransport>& transport,
        Clock clock = [] { return std::chrono::system_clock::now(); });

    // One ListObjectsV2 page, always with encoding-type=url so that any key,
    // control characters included, survives the XML. start_after: only keys
    // after it (sent on a first page only: S3 ignores it beside a token).
    ListPage list_objects_v2(const std::string& prefix, const std::string& delimiter,
                             const std::string& continuation_token, int max_keys = kListPageMaxKeys,
                             const std::string& start_after = "");

    // One ListObjectVersions page (versions and delete markers), with
    // encoding-type=url. Pages continue from (key_marker, version_id_marker).
    VersionPage list_object_versions(const std::string& prefix, const std::string& delimiter,
                                     const std::string& key_marker,
                                     const std::string& version_id_marker,
                                     int max_keys = kListPageMaxKeys);
    // "Enabled", "Suspended" or "Disabled".
    std::string get_bucket_versioning();

    // GetBucketLifecycleConfiguration: the document as received; nullopt when
    // the bucket has none (NoSuchLifecycleConfiguration). An answer that is no
    // XML is a bad response (tried again).
    std::optional<std::string> get_bucket_lifecycle();
    // PutBucketLifecycleConfiguration of a whole document (it replaces every
    // rule), with the Content-MD5 S3 requires for it.
    void put_bucket_lifecycle(const std::string& document);
    // DeleteBucketLifecycle: a configuration of zero rules cannot be put; this
    // removes it. A bucket that has none already is done.
    void delete_bucket_lifecycle();

    // DeleteObjects in Quiet mode: only failures come back. A resend of keys
    // that failed with a retryable per-key error counts as a retry. With a
    // version id, that version is removed for good.
    DeleteResult delete_objects(const std::vector<std::string>& keys, bool resend = false);
    DeleteResult delete_objects_by_id(const std::vector<ObjectIdentifier>& objects,
                                      bool resend = false);
    // A batch settled: DeleteObjects, then the keys refused with a retryable
    // per-key error (InternalError, SlowDown, ...) again, alone, as the retry
    // policy allows. Throws aws::ServiceError when the first request fails as a
    // whole (nothing of the batch is deleted); a resend failing as a whole
    // fails the keys it carried.
    BatchOutcome delete_batch(const std::vector<ObjectIdentifier>& objects);
    void delete_object(const std::string& key, const std::string& version_id = "");
    // GetObject of the first max_bytes + 1 bytes (a Range request): the whole
    // body, or nullopt when the object holds more than max_bytes.
    std::optional<std::string> get_object(const std::string& key, std::uint64_t max_bytes);

    // Sends x-amz-bypass-governance-retention: true with deletions, so versions
    // under Object Lock governance retention can go (--bypass-governance-retention).
    bool bypass_governance_retention = false;

    const ClientConfig& config() const { return config_; }
    // The region requests are signed for: the configured one until S3 names
    // the bucket's own.
    std::string region() const;
    const RequestCounts& counts() const { return counts_; }

    // Told when the client follows S3 to the bucket's region (for --debug).
    std::function<void(const std::string&)> on_notice = [](const std::string&) {};
    aws::RetryControl retry;

private:
    struct Target {
        std::string region;
        Endpoint endpoint;
    };
    Target target() const;
    net::HttpResponse send_signed(const Target& target, int attempt, const std::string& method,
                                  const std::string& key, const std::string& query_string,
                                  const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers);
    // When an error answer names the bucket's region (and we have not moved
    // yet), moves there and returns true.
    bool follow_region(const net::HttpResponse& response, const std::string& signed_region);
    // One attempt: sign, send, follow a region redirect once; an error answer
    // or a transport failure becomes a ServiceError.
    net::HttpResponse attempt(int attempt, const std::string& method, const std::string& key,
                              const std::string& query_string, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& label);
    // For aws::with_retries: a re-send counts as a retry.
    aws::RetryTarget retry_target(const std::string& label);

    ClientConfig config_;
    mutable std::mutex target_mutex_;
    Target target_;
    bool redirected_ = false;
    net::TransportPool transports_;
    Clock clock_;
    RequestCounts counts_;
};

}  // namespace s3
