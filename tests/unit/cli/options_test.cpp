// Unit tests for src/cli/options.hpp: validate() on RawOptions and
// parse_command_line() on argv arrays.
#include "cli/options.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace {

using cli::ExitNow;
using cli::Options;
using cli::OutputFormat;
using cli::RawOptions;
using cli::UsageError;
using retention::SortBy;

RawOptions base_raw() {
    RawOptions raw;
    raw.url = "s3://my-bucket/sites/";
    raw.keep = "3";
    return raw;
}

// ------------------------------------------------------------- validate()

struct ValidateCase {
    const char* name;
    std::function<void(RawOptions&)> change;
    std::string error;  // empty: valid; otherwise a piece of the message
};

void PrintTo(const ValidateCase& c, std::ostream* os) { *os << c.name; }

class OptionsValidateTest : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(OptionsValidateTest, Table) {
    const auto& c = GetParam();
    auto raw = base_raw();
    c.change(raw);
    const auto result = cli::validate(raw);
    if (c.error.empty()) {
        ASSERT_TRUE(std::holds_alternative<Options>(result))
            << std::get<UsageError>(result).message;
    } else {
        ASSERT_TRUE(std::holds_alternative<UsageError>(result)) << "accepted";
        const auto& message = std::get<UsageError>(result).message;
        EXPECT_NE(message.find(c.error), std::string::npos)
            << "'" << message << "' should mention '" << c.error << "'";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, OptionsValidateTest,
    ::testing::Values(
        ValidateCase{"baseline", [](RawOptions&) {}, ""},
        ValidateCase{"keep_1", [](RawOptions& r) { r.keep = "1"; }, ""},
        ValidateCase{"keep_max", [](RawOptions& r) { r.keep = "1000000"; }, ""},
        ValidateCase{"keep_0", [](RawOptions& r) { r.keep = "0"; }, "--keep"},
        ValidateCase{"keep_negative", [](RawOptions& r) { r.keep = "-1"; }, "--keep"},
        ValidateCase{"keep_abc", [](RawOptions& r) { r.keep = "abc"; }, "--keep"},
        ValidateCase{"keep_empty", [](RawOptions& r) { r.keep = ""; }, "--keep"},
        ValidateCase{"keep_trailing", [](RawOptions& r) { r.keep = "3x"; }, "--keep"},
        ValidateCase{"keep_space", [](RawOptions& r) { r.keep = " 3"; }, "--keep"},
        ValidateCase{"keep_fraction", [](RawOptions& r) { r.keep = "1.5"; }, "--keep"},
        ValidateCase{"keep_too_big", [](RawOptions& r) { r.keep = "1000001"; }, "--keep"},
        ValidateCase{"keep_overflow", [](RawOptions& r) { r.keep = "99999999999"; }, "--keep"},
        ValidateCase{"bad_url", [](RawOptions& r) { r.url = "http://x"; }, "not an S3 URL"},
        ValidateCase{"older_than_ok", [](RawOptions& r) { r.older_than = "30d"; }, ""},
        ValidateCase{"older_than_bad", [](RawOptions& r) { r.older_than = "30"; }, "--older-than"},
        ValidateCase{"before_ok", [](RawOptions& r) { r.before = "2026-01-31T00:00:00Z"; }, ""},
        ValidateCase{"before_bad", [](RawOptions& r) { r.before = "2026-01-31"; }, "--before"},
        ValidateCase{"both_cutoffs",
                     [](RawOptions& r) {
                         r.older_than = "30d";
                         r.before = "2026-01-31T00:00:00Z";
                     },
                     "together"},
        ValidateCase{"protect_ok",
                     [](RawOptions& r) {
                         r.protect = {"release-*", "main"};
                     },
                     ""},
        ValidateCase{"protect_empty", [](RawOptions& r) { r.protect = {""}; }, "--protect"},
        ValidateCase{"protect_slash", [](RawOptions& r) { r.protect = {"a/b"}; }, "'/'"},
        ValidateCase{"sort_by_oldest", [](RawOptions& r) { r.sort_by = "oldest"; }, ""},
        ValidateCase{"sort_by_name", [](RawOptions& r) { r.sort_by = "name"; }, ""},
        ValidateCase{"sort_by_bad", [](RawOptions& r) { r.sort_by = "size"; }, "--sort-by"},
        ValidateCase{"sort_by_case", [](RawOptions& r) { r.sort_by = "Newest"; }, "--sort-by"},
        ValidateCase{"output_json", [](RawOptions& r) { r.output = "json"; }, ""},
        ValidateCase{"no_url", [](RawOptions& r) { r.url.clear(); }, "url: an s3://"},
        ValidateCase{"no_keep", [](RawOptions& r) { r.keep.reset(); }, "--keep N is required"},
        ValidateCase{"glob_root", [](RawOptions& r) { r.url = "s3://b-1/apps/*/"; }, ""},
        ValidateCase{"bad_glob_root", [](RawOptions& r) { r.url = "s3://b-1/apps/[a/"; },
                     "the segment '[a' is not a valid glob"},
        ValidateCase{"config_with_url", [](RawOptions& r) { r.config = "p.yaml"; },
                     "give no URL and no policy flag beside it (got 's3://my-bucket/sites/' "
                     "and '--keep')"},
        ValidateCase{"config_with_sort_by",
                     [](RawOptions& r) {
                         r.url.clear();
                         r.keep.reset();
                         r.config = "p.yaml";
                         r.sort_by = "name";
                         r.purge_versions = true;
                     },
                     "(got '--sort-by' and '--purge-versions')"},
        ValidateCase{"config_empty",
                     [](RawOptions& r) {
                         r.url.clear();
                         r.keep.reset();
                         r.config = "";
                     },
                     "--config must not be empty"},
        ValidateCase{"config_alone",
                     [](RawOptions& r) {
                         r.url.clear();
                         r.keep.reset();
                         r.config = "p.yaml";
                         r.yes = true;
                         r.concurrency = "4";
                     },
                     ""},
        ValidateCase{"output_bad", [](RawOptions& r) { r.output = "yaml"; }, "--output"},
        ValidateCase{"empty_region", [](RawOptions& r) { r.region = ""; }, "--region"},
        ValidateCase{"empty_profile", [](RawOptions& r) { r.profile = ""; }, "--profile"},
        ValidateCase{"empty_endpoint", [](RawOptions& r) { r.endpoint_url = ""; },
                     "--endpoint-url"},
        ValidateCase{"endpoint_http",
                     [](RawOptions& r) { r.endpoint_url = "http://127.0.0.1:9000"; }, ""},
        ValidateCase{"endpoint_https",
                     [](RawOptions& r) { r.endpoint_url = "https://minio.example.com"; }, ""},
        ValidateCase{"endpoint_no_scheme", [](RawOptions& r) { r.endpoint_url = "127.0.0.1:9000"; },
                     "http://"},
        ValidateCase{"endpoint_ftp", [](RawOptions& r) { r.endpoint_url = "ftp://x"; },
                     "--endpoint-url"},
        ValidateCase{"older_than_zero", [](RawOptions& r) { r.older_than = "0d"; },
                     "--older-than '0d' must be greater than 0"},
        ValidateCase{"older_than_too_large", [](RawOptions& r) { r.older_than = "100000w"; },
                     "--older-than '100000w' is too large: at most 100 years (36600d)"},
        ValidateCase{"older_than_the_limit", [](RawOptions& r) { r.older_than = "36600d"; }, ""},
        ValidateCase{"older_than_malformed", [](RawOptions& r) { r.older_than = "1.5d"; },
                     "--older-than '1.5d' is not an age like 45m, 36h, 30d or 2w"},
        ValidateCase{"protect_unclosed_bracket", [](RawOptions& r) { r.protect = {"["}; },
                     "--protect '[' is not a valid glob: unclosed '['"},
        ValidateCase{"protect_trailing_backslash", [](RawOptions& r) { r.protect = {"v1\\"}; },
                     "--protect 'v1\\' is not a valid glob: it ends in a lone '\\'"},
        ValidateCase{"protect_brackets_ok",
                     [](RawOptions& r) {
                         r.protect = {"v[0-9]*", "[!a]", "\\[x", "[[:digit:]]"};
                     },
                     ""},
        ValidateCase{"virtual_on_an_ip",
                     [](RawOptions& r) {
                         r.endpoint_url = "http://127.0.0.1:9000";
                         r.addressing_style = "virtual";
                     },
                     "--addressing-style virtual needs a host name in --endpoint-url; "
                     "'http://127.0.0.1:9000' is an IP address (use --addressing-style path)"},
        ValidateCase{"virtual_on_an_ipv6",
                     [](RawOptions& r) {
                         r.endpoint_url = "http://[::1]:9000";
                         r.addressing_style = "virtual";
                     },
                     "'http://[::1]:9000' is an IP address"},
        ValidateCase{"virtual_on_a_host_name",
                     [](RawOptions& r) {
                         r.endpoint_url = "http://localhost:9000";
                         r.addressing_style = "virtual";
                     },
                     ""},
        ValidateCase{"path_on_an_ip",
                     [](RawOptions& r) {
                         r.endpoint_url = "http://127.0.0.1:9000";
                         r.addressing_style = "path";
                     },
                     ""}),
    [](const ::testing::TestParamInfo<ValidateCase>& case_info) {
        return std::string(case_info.param.name);
    });

TEST(OptionsValidate, CarriesEveryFieldThrough) {
    auto raw = base_raw();
    raw.keep = "7";
    raw.older_than = "2w";
    raw.protect = {"release-*", "v?"};
    raw.sort_by = "oldest";
    raw.output = "json";
    raw.dry_run = true;
    raw.yes = true;
    raw.endpoint_url = "http://127.0.0.1:9000";
    raw.region = "eu-west-1";
    raw.profile = "dev";
    const auto result = cli::validate(raw);
    ASSERT_TRUE(std::holds_alternative<Options>(result)) << std::get<UsageError>(result).message;
    const auto& options = std::get<Options>(result);
    EXPECT_EQ(options.url.bucket, "my-bucket");
    EXPECT_EQ(options.url.root, "sites/");
    EXPECT_EQ(options.keep, 7);
    ASSERT_TRUE(options.older_than.has_value());
    EXPECT_EQ(options.older_than->count(), 14 * 86400);
    EXPECT_FALSE(options.before.has_value());
    EXPECT_EQ(options.protect, (std::vector<std::string>{"release-*", "v?"}));
    EXPECT_EQ(options.sort_by, SortBy::kOldest);
    EXPECT_EQ(options.output, OutputFormat::kJson);
    EXPECT_TRUE(options.dry_run);
    EXPECT_TRUE(options.yes);
    EXPECT_EQ(options.endpoint_url, "http://127.0.0.1:9000");
    EXPECT_EQ(options.region, "eu-west-1");
    EXPECT_EQ(options.profile, "dev");
}

TEST(OptionsValidate, Defaults) {
    const auto result = cli::validate(base_raw());
    ASSERT_TRUE(std::holds_alternative<Options>(result));
    const auto& options = std::get<Options>(result);
    EXPECT_EQ(options.sort_by, SortBy::kNewest);
    EXPECT_EQ(options.output, OutputFormat::kText);
    EXPECT_FALSE(options.dry_run);
    EXPECT_FALSE(options.yes);
    EXPECT_TRUE(options.endpoint_url.empty());
    EXPECT_TRUE(options.region.empty());
    EXPECT_TRUE(options.profile.empty());
    EXPECT_TRUE(options.protect.empty());
    EXPECT_FALSE(options.cutoff(aws::TimePoint{}).has_value());
}

TEST(OptionsCutoff, FromOlderThanOrBefore) {
    const aws::TimePoint now{std::chrono::milliseconds{1769817600000LL}};  // 2026-01-31T00:00Z
    {
        auto raw = base_raw();
        raw.older_than = "36h";
        const auto options = std::get<Options>(cli::validate(raw));
        ASSERT_TRUE(options.cutoff(now).has_value());
        EXPECT_EQ(*options.cutoff(now), now - std::chrono::hours{36});
    }
    {
        auto raw = base_raw();
        raw.before = "2026-01-01T00:00:00Z";
        const auto options = std::get<Options>(cli::validate(raw));
        ASSERT_TRUE(options.cutoff(now).has_value());
        EXPECT_EQ(options.cutoff(now)->time_since_epoch().count(), 1767225600000LL);
    }
}

// ------------------------------------------------------------ glob_problem()

TEST(OptionsGlobProblem, ValidGlobs) {
    for (const std::string glob : {"release-*", "v?", "[abc]", "[!abc]", "[^abc]", "[]]", "[]a]",
                                   "[!]]", "[a-z]*", "\\[", "a\\*", "\\\\", "[\\]]", "[[:alpha:]]",
                                   "[[:digit:][:upper:]]", "[[.a.]]", "[[=a=]]", "a]b", "*[*]*"}) {
        SCOPED_TRACE(glob);
        EXPECT_EQ(cli::glob_problem(glob), "");
    }
}

TEST(OptionsGlobProblem, InvalidGlobs) {
    struct Case {
        std::string glob;
        std::string problem;  // how the message starts
    };
    const std::vector<Case> cases = {
        {"[", "unclosed '['"},
        {"release-[", "unclosed '['"},
        {"[abc", "unclosed '['"},
        {"[]", "unclosed '['"},  // ']' first is a member: nothing closes the set
        {"[!]", "unclosed '['"},
        {"[a\\]", "unclosed '['"},  // the '\\' escapes the ']'
        {"[[:alpha:]", "unclosed '['"},
        {"[[:alpha]", "unclosed '['"},
        {"ok-*[", "unclosed '['"},
        {"\\", "it ends in a lone '\\'"},
        {"release-\\", "it ends in a lone '\\'"},
        {"[[:nope:]]", "unknown character class '[:nope:]'"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.glob);
        EXPECT_EQ(cli::glob_problem(c.glob).rfind(c.problem, 0), 0u) << cli::glob_problem(c.glob);
    }
    EXPECT_EQ(cli::glob_problem("["),
              "unclosed '[' (end the set with ']', or write '\\[' for a literal '[')");
}

// --------------------------------------------------------- check_arguments()

const std::vector<cli::OptionSpec>& test_specs() {
    static const std::vector<cli::OptionSpec> specs = {
        {"--help", {"--help", "-h"}, false, false},   {"--version", {"--version"}, false, false},
        {"--keep", {"--keep", "-k"}, true, false},    {"--protect", {"--protect"}, true, true},
        {"--region", {"--region"}, true, false},      {"--profile", {"--profile"}, true, false},
        {"--dry-run", {"--dry-run"}, false, false},   {"--yes", {"--yes", "-y"}, false, false},
        {"--quiet", {"--quiet", "-q"}, false, false},
    };
    return specs;
}

std::string check(const std::vector<std::string>& args) {
    const auto error = cli::check_arguments(args, test_specs());
    return error ? error->message : "";
}

TEST(OptionsCheckArguments, NothingWrong) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {},
             {"s3://b", "--keep", "3"},
             {"s3://b", "-k3", "--protect", "a", "--protect=b", "--protect", "c"},
             {"-yqk", "3", "s3://b"},
             {"-yq", "-k=3", "s3://b"},
             {"s3://b", "--dry-run", "--dry-run", "-y", "--yes"},  // flags may repeat
             {"s3://b", "--keep", "-1"},                           // a value, not an option
             {"-1"},                                               // CLI11: a positional
             {"--", "-k"},                                         // after --: the URL
             {"s3://b", "--keep"},                                 // CLI11 says what is missing
         }) {
        std::string joined;
        for (const auto& a : args) joined += a + " ";
        SCOPED_TRACE(joined);
        EXPECT_EQ(check(args), "");
    }
}

