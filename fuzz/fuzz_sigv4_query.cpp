// libFuzzer target: aws::sigv4::canonical_query. Invariants: the canonical form
// is a fixed point (canonical_query(canonical_query(x)) == canonical_query(x)),
// and it holds only unreserved characters, '&', '=' and %XX with upper-case hex.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/sigv4.hpp"

namespace {

bool is_upper_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

bool is_unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

[[noreturn]] void broken(const char* what, std::string_view input, const std::string& once,
                         const std::string& twice) {
    std::fprintf(
        stderr,
        "fuzz_sigv4_query: invariant broken: %s\n  input: '%.*s'\n  once:  '%s'\n  twice: '%s'\n",
        what, static_cast<int>(input.size()), input.data(), once.c_str(), twice.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view query(reinterpret_cast<const char*>(data), size);
    const std::string once = aws::sigv4::canonical_query(query);
    for (std::size_t i = 0; i < once.size(); ++i) {
        const char c = once[i];
        if (c == '%') {
            if (i + 2 >= once.size() || !is_upper_hex(once[i + 1]) || !is_upper_hex(once[i + 2])) {
                broken("'%' not followed by two upper-case hex digits", query, once, "");
            }
            i += 2;
        } else if (!is_unreserved(c) && c != '&' && c != '=') {
            broken("a character that should have been encoded", query, once, "");
        }
    }
    const std::string twice = aws::sigv4::canonical_query(once);
    if (twice != once) broken("not idempotent", query, once, twice);
    return 0;
}
