// libFuzzer target: cli::parse_policy, the --config policy file (YAML through
// yaml-cpp), and the same input as a Lambda event (the policy in JSON, plus
// the run keys). A UsageError is an allowed outcome; any other exception
// escapes and fails the run, as a crash does. Invariants:
//   * an error is one line "fuzz.yaml:LINE: what", LINE a number from 1;
//   * an accepted file has targets, each with url and keep, never both
//     older_than and before, and every line (its own, its keys') from 1;
//   * a file never holds a run key; an event's run keys have lines from 1.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "cli/policy_file.hpp"

namespace {

constexpr std::string_view kFileName = "fuzz.yaml";

[[noreturn]] void broken(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_policy_yaml: invariant broken: %s: '%s'\n", what, detail.c_str());
    std::abort();
}

void check_error(const std::string& message) {
    const std::string prefix = std::string(kFileName) + ":";
    if (message.rfind(prefix, 0) != 0) broken("error does not name the file", message);
    if (message.find_first_of("\r\n") != std::string::npos)
        broken("error is not one line", message);
    std::size_t end = prefix.size();
    while (end < message.size() && message[end] >= '0' && message[end] <= '9') ++end;
    const std::string line = message.substr(prefix.size(), end - prefix.size());
    if (line.empty() || line.front() == '0') broken("error has no line from 1", message);
    if (message.compare(end, 2, ": ") != 0 || message.size() == end + 2) {
        broken("error has no ': what' after the line", message);
    }
}

void check_target(const cli::PolicyTarget& target) {
    if (target.line < 1) broken("target line below 1", std::to_string(target.line));
    if (target.lines.count("url") == 0) broken("target without url", target.raw.url);
    if (target.lines.count("keep") == 0) broken("target without keep", target.raw.url);
    if (target.lines.count("older_than") != 0 && target.lines.count("before") != 0) {
        broken("target with older_than and before", target.raw.url);
    }
    for (const auto& [key, line] : target.lines) {
        if (line < 1) broken("key line below 1", key);
    }
}

void check(std::string_view text, cli::PolicySource source) {
    const auto parsed = cli::parse_policy(text, std::string(kFileName), source);
    if (const auto* error = std::get_if<cli::UsageError>(&parsed)) {
        check_error(error->message);
        return;
    }
    const auto& file = std::get<cli::PolicyFile>(parsed);
    if (file.targets.empty()) broken("accepted without targets", std::string(text));
    for (const auto& target : file.targets) check_target(target);
    if (source == cli::PolicySource::kFile && !file.run_lines.empty()) {
        broken("a file with a run key", file.run_lines.begin()->first);
    }
    for (const auto& [key, line] : file.run_lines) {
        if (line < 1) broken("run key line below 1", key);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check(text, cli::PolicySource::kFile);
    check(text, cli::PolicySource::kLambdaEvent);
    return 0;
}