TEST(OptionsCheckArguments, GivenTwice) {
    EXPECT_EQ(check({"s3://b", "--keep", "3", "--keep", "4"}),
              "--keep was given more than once ('3' and '4'): give it once");
    EXPECT_EQ(check({"s3://b", "-k", "3", "--keep=4", "-k5"}),
              "--keep was given more than once ('3', '4' and '5'): give it once");
    EXPECT_EQ(check({"-yk3", "s3://b", "-k", "3"}),
              "--keep was given more than once ('3' and '3'): give it once");
    EXPECT_EQ(check({"--region", "a", "--profile", "p", "--region=b", "--profile", "q"}),
              "--region was given more than once ('a' and 'b'): give it once");
    // "--keep=" takes the next word, as CLI11 does.
    EXPECT_EQ(check({"s3://b", "--keep=", "3", "--keep", "4"}),
              "--keep was given more than once ('3' and '4'): give it once");
}

TEST(OptionsCheckArguments, MoreThanOneUrl) {
    EXPECT_EQ(check({"s3://a", "s3://b", "-k", "1"}),
              "more than one URL ('s3://a' and 's3://b'): give one");
    EXPECT_EQ(check({"s3://a", "-k", "1", "--", "s3://b", "s3://c"}),
              "more than one URL ('s3://a', 's3://b' and 's3://c'): give one");
}

