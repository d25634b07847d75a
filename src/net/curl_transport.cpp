// The only file that includes curl.
#include "net/curl_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

namespace net {

namespace {

void global_init_once() {
    static std::once_flag flag;
    std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
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
    if (now - watch->last_progress > watch->limit) {
        watch->stalled = true;
        return 1;  // abort the transfer
    }
    return 0;
}

}  // namespace

struct CurlTransport::Impl {
    CURL* easy = nullptr;
    TransportOptions options;
};

CurlTransport::CurlTransport(TransportOptions options) : impl_(std::make_unique<Impl>()) {
    global_init_once();
    impl_->easy = curl_easy_init();
    impl_->options = options;
    if (impl_->easy == nullptr) throw TransportFailure{"curl_easy_init failed"};
}

CurlTransport::~CurlTransport() {
    if (impl_ && impl_->easy != nullptr) curl_easy_cleanup(impl_->easy);
}

HttpResponse CurlTransport::send(const HttpRequest& request) {
    CURL* easy = impl_->easy;
    // Reset per-request options but keep the connection cache of the handle.
    curl_easy_reset(easy);

    HttpResponse response;
    const std::string url = request.url();
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, impl_->options.connect_timeout_ms);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, impl_->options.stall_timeout_seconds);
    if (impl_->options.total_timeout_ms > 0) {
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, impl_->options.total_timeout_ms);
    }
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    // The path is already encoded and must go out byte for byte as signed.
    curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response);
    StallWatch watch{std::chrono::steady_clock::now(), -1, -1,
                     std::chrono::seconds(impl_->options.stall_timeout_seconds), false};
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
                               std::to_string(impl_->options.stall_timeout_seconds) +
                               " s, transfer stalled (" + request.method + " " + request.scheme +
                               "://" + request.host + ")"};
    }
    if (code != CURLE_OK) {
        throw TransportFailure{std::string(curl_easy_strerror(code)) + " (" + request.method + " " +
                               request.scheme + "://" + request.host + ")"};
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace net
