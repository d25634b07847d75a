// --older-than AGE and --before TIME.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "aws/timestamp.hpp"

namespace cli {

// Large enough for any sensible retention, small enough that now - AGE never
// overflows a time point.
inline constexpr long long kMaxAgeDays = 100LL * 366;
inline constexpr long long kMaxAgeSeconds = kMaxAgeDays * 24 * 3600;

// Why a text is not an age, so the message can say how to fix it.
enum class AgeError {
    kMalformed,  // not a whole number and one of m, h, d, w
    kZero,       // "0d": a cutoff of now deletes everything past the N newest
    kTooLarge,   // past kMaxAgeSeconds
};

// "45m", "36h", "30d", "2w": a positive whole number and one unit.
std::variant<std::chrono::seconds, AgeError> read_age(const std::string& text);

// read_age without the reason: nullopt for every error.
std::optional<std::chrono::seconds> parse_age(const std::string& text);

// RFC 3339 with a zone: 2026-01-31T00:00:00Z (an offset is converted to UTC).
std::optional<aws::TimePoint> parse_time(const std::string& text);

}  // namespace cli
