// ISO 8601 / RFC 3339 times as S3 writes them (2026-11-20T14:03:00.000Z).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace s3 {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// Accepts YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or +HH:MM / -HH:MM.
// Returns nullopt for anything else, out-of-range fields included.
std::optional<TimePoint> parse_timestamp(std::string_view text);

// 2026-11-20T14:03:00Z (whole seconds; S3 listings carry no finer detail
// that matters for ordering deployments).
std::string format_timestamp(TimePoint when);

}  // namespace s3