TEST(OptionsCheckArguments, UnknownOptions) {
    EXPECT_EQ(check({"s3://b", "--request-payer", "requester"}),
              "unknown option '--request-payer'");
    EXPECT_EQ(check({"s3://b", "--request-payer=requester"}), "unknown option '--request-payer'");
    EXPECT_EQ(check({"s3://b", "-z"}), "unknown option '-z'");
    EXPECT_EQ(check({"s3://b", "-yz"}), "unknown option '-z'");
    // Close to a known option (edit distance 2 at most, or a prefix of it).
    EXPECT_EQ(check({"s3://b", "--kep", "3"}), "unknown option '--kep'; did you mean '--keep'?");
    EXPECT_EQ(check({"s3://b", "--Keep", "3"}), "unknown option '--Keep'; did you mean '--keep'?");
    EXPECT_EQ(check({"s3://b", "--dryrun"}),
              "unknown option '--dryrun'; did you mean '--dry-run'?");
    EXPECT_EQ(check({"s3://b", "--prot", "x"}),
              "unknown option '--prot'; did you mean '--protect'?");
    EXPECT_EQ(check({"s3://b", "--regions=x"}),
              "unknown option '--regions'; did you mean '--region'?");
    EXPECT_EQ(check({"s3://b", "--quite"}), "unknown option '--quite'; did you mean '--quiet'?");
    // The unknown option comes first: its value would look like a second URL.
    EXPECT_EQ(check({"--request-payer", "requester", "s3://b", "--keep", "3", "--keep", "4"}),
              "unknown option '--request-payer'");
}

