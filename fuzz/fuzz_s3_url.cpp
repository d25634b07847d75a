// libFuzzer target: cli::parse_s3_url. Invariants of an accepted URL:
//   * the bucket passes bucket_name_problem();
//   * the root is empty, or has no empty segment ("//"), does not begin with '/',
//     and ends with exactly one '/';
//   * "s3://" + bucket + "/" + root parses to the same bucket and root.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "cli/s3_url.hpp"

namespace {

[[noreturn]] void broken(const std::string& input, const char* what, const cli::S3Url& url) {
    std::fprintf(
        stderr,
        "fuzz_s3_url: invariant broken: %s\n  input:  '%s'\n  bucket: '%s'\n  root:   '%s'\n", what,
        input.c_str(), url.bucket.c_str(), url.root.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto parsed = cli::parse_s3_url(text);
    const auto* url = std::get_if<cli::S3Url>(&parsed);
    if (url == nullptr) {
        if (std::get<cli::UsageError>(parsed).message.empty()) {
            broken(text, "a UsageError without a message", {});
        }
        return 0;
    }
    if (!cli::bucket_name_problem(url->bucket).empty()) broken(text, "bucket name problem", *url);
    const std::string& root = url->root;
    if (!root.empty()) {
        if (root.back() != '/') broken(text, "root does not end with '/'", *url);
        if (root.find("//") != std::string::npos) broken(text, "root holds '//'", *url);
        if (root.front() == '/') broken(text, "root begins with '/'", *url);
    }
    const auto again = cli::parse_s3_url("s3://" + url->bucket + "/" + root);
    const auto* url2 = std::get_if<cli::S3Url>(&again);
    if (url2 == nullptr || url2->bucket != url->bucket || url2->root != root) {
        broken(text, "s3://BUCKET/ROOT does not parse back to the same bucket and root", *url);
    }
    return 0;
}
