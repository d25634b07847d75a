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
                     "--endpoint-url"}),
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
    EXPECT_FALSE(options.cutoff(s3::TimePoint{}).has_value());
}

TEST(OptionsCutoff, FromOlderThanOrBefore) {
    const s3::TimePoint now{std::chrono::milliseconds{1769817600000LL}};  // 2026-01-31T00:00Z
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