TEST(OptionsCheckArguments, AnOptionThatTakesTheNextFlag) {
    EXPECT_EQ(check({"s3://b", "--region", "--keep", "3"}),
              "--region needs a value, got the flag '--keep'");
    EXPECT_EQ(check({"s3://b", "--protect", "-y"}), "--protect needs a value, got the flag '-y'");
}

TEST(OptionsCheckArguments, HelpAndVersionWin) {
    EXPECT_EQ(check({"--bogus", "--help"}), "");
    EXPECT_EQ(check({"-k", "1", "-k", "2", "-h"}), "");
    EXPECT_EQ(check({"s3://a", "s3://b", "--version"}), "");
}

// ---------------------------------------------------- parse_command_line()

cli::ParseOutcome parse(std::vector<std::string> args) {
    args.insert(args.begin(), "s3-cleanup");
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    return cli::parse_command_line(static_cast<int>(argv.size()), argv.data());
}

std::string usage_message(const cli::ParseOutcome& outcome) {
    if (const auto* error = std::get_if<UsageError>(&outcome)) return error->message;
    return "<not a usage error>";
}

TEST(OptionsCommandLine, MinimalLongAndShortForms) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"s3://my-bucket/sites", "--keep", "3"},
             {"s3://my-bucket/sites", "-k", "3"},
             {"-k", "3", "s3://my-bucket/sites"},
             {"s3://my-bucket/sites", "--keep=3"},
         }) {
        SCOPED_TRACE(args[0] + " " + args[1]);
        const auto outcome = parse(args);
        ASSERT_TRUE(std::holds_alternative<Options>(outcome)) << usage_message(outcome);
        const auto& options = std::get<Options>(outcome);
        EXPECT_EQ(options.url.bucket, "my-bucket");
        EXPECT_EQ(options.url.root, "sites/");
        EXPECT_EQ(options.keep, 3);
    }
}

