// Credentials that may expire: a provider hands out current ones and renews
// them ahead of expiry, so a long run never signs with stale keys.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/sigv4.hpp"
#include "aws/timestamp.hpp"

namespace aws {

// Obtaining credentials failed (STS refused, credential_process failed, a
// metadata service answered nonsense): a runtime failure, exit 1.
struct CredentialsError {
    std::string message;
};

struct TimedCredentials {
    sigv4::Credentials credentials;
    std::optional<TimePoint> expiration;  // none: they do not expire
};

using WallClock = std::function<TimePoint()>;
WallClock system_wall_clock();

class CredentialsProvider {
public:
    virtual ~CredentialsProvider() = default;
    // Current credentials, renewed when due. Thread-safe. Throws CredentialsError.
    virtual sigv4::Credentials current() = 0;
    // Where they come from, for --debug and messages: "environment", ...
    virtual std::string source() const = 0;
};

class StaticProvider final : public CredentialsProvider {
public:
    StaticProvider(sigv4::Credentials credentials, std::string source);
    sigv4::Credentials current() override { return credentials_; }
    std::string source() const override { return source_; }

private:
    sigv4::Credentials credentials_;
    std::string source_;
};

// Renew at least this long before expiry (what the AWS SDKs do).
inline constexpr std::chrono::minutes kRefreshAhead{5};

// True when credentials fetched at `fetched` that expire at `expiration` are
// due for renewal at `now`: 5 minutes ahead, or half-way through a lifetime
// shorter than 10 minutes.
bool refresh_due(TimePoint fetched, TimePoint expiration, TimePoint now);

class RefreshingProvider final : public CredentialsProvider {
public:
    using Fetch = std::function<TimedCredentials()>;
    RefreshingProvider(Fetch fetch, std::string source, WallClock clock = system_wall_clock());

    sigv4::Credentials current() override;
    std::string source() const override { return source_; }
    int fetches() const { return fetches_; }

private:
    Fetch fetch_;
    std::string source_;
    WallClock clock_;
    std::mutex mutex_;
    std::optional<TimedCredentials> cached_;
    TimePoint fetched_at_{};
    int fetches_ = 0;
};

// Registers the keys with the redaction registry and returns them.
TimedCredentials registered(TimedCredentials credentials);

}  // namespace aws
