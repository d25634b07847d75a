// The only file that includes curl.
#include "net/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>

#include "net/proxy.hpp"

namespace net {

namespace {

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A body is reserved to the size Content-Length announces, so it is not grown
// (and copied) step by step; a larger announcement is not trusted that far.
constexpr std::size_t kMaxBodyReserveBytes = std::size_t{64} * 1024 * 1024;

void reserve_body(HttpResponse& response, std::string_view content_length) {
    std::size_t bytes = 0;
    const auto [end, error] = std::from_chars(content_length.data(),
                                              content_length.data() + content_length.size(), bytes);
    if (error != std::errc() || end != content_length.data() + content_length.size()) return;
    response.body.reserve(std::min(bytes, kMaxBodyReserveBytes));
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
    auto* response = static_cast<HttpResponse*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        // A new status line (after a 100 Continue or a redirect): start over.
        response->headers.clear();
        return size * count;
    }
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
            value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' ||
                                  value.back() == ' ' || value.back() == '\t')) {
            value.remove_suffix(1);
        }
        if (name == "content-length") reserve_body(*response, value);
        response->headers[name] = std::string(value);
    }
    return size * count;
}

// curl's low-speed check averages over a window that the request body just
// sent keeps above the limit, so a server that reads the body and then never
// answers would be waited on far past --timeout. This watches for bytes
// moving in either direction and aborts once none have for the stall time.
struct StallWatch {
    std::chrono::steady_clock::time_point last_progress;
    curl_off_t last_down = -1;
    curl_off_t last_up = -1;
    std::chrono::seconds limit;
    bool stalled = false;
};

int watch_progress(void* user, curl_off_t, curl_off_t down, curl_off_t, curl_off_t up) {
    auto* watch = static_cast<StallWatch*>(user);
    const auto now = std::chrono::steady_clock::now();
    if (down != watch->last_down || up != watch->last_up) {
        watch->last_down = down;
        watch->last_up = up;
        watch->last_progress = now;
        return 0;
    }
    // A limit of 0 is none: the Lambda runtime's long poll waits as long as Lambda does.
    if (watch->limit.count() > 0 && now - watch->last_progress > watch->limit) {
        watch->stalled = true;
        return 1;  // abort the transfer
    }
    return 0;
}

// "host", "host:port", "[v6]:port" -> the host, as NO_PROXY names it.
std::string host_of(const std::string& host_port) {
    if (!host_port.empty() && host_port.front() == '[') {
        return host_port.substr(0, host_port.find(']') + 1);
    }
    return host_port.substr(0, host_port.find(':'));
}

std::string os_error_text(long os_errno) {
    if (os_errno == 0) return {};
    std::string text = std::generic_category().message(static_cast<int>(os_errno));
    if (!text.empty()) {
        text.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
    }
    return text;
}

// With a proxy, curl's own words ("Couldn't connect to server") would blame
// the endpoint, which was never contacted: say which proxy failed, and where
// its setting came from, since that is what has to be fixed.
std::optional<std::string> proxy_failure(CURL* easy, CURLcode code, const HttpRequest& request,
                                         const ProxyChoice& proxy) {
    const std::string named = "the proxy " + proxy.shown() + " (from " + proxy.variable + ")";
    const std::string fix = "; check the proxy setting or unset it";
    long connect_code = 0;
    curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
    if (connect_code != 0 && (connect_code < 200 || connect_code > 299)) {
        // CONNECT always names a port, the scheme's own when the URL has none.
        const bool has_port =
            request.host.find(':', request.host.rfind(']') + 1) != std::string::npos;
        const std::string target =
            has_port ? request.host : request.host + (request.scheme == "http" ? ":80" : ":443");
        return named + " answered HTTP " + std::to_string(connect_code) + " to CONNECT " + target +
               fix;
    }
    if (code == CURLE_COULDNT_RESOLVE_PROXY) return "cannot resolve the host of " + named + fix;
    if (code == CURLE_COULDNT_CONNECT && connect_code == 0) {
        long os_errno = 0;
        curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
        const std::string why = os_error_text(os_errno);
        return "cannot connect to " + named + (why.empty() ? "" : ": " + why) + fix;
    }
    return std::nullopt;
}

// What to do about a certificate that is not trusted, said once for every reason.
constexpr const char* kTrustAdvice =
    "; to trust a private CA, pass --ca-bundle FILE or set AWS_CA_BUNDLE (or ca_bundle in the "
    "profile)";

// OpenSSL's verification results (openssl/x509_vfy.h; their values are part
// of its ABI), as curl hands them on (CURLINFO_SSL_VERIFYRESULT). Named here
// because OpenSSL's headers belong to aws/ (scripts/check-layers).
constexpr long kVerifyOk = 0;            // X509_V_OK
constexpr long kVerifyUnspecified = 1;   // X509_V_ERR_UNSPECIFIED
constexpr long kIssuerUnknown = 2;       // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
constexpr long kNotYetValid = 9;         // X509_V_ERR_CERT_NOT_YET_VALID
constexpr long kExpired = 10;            // X509_V_ERR_CERT_HAS_EXPIRED
constexpr long kSelfSigned = 18;         // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
constexpr long kSelfSignedInChain = 19;  // X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
constexpr long kIssuerNotLocal = 20;     // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
constexpr long kLeafUnverifiable = 21;   // X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE

