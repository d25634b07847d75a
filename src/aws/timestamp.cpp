#include "aws/timestamp.hpp"

#include <cstdio>
#include <ctime>

namespace aws {

namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    out = value;
    return true;
}

// S3's own form, "YYYY-MM-DDTHH:MM:SS.sssZ": every LastModified of every
// listing, so a million of them a million-object run. Read by position, and
// the date (shared by most keys of a page) converted once per thread while it
// repeats. nullopt for any other text: the general parser has the last word.
std::optional<TimePoint> parse_s3_form(std::string_view text) {
    using namespace std::chrono;
    constexpr std::size_t kS3FormSize = 24;
    if (text.size() != kS3FormSize || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
        return std::nullopt;
    }
    int clock[4] = {};  // hour, minute, second, millisecond
    constexpr std::size_t kClockAt[4] = {11, 14, 17, 20};
    constexpr std::size_t kClockDigits[4] = {2, 2, 2, 3};
    for (int i = 0; i < 4; ++i) {
        if (!digits(text, kClockAt[i], kClockDigits[i], clock[i])) return std::nullopt;
    }
    if (clock[0] > 23 || clock[1] > 59 || clock[2] > 59) return std::nullopt;

    struct LastDate {
        char text[10] = {};
        sys_days day{};
        bool set = false;
    };
    thread_local LastDate last;
    if (!last.set || text.compare(0, sizeof last.text, last.text, sizeof last.text) != 0) {
        int year = 0, month = 0, day = 0;
        if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day)) {
            return std::nullopt;
        }
        const year_month_day date{std::chrono::year{year},
                                  std::chrono::month{static_cast<unsigned>(month)},
                                  std::chrono::day{static_cast<unsigned>(day)}};
        if (!date.ok()) return std::nullopt;
        text.copy(last.text, sizeof last.text);
        last.day = sys_days{date};
        last.set = true;
    }
    return TimePoint{last.day.time_since_epoch() + hours{clock[0]} + minutes{clock[1]} +
                     seconds{clock[2]} + milliseconds{clock[3]}};
}

}  // namespace

std::optional<TimePoint> parse_timestamp(std::string_view text) {
    using namespace std::chrono;
    if (auto fast = parse_s3_form(text)) return fast;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
        !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, hour) || text[13] != ':' ||
        !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
        return std::nullopt;
    }
    year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                        std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;

    std::size_t pos = 19;
    milliseconds fraction{0};
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        long scale = 100;
        long millis = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            millis += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
        fraction = milliseconds{millis};
    }
    minutes offset{0};
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int off_h = 0, off_m = 0;
        if (!digits(text, pos + 1, 2, off_h) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !digits(text, pos + 4, 2, off_m) || off_h > 23 || off_m > 59) {
            return std::nullopt;
        }
        offset = minutes{(off_h * 60 + off_m) * (text[pos] == '-' ? -1 : 1)};
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    const TimePoint result{sys_days{date}.time_since_epoch() + hours{hour} + minutes{minute} +
                           seconds{second} + fraction - offset};
    // An offset can carry 9999-12-31 into year 10000 (or 0000-01-01 into -1):
    // outside the four-digit years every RFC 3339 time must stay within. A UTC
    // time (S3 writes every LastModified so) stays in its year: no need to ask.
    if (offset == minutes{0}) return result;
    const year_month_day utc{floor<days>(result)};
    if (utc.year() < std::chrono::year{0} || utc.year() > std::chrono::year{9999}) {
        return std::nullopt;
    }
    return result;
}

std::optional<TimePoint> parse_http_date(std::string_view text) {
    using namespace std::chrono;
    // "Www, DD Mon YYYY HH:MM:SS GMT": fixed positions.
    constexpr std::size_t kFixdateSize = 29;
    constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (text.size() != kFixdateSize || text.substr(3, 2) != ", " || text[7] != ' ' ||
        text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' ||
        text.substr(25) != " GMT") {
        return std::nullopt;
    }
    const auto month_at = kMonths.find(text.substr(8, 3));
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (month_at == std::string_view::npos || month_at % 3 != 0 || !digits(text, 5, 2, day) ||
        !digits(text, 12, 4, year) || !digits(text, 17, 2, hour) || !digits(text, 20, 2, minute) ||
        !digits(text, 23, 2, second)) {
        return std::nullopt;
    }
    const year_month_day date{std::chrono::year{year},
                              std::chrono::month{static_cast<unsigned>(month_at / 3 + 1)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    return TimePoint{sys_days{date}.time_since_epoch() + hours{hour} + minutes{minute} +
                     seconds{second}};
}

std::string format_timestamp(TimePoint when) {
    using namespace std::chrono;
    auto secs = floor<seconds>(when);
    auto day = floor<days>(secs);
    year_month_day date{day};
    hh_mm_ss time{secs - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), long(time.hours().count()),
                  long(time.minutes().count()), static_cast<long long>(time.seconds().count()));
    return buf;
}

std::string amz_date(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

}  // namespace aws
