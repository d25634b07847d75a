#include "cli/run_cleanup.hpp"

#include <iostream>

#include "cli/plan_output.hpp"
#include "net/curl_transport.hpp"
#include "retention/inventory.hpp"
#include "retention/planner.hpp"
#include "s3/aws_settings.hpp"
#include "s3/client.hpp"

namespace cli {

void print_error(const std::string& message) {
    std::cerr << "s3-cleanup: error: " << printable(message) << std::endl;
}

int run_cleanup(const Options& options) {
    s3::AwsSettings settings;
    try {
        settings = s3::resolve_settings({options.profile, options.region, options.endpoint_url},
                                        s3::process_env());
    } catch (const s3::ConfigError& error) {
        print_error(error.message);
        return kExitUsage;
    } catch (const s3::NoCredentialsError& error) {
        print_error(error.message);
        return kExitFailed;
    }

    s3::ClientConfig config;
    config.bucket = options.url.bucket;
    config.region = settings.region;
    config.credentials = settings.credentials;
    try {
        config.endpoint = s3::resolve_endpoint(settings.endpoint_url, settings.region,
                                               options.url.bucket);
    } catch (const std::invalid_argument& error) {
        print_error(error.what());
        return kExitUsage;
    }

    try {
        s3::Client client(config, std::make_shared<net::CurlTransport>());
        const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
        retention::Policy policy;
        policy.keep = options.keep;
        policy.cutoff = options.cutoff(now);
        policy.protect = options.protect;
        policy.sort_by = options.sort_by;

        auto inventory = retention::take_inventory(client, options.url.root);
        auto plan = retention::make_plan(options.url.bucket, options.url.root,
                                         std::move(inventory.deployments), policy);
        if (options.output == OutputFormat::kJson) {
            std::cout << plan_to_json(plan, options.dry_run)
                             .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                      << std::endl;
        } else {
            print_plan_text(std::cout, plan);
        }
        if (options.dry_run) return kExitOk;
        print_error("deleting is not implemented yet; run with --dry-run");
        return kExitFailed;
    } catch (const s3::S3Error& error) {
        print_error(error.what());
        return kExitFailed;
    } catch (const net::TransportFailure& failure) {
        print_error(failure.message);
        return kExitFailed;
    }
}

}  // namespace cli