// Why the server's certificate was refused, in the words a user acts on, with
// curl's own detail. curl checks the host name itself, after OpenSSL accepted
// the chain, and then records X509_V_ERR_UNSPECIFIED (libcurl 7.88; X509_V_OK
// in others): a refusal without a chain error is the name.
std::string certificate_reason(long verify_result, const std::string& detail) {
    const std::string told = detail.empty() ? std::string() : " (" + detail + ")";
    switch (verify_result) {
        case kVerifyOk:
        case kVerifyUnspecified:
            return "name mismatch: the certificate is not for this host" + told;
        case kIssuerUnknown:
        case kIssuerNotLocal:
        case kLeafUnverifiable:
        case kSelfSigned:
        case kSelfSignedInChain:
            return "unknown CA" + told;
        case kExpired:
            return "expired" + told;
        case kNotYetValid:
            return "not yet valid" + told;
        default:
            return detail.empty() ? "verification failed" : detail;
    }
}

std::string failure_message(CURL* easy, CURLcode code, const HttpRequest& request,
                            const std::optional<ProxyChoice>& proxy) {
    if (proxy) {
        if (auto message = proxy_failure(easy, code, request, *proxy)) return *message;
    }
    std::string message = std::string(curl_easy_strerror(code)) + " (" + request.method + " " +
                          request.scheme + "://" + request.host;
    if (proxy) message += " through the proxy " + proxy->shown() + " from " + proxy->variable;
    return message + ")";
}

}  // namespace

struct CurlTransport::Impl {
    CURL* easy = nullptr;
    TransportOptions options;
    // curl's own detail of the last failure (CURLOPT_ERRORBUFFER).
    std::array<char, CURL_ERROR_SIZE> error_text{};
    EnvironmentLookup env = process_environment();
};

CurlTransport::CurlTransport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
    global_init_once();
    impl_->easy = curl_easy_init();
    impl_->options = std::move(options);
    if (impl_->easy == nullptr) throw TransportFailure{"curl_easy_init failed"};
}

CurlTransport::~CurlTransport() {
    if (impl_ && impl_->easy != nullptr) curl_easy_cleanup(impl_->easy);
}

HttpResponse CurlTransport::send(const HttpRequest& request) {
    CURL* easy = impl_->easy;
    const TransportOptions& options = impl_->options;
    // Reset per-request options but keep the connection cache of the handle.
    curl_easy_reset(easy);

    HttpResponse response;
    const std::string url = request.url();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    if (!options.ca_bundle.empty())
        curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_bundle.c_str());
    impl_->error_text.front() = '\0';
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, impl_->error_text.data());
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    if (options.stall_timeout_seconds > 0) {
        curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_seconds);
    }
    if (options.total_timeout_ms > 0) {
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
    }
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    // Chosen here rather than by curl from the environment, so that a failure
    // names the proxy (see proxy.hpp); "" for none stops curl looking itself,
    // and the NO_PROXY exclusions have been applied already.
    const auto proxy = options.use_proxy
                           ? choose_proxy(request.scheme, host_of(request.host), impl_->env)
                           : std::nullopt;
    curl_easy_setopt(easy, CURLOPT_PROXY, proxy ? proxy->url.c_str() : "");
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "");
    // The path is already encoded and must go out byte for byte as signed.
    curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response);
    StallWatch watch{std::chrono::steady_clock::now(), -1, -1,
                     std::chrono::seconds(options.stall_timeout_seconds), false};
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, watch_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &watch);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);

    if (request.method == "GET") {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(request.body.size()));
        }
    }

    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
        std::string line = name + ": " + value;
        headers = curl_slist_append(headers, line.c_str());
    }
    // curl would add these on its own; S3 did not sign them and does not need them.
    headers = curl_slist_append(headers, "Expect:");
    headers = curl_slist_append(headers, "Accept:");
    if (request.method == "POST" &&
        std::none_of(request.headers.begin(), request.headers.end(),
                     [](const auto& h) { return h.first == "content-type"; })) {
        headers = curl_slist_append(headers, "Content-Type:");
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);

    CURLcode code = curl_easy_perform(easy);
    curl_slist_free_all(headers);
    if (code == CURLE_ABORTED_BY_CALLBACK && watch.stalled) {
        throw TransportFailure{"timed out: no data for " +
                               std::to_string(options.stall_timeout_seconds) +
                               " s, transfer stalled (" + request.method + " " + request.scheme +
                               "://" + request.host + ")"};
    }
    if (code == CURLE_PEER_FAILED_VERIFICATION) {
        long verify_result = kVerifyOk;
        curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify_result);
        throw TransportFailure{"cannot verify the TLS certificate of " + request.host + ": " +
                                   certificate_reason(verify_result, impl_->error_text.data()) +
                                   kTrustAdvice,
                               true};
    }
    if (code == CURLE_SSL_CACERT_BADFILE) {
        throw TransportFailure{
            "cannot use the CA bundle " + options.ca_bundle + ": " + impl_->error_text.data(),
            true};
    }
    if (code != CURLE_OK) throw TransportFailure{failure_message(easy, code, request, proxy)};
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace net
