#include "cli/age.hpp"

#include <charconv>

namespace cli {

namespace {

std::optional<long long> unit_seconds(char unit) {
    switch (unit) {
        case 'm':
            return 60;
        case 'h':
            return 3600;
        case 'd':
            return 86400;
        case 'w':
            return 7LL * 86400;
        default:
            return std::nullopt;
    }
}

}  // namespace

std::variant<std::chrono::seconds, AgeError> read_age(const std::string& text) {
    if (text.size() < 2) return AgeError::kMalformed;
    const auto unit = unit_seconds(text.back());
    if (!unit) return AgeError::kMalformed;
    const char* begin = text.data();
    const char* end = text.data() + text.size() - 1;
    for (const char* p = begin; p != end; ++p) {
        if (*p < '0' || *p > '9') return AgeError::kMalformed;  // no sign, space or point
    }
    long long count = 0;
    auto [ptr, ec] = std::from_chars(begin, end, count);
    // Only digits: the one way from_chars can fail is a number past long long.
    if (ec == std::errc::result_out_of_range) return AgeError::kTooLarge;
    if (ec != std::errc() || ptr != end) return AgeError::kMalformed;
    if (count == 0) return AgeError::kZero;
    if (count > kMaxAgeSeconds / *unit) return AgeError::kTooLarge;
    return std::chrono::seconds{count * *unit};
}

std::optional<std::chrono::seconds> parse_age(const std::string& text) {
    const auto age = read_age(text);
    if (const auto* seconds = std::get_if<std::chrono::seconds>(&age)) return *seconds;
    return std::nullopt;
}

std::optional<aws::TimePoint> parse_time(const std::string& text) {
    return aws::parse_timestamp(text);
}

}  // namespace cli
