// ISO 8601 / RFC 3339 times as AWS writes them (2026-11-20T14:03:00.000Z), and
// the basic form SigV4 signs (20261120T140300Z).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace aws {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// Accepts YYYY-MM-DDTHH:MM:SS, optional fraction, then Z or +HH:MM / -HH:MM.
// Returns nullopt for anything else, out-of-range fields included.
std::optional<TimePoint> parse_timestamp(std::string_view text);

// An HTTP Date header, IMF-fixdate: "Wed, 02 Dec 2026 16:00:00 GMT" (RFC 9110
// 5.6.7; the form every AWS service sends). nullopt for anything else.
std::optional<TimePoint> parse_http_date(std::string_view text);

// 2026-11-20T14:03:00Z (whole seconds; S3 listings carry no finer detail
// that matters for ordering deployments).
std::string format_timestamp(TimePoint when);

// "20261120T140300Z": the x-amz-date form SigV4 signs.
std::string amz_date(std::chrono::system_clock::time_point when);

}  // namespace aws
