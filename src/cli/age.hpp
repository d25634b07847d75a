// --older-than AGE and --before TIME.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "s3/timestamp.hpp"

namespace cli {

// "45m", "36h", "30d", "2w": a positive whole number and one unit. nullopt otherwise.
std::optional<std::chrono::seconds> parse_age(const std::string& text);

// RFC 3339 with a zone: 2026-01-31T00:00:00Z (an offset is converted to UTC).
std::optional<s3::TimePoint> parse_time(const std::string& text);

}  // namespace cli
