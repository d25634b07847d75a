// Reads what the command line says is live (--protect-cloudfront,
// --protect-referenced-by) before planning, and hands it to retention as data.
// A source that cannot be read is a failure, never "nothing is live".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/run_report.hpp"
#include "cloudfront/client.hpp"
#include "retention/plan_builder.hpp"
#include "s3/client.hpp"

namespace cli {

// error.code of a pointer object over retention::kMaxPointerObjectBytes.
inline constexpr const char* kPointerTooLarge = "PointerTooLarge";

struct LiveReading {
    std::vector<retention::LiveSource> sources;  // CloudFront origins naming a deployment
    std::vector<retention::PointerObject> pointers;
    std::vector<std::string> warnings;
    // The first source that could not be read: the run deletes nothing.
    std::optional<RunError> failure;
};

struct LiveClients {
    s3::Client& s3;
    // Made on first use: a run without --protect-cloudfront never needs one.
    std::function<cloudfront::Client&()> cloudfront;
    std::string custom_s3_host;  // --endpoint-url's host, without port; empty for AWS
    std::function<void(const std::string&)> debug = [](const std::string&) {};
};

// Throws aws::ServiceError of kind kCancelled when a stop was asked for.
LiveReading read_live_sources(const Options& options, const LiveClients& clients);

}  // namespace cli
