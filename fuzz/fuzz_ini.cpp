// libFuzzer target: aws::parse_ini, the dialect of ~/.aws/config and
// ~/.aws/credentials. IniParseError is an allowed outcome. Invariants of an
// accepted file (ini_file.hpp): section names and keys are non-empty and trimmed,
// keys hold no upper-case ASCII letter, values are trimmed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/ini_file.hpp"

namespace {

bool trimmed(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n";
    return s.empty() || (kSpace.find(s.front()) == std::string_view::npos &&
                         kSpace.find(s.back()) == std::string_view::npos);
}

[[noreturn]] void broken(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_ini: invariant broken: %s: '%s'\n", what, detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    aws::IniSections sections;
    try {
        sections = aws::parse_ini(text, "fuzz.ini");
    } catch (const aws::IniParseError& e) {
        if (e.message.rfind("fuzz.ini:", 0) != 0)
            broken("error message does not name the source", e.message);
        return 0;
    }
    for (const auto& [name, keys] : sections) {
        if (name.empty() || !trimmed(name)) broken("section name empty or untrimmed", name);
        for (const auto& [key, value] : keys) {
            if (key.empty() || !trimmed(key)) broken("key empty or untrimmed", key);
            for (const char c : key) {
                if (c >= 'A' && c <= 'Z') broken("key not lower-cased", key);
            }
            if (!trimmed(value)) broken("value untrimmed", value);
        }
    }
    return 0;
}
