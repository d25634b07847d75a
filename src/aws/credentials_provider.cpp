#include "aws/credentials_provider.hpp"

#include "aws/redaction.hpp"

namespace aws {

WallClock system_wall_clock() {
    return [] {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
    };
}

StaticProvider::StaticProvider(sigv4::Credentials credentials, std::string source)
    : credentials_(std::move(credentials)), source_(std::move(source)) {
    registered({credentials_, std::nullopt});
}

bool refresh_due(TimePoint fetched, TimePoint expiration, TimePoint now) {
    const std::chrono::milliseconds lifetime = expiration - fetched;
    const std::chrono::milliseconds ahead =
        lifetime < 2 * kRefreshAhead ? lifetime / 2 : std::chrono::milliseconds(kRefreshAhead);
    return now + ahead >= expiration;
}

RefreshingProvider::RefreshingProvider(Fetch fetch, std::string source, WallClock clock)
    : fetch_(std::move(fetch)), source_(std::move(source)), clock_(std::move(clock)) {}

sigv4::Credentials RefreshingProvider::current() {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_();
    if (cached_ && (!cached_->expiration || !refresh_due(fetched_at_, *cached_->expiration, now))) {
        return cached_->credentials;
    }
    try {
        cached_ = registered(fetch_());
    } catch (const CredentialsError&) {
        // Renewal is early on purpose: while the old keys still hold, a brief
        // outage of STS or the metadata service must not end the run.
        if (cached_ && cached_->expiration && now < *cached_->expiration) {
            return cached_->credentials;
        }
        throw;
    }
    fetched_at_ = now;
    ++fetches_;
    return cached_->credentials;
}

TimedCredentials registered(TimedCredentials credentials) {
    register_access_key(credentials.credentials.access_key_id);
    register_secret(credentials.credentials.secret_access_key);
    register_secret(credentials.credentials.session_token);
    return credentials;
}

}  // namespace aws