TEST(OptionsCommandLine, EveryFlag) {
    const auto outcome = parse({"s3://my-bucket",
                                "-k",
                                "2",
                                "--older-than",
                                "30d",
                                "--protect",
                                "release-*",
                                "--protect",
                                "main",
                                "--sort-by",
                                "name",
                                "--dry-run",
                                "-y",
                                "--output",
                                "json",
                                "--endpoint-url",
                                "http://127.0.0.1:9000",
                                "--region",
                                "eu-west-1",
                                "--profile",
                                "dev"});
    ASSERT_TRUE(std::holds_alternative<Options>(outcome)) << usage_message(outcome);
    const auto& options = std::get<Options>(outcome);
    EXPECT_EQ(options.keep, 2);
    ASSERT_TRUE(options.older_than.has_value());
    EXPECT_EQ(options.older_than->count(), 30 * 86400);
    EXPECT_EQ(options.protect, (std::vector<std::string>{"release-*", "main"}));
    EXPECT_EQ(options.sort_by, SortBy::kName);
    EXPECT_TRUE(options.dry_run);
    EXPECT_TRUE(options.yes);
    EXPECT_EQ(options.output, OutputFormat::kJson);
    EXPECT_EQ(options.endpoint_url, "http://127.0.0.1:9000");
    EXPECT_EQ(options.region, "eu-west-1");
    EXPECT_EQ(options.profile, "dev");
}

