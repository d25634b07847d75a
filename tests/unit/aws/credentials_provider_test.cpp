// Unit tests for src/aws/credentials_provider.hpp: when credentials are due for
// renewal, and RefreshingProvider driven by a fake wall clock.
#include "aws/credentials_provider.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "aws/redaction.hpp"

namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// 2026-11-20T14:03:00Z
const aws::TimePoint kT0{milliseconds{1795183380000LL}};

// ------------------------------------------------------------- refresh_due

TEST(RefreshDue, Table) {
    struct Case {
        const char* name;
        milliseconds lifetime;  // expiration - fetched
        milliseconds elapsed;   // now - fetched
        bool due;
    };
    const std::vector<Case> cases = {
        // Long-lived: renewed 5 minutes ahead of expiry.
        {"1h_fresh", hours(1), milliseconds(0), false},
        {"1h_just_before_window", hours(1), minutes(55) - milliseconds(1), false},
        {"1h_window_starts", hours(1), minutes(55), true},
        {"1h_at_expiry", hours(1), hours(1), true},
        {"1h_after_expiry", hours(1), hours(2), true},
        {"15m_before", minutes(15), minutes(10) - milliseconds(1), false},
        {"15m_window", minutes(15), minutes(10), true},
        {"10m_is_long_lived", minutes(10), minutes(5) - milliseconds(1), false},
        {"10m_window", minutes(10), minutes(5), true},
        // Shorter than 10 minutes: renewed half-way through.
        {"6m_before_half", minutes(6), minutes(3) - milliseconds(1), false},
        {"6m_half", minutes(6), minutes(3), true},
        {"1m_before_half", minutes(1), seconds(30) - milliseconds(1), false},
        {"1m_half", minutes(1), seconds(30), true},
        {"9m59s_half", minutes(10) - seconds(2), minutes(5) - seconds(1), true},
        {"9m59s_before_half", minutes(10) - seconds(2), minutes(5) - seconds(2), false},
        // Already expired or expiring when fetched.
        {"zero_lifetime", milliseconds(0), milliseconds(0), true},
        {"expired_when_fetched", -minutes(1), milliseconds(0), true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(aws::refresh_due(kT0, kT0 + c.lifetime, kT0 + c.elapsed), c.due);
    }
}

TEST(RefreshDue, AheadConstantIsFiveMinutes) {
    EXPECT_EQ(std::chrono::duration_cast<seconds>(aws::kRefreshAhead), seconds(300));
}

// ------------------------------------------------------ RefreshingProvider

struct FakeClock {
    std::shared_ptr<aws::TimePoint> now = std::make_shared<aws::TimePoint>(kT0);
    aws::WallClock clock() const {
        return [now = now] { return *now; };
    }
    void advance(milliseconds by) const { *now += by; }
};

// Hands out "AKIAREFRESH000001", "...02", ... each living `lifetime` from the
// fake now, or forever when lifetime is zero.
struct CountingFetch {
    std::shared_ptr<int> calls = std::make_shared<int>(0);
    aws::RefreshingProvider::Fetch fetch(const FakeClock& clock, milliseconds lifetime,
                                         const std::string& prefix) const {
        return [calls = calls, now = clock.now, lifetime, prefix] {
            ++*calls;
            aws::TimedCredentials out;
            out.credentials = {prefix + std::to_string(*calls),
                               prefix + "SECRET" + std::to_string(*calls),
                               prefix + "TOKEN" + std::to_string(*calls)};
            if (lifetime.count() != 0) out.expiration = *now + lifetime;
            return out;
        };
    }
};

TEST(RefreshingProvider, FetchesOnceWhileFresh) {
    FakeClock clock;
    CountingFetch counter;
    aws::RefreshingProvider provider(counter.fetch(clock, hours(1), "AKIAFRESH0000000"), "test",
                                     clock.clock());
    EXPECT_EQ(provider.fetches(), 0);  // nothing until asked
    EXPECT_EQ(provider.current().access_key_id, "AKIAFRESH00000001");
    for (int i = 0; i < 54; ++i) {
        clock.advance(minutes(1));
        EXPECT_EQ(provider.current().access_key_id, "AKIAFRESH00000001");
    }
    EXPECT_EQ(*counter.calls, 1);
    EXPECT_EQ(provider.fetches(), 1);
}

TEST(RefreshingProvider, RefetchesWhenDue) {
    FakeClock clock;
    CountingFetch counter;
    aws::RefreshingProvider provider(counter.fetch(clock, hours(1), "AKIADUE000000000"), "test",
                                     clock.clock());
    EXPECT_EQ(provider.current().access_key_id, "AKIADUE0000000001");
    clock.advance(minutes(55));
    const auto renewed = provider.current();
    EXPECT_EQ(renewed.access_key_id, "AKIADUE0000000002");
    EXPECT_EQ(renewed.secret_access_key, "AKIADUE000000000SECRET2");
    EXPECT_EQ(renewed.session_token, "AKIADUE000000000TOKEN2");
    EXPECT_EQ(provider.fetches(), 2);
    // The renewal window is measured from the new fetch.
    clock.advance(minutes(54));
    EXPECT_EQ(provider.current().access_key_id, "AKIADUE0000000002");
    clock.advance(minutes(1));
    EXPECT_EQ(provider.current().access_key_id, "AKIADUE0000000003");
    EXPECT_EQ(*counter.calls, 3);
}

TEST(RefreshingProvider, ShortLivedRenewsAtHalfLife) {
    FakeClock clock;
    CountingFetch counter;
    aws::RefreshingProvider provider(counter.fetch(clock, minutes(6), "AKIASHORT0000000"), "test",
                                     clock.clock());
    (void)provider.current();
    clock.advance(minutes(3) - milliseconds(1));
    (void)provider.current();
    EXPECT_EQ(provider.fetches(), 1);
    clock.advance(milliseconds(1));
    (void)provider.current();
    EXPECT_EQ(provider.fetches(), 2);
}

TEST(RefreshingProvider, NeverRefetchesCredentialsThatDoNotExpire) {
    FakeClock clock;
    CountingFetch counter;
    aws::RefreshingProvider provider(counter.fetch(clock, milliseconds(0), "AKIAFOREVER00000"),
                                     "test", clock.clock());
    (void)provider.current();
    clock.advance(hours(24 * 365 * 10));
    EXPECT_EQ(provider.current().access_key_id, "AKIAFOREVER000001");
    EXPECT_EQ(provider.fetches(), 1);
}

TEST(RefreshingProvider, FailuresPropagateAndAreRetried) {
    FakeClock clock;
    auto calls = std::make_shared<int>(0);
    aws::RefreshingProvider provider(
        [calls] {
            if (++*calls == 1) throw aws::CredentialsError{"STS unreachable"};
            return aws::TimedCredentials{{"AKIARETRY0000001", "RETRYSECRET01", ""}, std::nullopt};
        },
        "retrying", clock.clock());
    try {
        (void)provider.current();
        FAIL() << "expected CredentialsError";
    } catch (const aws::CredentialsError& error) {
        EXPECT_EQ(error.message, "STS unreachable");
    }
    EXPECT_EQ(provider.fetches(), 0);
    EXPECT_EQ(provider.current().access_key_id, "AKIARETRY0000001");
    EXPECT_EQ(provider.fetches(), 1);
    EXPECT_EQ(*calls, 2);
}

TEST(RefreshingProvider, AFailedEarlyRenewalKeepsTheStillValidKeys) {
    FakeClock clock;
    auto calls = std::make_shared<int>(0);
    auto now = clock.now;
    aws::RefreshingProvider provider(
        [calls, now] {
            ++*calls;
            if (*calls == 2 || *calls == 3) throw aws::CredentialsError{"STS unreachable"};
            return aws::TimedCredentials{{"AKIAKEEP000000" + std::to_string(*calls), "S", ""},
                                         *now + hours(1)};
        },
        "keeping", clock.clock());
    EXPECT_EQ(provider.current().access_key_id, "AKIAKEEP0000001");
    clock.advance(minutes(56));  // due (5 minutes ahead), renewal fails: old keys still hold
    EXPECT_EQ(provider.current().access_key_id, "AKIAKEEP0000001");
    clock.advance(minutes(1));  // fails again, still valid
    EXPECT_EQ(provider.current().access_key_id, "AKIAKEEP0000001");
    clock.advance(minutes(1));  // renewal works
    EXPECT_EQ(provider.current().access_key_id, "AKIAKEEP0000004");
    EXPECT_EQ(*calls, 4);
}

TEST(RefreshingProvider, AFailedRenewalOfExpiredKeysIsAnError) {
    FakeClock clock;
    auto calls = std::make_shared<int>(0);
    auto now = clock.now;
    aws::RefreshingProvider provider(
        [calls, now] {
            if (++*calls > 1) throw aws::CredentialsError{"STS unreachable"};
            return aws::TimedCredentials{{"AKIAEXPIRED00001", "S", ""}, *now + hours(1)};
        },
        "expiring", clock.clock());
    EXPECT_EQ(provider.current().access_key_id, "AKIAEXPIRED00001");
    clock.advance(hours(1));
    EXPECT_THROW((void)provider.current(), aws::CredentialsError);
}

TEST(RefreshingProvider, SourceAndRedaction) {
    FakeClock clock;
    CountingFetch counter;
    aws::RefreshingProvider provider(counter.fetch(clock, hours(1), "AKIAREDACT000000"),
                                     "role arn:x (profile p)", clock.clock());
    EXPECT_EQ(provider.source(), "role arn:x (profile p)");
    (void)provider.current();
    EXPECT_EQ(aws::redact("id AKIAREDACT0000001 secret AKIAREDACT000000SECRET1 token "
                          "AKIAREDACT000000TOKEN1"),
              "id AKIA**** secret **** token ****");
}

TEST(RefreshingProvider, ConcurrentCallersShareOneFetch) {
    FakeClock clock;
    CountingFetch counter;
    aws::RefreshingProvider provider(counter.fetch(clock, hours(1), "AKIATHREADS00000"), "test",
                                     clock.clock());
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                if (provider.current().access_key_id != "AKIATHREADS000001") ++wrong;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(provider.fetches(), 1);
}

TEST(StaticProvider, HandsOutWhatItWasGiven) {
    aws::StaticProvider provider({"AKIASTATIC000001", "STATICSECRET01", "STATICTOKEN01"},
                                 "environment");
    const auto creds = provider.current();
    EXPECT_EQ(creds.access_key_id, "AKIASTATIC000001");
    EXPECT_EQ(creds.secret_access_key, "STATICSECRET01");
    EXPECT_EQ(creds.session_token, "STATICTOKEN01");
    EXPECT_EQ(provider.source(), "environment");
    EXPECT_EQ(aws::redact("STATICSECRET01/STATICTOKEN01"), "****/****");
}

}  // namespace
