#include "cli/run_targets.hpp"

#include <cstdlib>

#include "cli/policy_file.hpp"
#include "retention/root_pattern.hpp"

namespace cli {

namespace {

std::string url_of(const Options& target) { return s3_url(target.url.bucket, target.url.root); }

// The literal part of a root before its first glob segment, resolved.
std::string literal_prefix(const std::string& root) {
    std::string prefix;
    std::string_view rest = root;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (retention::is_glob_segment(segment)) break;
        prefix += std::string(segment) + "/";
        rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    }
    return retention::literal_root(prefix);
}

bool same_bucket(const Options& a, const Options& b) {
    return a.url.bucket == b.url.bucket && a.endpoint_url == b.endpoint_url;
}

// Whether the URLs alone show an overlap: a literal root that is (or holds)
// the literal part of the other. Two globs are left to the expansion.
bool overlap_by_url(const Options& a, const Options& b) {
    const bool a_glob = retention::has_glob(a.url.root);
    const bool b_glob = retention::has_glob(b.url.root);
    if (a_glob && b_glob) return false;
    if (!a_glob && !b_glob) {
        return roots_overlap(retention::literal_root(a.url.root),
                             retention::literal_root(b.url.root));
    }
    const Options& literal = a_glob ? b : a;
    const Options& pattern = a_glob ? a : b;
    return literal_prefix(pattern.url.root).starts_with(retention::literal_root(literal.url.root));
}

// The flag a message of validate() is about: it names it first.
std::string flag_named_in(const std::string& message) {
    if (!message.starts_with("--")) return {};
    return message.substr(0, message.find_first_of(" '"));
}

// validate()'s message for a policy file target, at the line of the key it
// is about (else the target's own line).
UsageError at_line(const std::string& file, const PolicyTarget& target,
                   const std::string& message) {
    const std::string key = policy_key_of_flag(flag_named_in(message));
    auto it = key.empty() ? target.lines.end() : target.lines.find(key);
    const int line = it == target.lines.end() ? target.line : it->second;
    return UsageError{file + ":" + std::to_string(line) + ": " + message};
}

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

}  // namespace

bool roots_overlap(const std::string& a, const std::string& b) {
    return a.starts_with(b) || b.starts_with(a);
}

std::string target_name(const Options& target) {
    return target.origin.empty() ? url_of(target) : url_of(target) + " (" + target.origin + ")";
}

std::string overlap_problem(const std::vector<Options>& targets) {
    for (std::size_t i = 0; i < targets.size(); ++i) {
        for (std::size_t j = i + 1; j < targets.size(); ++j) {
            if (same_bucket(targets[i], targets[j]) && overlap_by_url(targets[i], targets[j])) {
                return "targets " + target_name(targets[i]) + " and " + target_name(targets[j]) +
                       " overlap: one root lies inside the other, and two policies must never "
                       "decide about the same objects";
            }
        }
    }
    return {};
}

std::variant<std::vector<Options>, UsageError> targets_of(const PolicyFile& file,
                                                          const std::string& file_name,
                                                          const Options& run) {
    std::vector<Options> targets;
    for (const auto& target : file.targets) {
        RawOptions raw = target.raw;
        raw.env_max_attempts = env("AWS_MAX_ATTEMPTS");
        auto validated = validate(raw);
        if (auto* error = std::get_if<UsageError>(&validated)) {
            return at_line(file_name, target, error->message);
        }
        Options options = std::get<Options>(validated);
        options.origin = file_name + ":" + std::to_string(target.line);
        // The run's own flags come from the command line, for every target.
        options.output = run.output;
        options.debug = run.debug;
        options.log_file = run.log_file;
        options.metrics_file = run.metrics_file;
        options.metrics_pushgateway = run.metrics_pushgateway;
        options.no_progress = run.no_progress;
        options.quiet = run.quiet;
        options.concurrency = run.concurrency;
        options.key_budget = run.key_budget;
        options.dry_run = run.dry_run;
        options.yes = run.yes;
        options.no_verify_ssl = run.no_verify_ssl;
        targets.push_back(std::move(options));
    }
    if (auto problem = overlap_problem(targets); !problem.empty()) {
        return UsageError{file_name + ": " + problem};
    }
    return targets;
}

std::variant<std::vector<Options>, UsageError> run_targets(const Options& command_line) {
    if (command_line.config.empty()) return std::vector<Options>{command_line};
    auto file = read_policy_file(command_line.config);
    if (auto* error = std::get_if<UsageError>(&file)) return *error;
    return targets_of(std::get<PolicyFile>(file), command_line.config, command_line);
}

}  // namespace cli
