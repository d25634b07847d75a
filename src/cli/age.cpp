#include "cli/age.hpp"

#include <charconv>

namespace cli {

namespace {

// Large enough for any sensible retention, small enough that now - AGE never
// overflows a time point.
constexpr long long kMaxAgeSeconds = 100LL * 366 * 24 * 3600;

}  // namespace

std::optional<std::chrono::seconds> parse_age(const std::string& text) {
    if (text.size() < 2) return std::nullopt;
    long long unit = 0;
    switch (text.back()) {
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 7LL * 86400;
            break;
        default:
            return std::nullopt;
    }
    long long count = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size() - 1;
    if (*begin < '0' || *begin > '9') return std::nullopt;  // no sign, no space
    auto [ptr, ec] = std::from_chars(begin, end, count);
    if (ec != std::errc() || ptr != end || count <= 0 || count > kMaxAgeSeconds / unit) {
        return std::nullopt;
    }
    return std::chrono::seconds{count * unit};
}

std::optional<s3::TimePoint> parse_time(const std::string& text) {
    return s3::parse_timestamp(text);
}

}  // namespace cli
