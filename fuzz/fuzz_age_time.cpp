// libFuzzer target: --older-than AGE (cli::parse_age) and --before TIME
// (cli::parse_time, aws::parse_timestamp). Invariants:
//   * an accepted AGE is positive;
//   * cli::parse_time and aws::parse_timestamp agree;
//   * an accepted time, written with aws::format_timestamp and parsed again,
//     gives the same second.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aws/timestamp.hpp"
#include "cli/age.hpp"

namespace {

[[noreturn]] void broken(const std::string& input, const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_age_time: invariant broken: %s\n  input: '%s'\n  %s\n", what,
                 input.c_str(), detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace std::chrono;
    const std::string text(reinterpret_cast<const char*>(data), size);

    if (const auto age = cli::parse_age(text); age && age->count() <= 0) {
        broken(text, "parse_age accepted a non-positive age", std::to_string(age->count()) + " s");
    }

    const auto cli_time = cli::parse_time(text);
    const auto time = aws::parse_timestamp(text);
    if (cli_time != time) broken(text, "cli::parse_time and aws::parse_timestamp disagree", "");
    if (!time) return 0;

    const std::string formatted = aws::format_timestamp(*time);
    const auto reparsed = aws::parse_timestamp(formatted);
    const aws::TimePoint second = floor<seconds>(*time);
    if (!reparsed || *reparsed != second) {
        broken(text, "format_timestamp(parse_timestamp(x)) does not parse back to the same second",
               "formatted: '" + formatted +
                   "' (ms since epoch: " + std::to_string(time->time_since_epoch().count()) + ")");
    }
    return 0;
}