TEST(OptionsCommandLine, NetworkFlags) {
    const auto outcome =
        parse({"s3://my-bucket", "-k", "2", "--expected-bucket-owner", "111122223333",
               "--ca-bundle", "/etc/corp-ca.pem", "--no-verify-ssl"});
    ASSERT_TRUE(std::holds_alternative<Options>(outcome)) << usage_message(outcome);
    const auto& options = std::get<Options>(outcome);
    EXPECT_EQ(options.expected_bucket_owner, "111122223333");
    EXPECT_EQ(options.ca_bundle, "/etc/corp-ca.pem");
    EXPECT_TRUE(options.no_verify_ssl);
    const auto plain = std::get<Options>(parse({"s3://my-bucket", "-k", "2"}));
    EXPECT_EQ(plain.expected_bucket_owner, "");
    EXPECT_EQ(plain.ca_bundle, "");
    EXPECT_FALSE(plain.no_verify_ssl);
}

TEST(OptionsCommandLine, RepeatedProtectBeforeUrl) {
    // Each --protect takes one glob; the positional URL after it is not a glob.
    // CLI11 vector options are greedy by default; each --protect must take one
    // glob, or "--protect release-* s3://my-bucket" would swallow the URL.
    const auto outcome = parse({"--protect", "release-*", "s3://my-bucket", "--keep", "2"});
    ASSERT_TRUE(std::holds_alternative<Options>(outcome)) << usage_message(outcome);
    const auto& options = std::get<Options>(outcome);
    EXPECT_EQ(options.url.bucket, "my-bucket");
    EXPECT_EQ(options.protect, (std::vector<std::string>{"release-*"}));
}

