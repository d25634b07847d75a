#include "cli/live_sources.hpp"

#include "cli/exit_codes.hpp"
#include "cloudfront/origin_match.hpp"
#include "retention/live.hpp"

namespace cli {

namespace {

void read_distribution(const Options& options, const LiveClients& clients, const std::string& id,
                       LiveReading& out) {
    const std::string url = s3_url(options.url.bucket, options.url.root);
    const auto config = clients.cloudfront().get_distribution_config(id);
    const cloudfront::BucketAddress bucket{options.url.bucket, clients.custom_s3_host};
    for (const auto& origin : config.origins) {
        const auto match = cloudfront::match_origin(origin.domain_name, bucket);
        if (match == cloudfront::OriginMatch::kNone) continue;
        const auto served = cloudfront::served_prefix(origin.origin_path, match, bucket.bucket);
        if (!served) continue;
        const std::string what = "origin '" + origin.id + "' of distribution " + id;
        if (served->empty() && options.url.root.empty()) {
            out.warnings.push_back(what +
                                   " serves the whole bucket (no origin path): everything in "
                                   "it is live, and no deployment is protected by name");
            continue;
        }
        auto name = retention::deployment_of_prefix(*served, options.url.root);
        if (!name) {
            clients.debug(what + " serves '" + origin.origin_path + "', outside " + url +
                          ": it protects nothing");
            continue;
        }
        retention::LiveSource source;
        source.kind = retention::LiveSource::Kind::kCloudFront;
        source.distribution = id;
        source.origin_id = origin.id;
        source.origin_path = origin.origin_path;
        source.deployments = {std::move(*name)};
        out.sources.push_back(std::move(source));
    }
}

void read_pointer(const Options& options, const LiveClients& clients, const std::string& key,
                  LiveReading& out) {
    auto body = clients.s3.get_object(key, retention::kMaxPointerObjectBytes);
    if (!body) {
        out.failure =
            RunError{kPointerTooLarge,
                     "--protect-referenced-by " + key + ": s3://" + options.url.bucket + "/" + key +
                         " is larger than 1 MiB, the limit for a pointer object: "
                         "what is live cannot be told, so nothing is deleted",
                     kExitFailed};
        return;
    }
    out.pointers.push_back({key, std::move(*body)});
}

// What a source that cannot be read means for the run: nothing is deleted.
RunError unreadable(const std::string& source, const std::string& what,
                    const aws::ServiceError& error) {
    return RunError{error_code_of(error),
                    source + ": cannot read " + what +
                        ", so what is live cannot be told and nothing is deleted: " + error.what(),
                    kExitFailed};
}

}  // namespace

LiveReading read_live_sources(const Options& options, const LiveClients& clients) {
    LiveReading out;
    // Fail closed: the first source that cannot be read ends the reading; the
    // plan is then made without the rest, shown, and never carried out.
    for (const auto& id : options.protect_cloudfront) {
        try {
            read_distribution(options, clients, id, out);
        } catch (const aws::ServiceError& error) {
            if (error.kind == aws::ErrorKind::kCancelled) throw;
            out.failure = unreadable("--protect-cloudfront " + id, "the distribution", error);
            return out;
        }
    }
    for (const auto& key : options.protect_referenced_by) {
        try {
            read_pointer(options, clients, key, out);
        } catch (const aws::ServiceError& error) {
            if (error.kind == aws::ErrorKind::kCancelled) throw;
            out.failure = unreadable("--protect-referenced-by " + key,
                                     s3_url(options.url.bucket, key), error);
        }
        if (out.failure) return out;
    }
    return out;
}

}  // namespace cli