TEST(OptionsCommandLine, UsageErrors) {
    struct Case {
        std::vector<std::string> args;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {{"s3://my-bucket"}, "keep"},
        {{"--keep", "3"}, "url"},
        {{}, ""},
        {{"s3://my-bucket", "--keep", "3", "--bogus"}, "bogus"},
        {{"s3://my-bucket", "--keep"}, "keep"},
        {{"s3://my-bucket", "--keep", "0"}, "--keep"},
        {{"s3://my-bucket", "-k", "-1"}, "--keep"},
        {{"s3://my-bucket", "-k", "abc"}, "--keep"},
        {{"http://my-bucket", "-k", "1"}, "not an S3 URL"},
        {{"s3://my-bucket", "-k", "1", "--older-than", "1d", "--before", "2026-01-01T00:00:00Z"},
         "together"},
        {{"s3://my-bucket", "-k", "1", "--sort-by", "size"}, "--sort-by"},
        {{"s3://my-bucket", "-k", "1", "--output", "xml"}, "--output"},
        {{"s3://my-bucket", "-k", "1", "--region", ""}, "--region"},
        {{"s3://my-bucket", "-k", "1", "--endpoint-url", "localhost:9000"}, "--endpoint-url"},
        {{"s3://my-bucket", "s3://other", "-k", "1"}, ""},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const auto& a : c.args) joined += a + " ";
        SCOPED_TRACE(joined);
        const auto outcome = parse(c.args);
        ASSERT_TRUE(std::holds_alternative<UsageError>(outcome));
        const auto message = usage_message(outcome);
        EXPECT_FALSE(message.empty());
        EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
    }
}

TEST(OptionsCommandLine, ExactMessages) {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"s3://my-bucket", "--keep", "3", "--keep", "4"},
         "--keep was given more than once ('3' and '4'): give it once"},
        {{"s3://my-bucket", "-k", "3", "-k4"},
         "--keep was given more than once ('3' and '4'): give it once"},
        {{"s3://a-bucket", "s3://b-bucket", "-k", "1"},
         "more than one URL ('s3://a-bucket' and 's3://b-bucket'): give one"},
        {{"s3://my-bucket", "-k", "3", "--request-payer", "requester"},
         "unknown option '--request-payer'"},
        {{"s3://my-bucket", "--kep", "3"}, "unknown option '--kep'; did you mean '--keep'?"},
        {{"s3://my-bucket", "-k", "3", "--older-than", "0d"},
         "--older-than '0d' must be greater than 0"},
        {{"s3://my-bucket", "-k", "3", "--older-than", "100000w"},
         "--older-than '100000w' is too large: at most 100 years (36600d)"},
        {{"s3://my-bucket", "-k", "3", "--protect", "["},
         "--protect '[' is not a valid glob: unclosed '[' (end the set with ']', or write '\\[' "
         "for a literal '[')"},
        {{"s3://my-bucket", "-k", "3", "--addressing-style", "virtual", "--endpoint-url",
          "http://127.0.0.1:9000"},
         "--addressing-style virtual needs a host name in --endpoint-url; "
         "'http://127.0.0.1:9000' is an IP address (use --addressing-style path)"},
        {{"s3://my-bucket", "-k", "3", "--expected-bucket-owner", "123"},
         "--expected-bucket-owner must be a 12-digit AWS account ID, got '123'"},
        {{"s3://my-bucket", "-k", "3", "--expected-bucket-owner", "11112222333x"},
         "--expected-bucket-owner must be a 12-digit AWS account ID, got '11112222333x'"},
        {{"s3://my-bucket", "-k", "3", "--expected-bucket-owner", "1111222233334"},
         "--expected-bucket-owner must be a 12-digit AWS account ID, got '1111222233334'"},
        {{"s3://my-bucket", "-k", "3", "--ca-bundle", "--dry-run"},
         "--ca-bundle needs a value, got the flag '--dry-run'"},
        {{"s3://my-bucket", "-k", "3", "--protect-cloudfront", "e2qwruhapomqzl"},
         "--protect-cloudfront 'e2qwruhapomqzl' is not a distribution id (capital letters and "
         "digits, like E2QWRUHAPOMQZL)"},
        {{"s3://my-bucket", "-k", "3", "--protect-referenced-by", ""},
         "--protect-referenced-by needs a non-empty key"},
        {{"s3://my-bucket", "-k", "3", "--protect-referenced-by", "s3://my-bucket/index.html"},
         "--protect-referenced-by 's3://my-bucket/index.html' is a URL: give the key of an object "
         "in the bucket being cleaned, such as index.html"},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const auto& a : c.args) joined += a + " ";
        SCOPED_TRACE(joined);
        EXPECT_EQ(usage_message(parse(c.args)), c.message);
    }
}

TEST(OptionsCommandLine, EverySingleValueOptionOnlyOnce) {
    const std::vector<std::pair<std::string, std::string>> options = {
        {"--keep", "3"},
        {"--older-than", "3d"},
        {"--before", "2026-01-31T00:00:00Z"},
        {"--sort-by", "name"},
        {"--output", "json"},
        {"--endpoint-url", "http://127.0.0.1:9000"},
        {"--region", "eu-west-1"},
        {"--profile", "dev"},
        {"--addressing-style", "path"},
        {"--max-attempts", "3"},
        {"--timeout", "10"},
        {"--concurrency", "4"},
        {"--log-file", "/tmp/audit.log"},
    };
    for (const auto& [flag, value] : options) {
        SCOPED_TRACE(flag);
        std::vector<std::string> args{"s3://my-bucket", flag, value, flag + "=" + value};
        if (flag != "--keep") args.insert(args.end(), {"--keep", "1"});
        EXPECT_EQ(usage_message(parse(args)), flag + " was given more than once ('" + value +
                                                  "' and '" + value + "'): give it once");
    }
    // --protect is the one that repeats.
    const auto outcome = parse({"s3://my-bucket", "-k", "1", "--protect", "a", "--protect", "b"});
    ASSERT_TRUE(std::holds_alternative<Options>(outcome)) << usage_message(outcome);
}

TEST(OptionsCommandLine, HelpExitsZeroAndDescribesFlags) {
    for (const std::string flag : {"--help", "-h"}) {
        SCOPED_TRACE(flag);
        // --help wins even when required arguments are missing.
        const auto outcome = parse({flag});
        ASSERT_TRUE(std::holds_alternative<ExitNow>(outcome)) << usage_message(outcome);
        const auto& exit_now = std::get<ExitNow>(outcome);
        EXPECT_EQ(exit_now.code, 0);
        for (const char* text : {"--keep", "-k", "--older-than", "--before", "--protect",
                                 "--sort-by", "--dry-run", "--yes", "--output", "--endpoint-url",
                                 "--region", "--profile", "--version", "Examples", "Exit codes"}) {
            EXPECT_NE(exit_now.text.find(text), std::string::npos) << text;
        }
        const auto exit_codes = exit_now.text.substr(exit_now.text.find("Exit codes:"));
        for (const char* text : {"0 done", "1 failed", "2 bad usage", "130 stopped by SIGINT",
                                 "143 stopped by SIGTERM"}) {
            EXPECT_NE(exit_codes.find(text), std::string::npos) << text;
        }
    }
}

TEST(OptionsCommandLine, VersionExitsZero) {
    const auto outcome = parse({"--version"});
    ASSERT_TRUE(std::holds_alternative<ExitNow>(outcome)) << usage_message(outcome);
    const auto& exit_now = std::get<ExitNow>(outcome);
    EXPECT_EQ(exit_now.code, 0);
    EXPECT_EQ(exit_now.text.rfind("s3-cleanup ", 0), 0u) << exit_now.text;
    EXPECT_FALSE(exit_now.text.empty());
    EXPECT_EQ(exit_now.text.back(), '\n');
}

}  // namespace
