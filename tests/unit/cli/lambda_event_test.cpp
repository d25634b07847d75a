// A Lambda event read as a policy: the policy file's schema plus the run keys,
// and one line naming the problem otherwise.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cli/interrupt.hpp"
#include "cli/lambda_mode.hpp"
#include "cli/policy_file.hpp"

namespace cli {
namespace {

RawOptions base() {
    RawOptions raw;
    raw.config = "event";
    raw.output = "json";
    return raw;
}

std::string problem(const std::string& event) {
    auto read = read_event(event, base());
    const auto* usage = std::get_if<UsageError>(&read);
    return usage == nullptr ? "(no problem)" : usage->message;
}

TEST(LambdaEvent, APolicyWithYes) {
    auto read = read_event(
        R"({"version":1,"yes":true,"concurrency":4,"metrics_pushgateway":"http://127.0.0.1:9091",)"
        R"("defaults":{"keep":3},"targets":[{"url":"s3://site-prod/"},{"url":"s3://web/apps/*/","keep":2}]})",
        base());
    ASSERT_TRUE(std::holds_alternative<EventRun>(read)) << std::get<UsageError>(read).message;
    const auto& run = std::get<EventRun>(read);
    EXPECT_TRUE(run.run.yes);
    EXPECT_FALSE(run.run.dry_run);
    EXPECT_EQ(run.run.concurrency, 4);
    EXPECT_EQ(run.run.output, OutputFormat::kJson);
    EXPECT_EQ(run.run.metrics_pushgateway, "http://127.0.0.1:9091");
    ASSERT_EQ(run.targets.size(), 2U);
    EXPECT_EQ(run.targets[0].keep, 3);
    EXPECT_EQ(run.targets[1].keep, 2);
    EXPECT_TRUE(run.targets[1].yes);
    EXPECT_EQ(run.targets[1].concurrency, 4);
    EXPECT_EQ(run.targets[1].metrics_pushgateway, "http://127.0.0.1:9091");
    EXPECT_EQ(run.targets[0].origin, "event:1");
}

TEST(LambdaEvent, PrettyJsonGivesLines) {
    EXPECT_EQ(problem("{\n  \"version\": 1,\n  \"dry_run\": true,\n  \"targets\": [\n"
                      "    {\"url\": \"s3://site-prod/\", \"kep\": 3}\n  ]\n}\n"),
              "event:5: unknown key 'kep'; did you mean 'keep'?");
}

TEST(LambdaEvent, Problems) {
    EXPECT_EQ(problem("nope").rfind("event: not a JSON document (", 0), 0U);
    EXPECT_EQ(problem("[1]"), "event:1: the event must be a JSON object with version and targets");
    EXPECT_EQ(problem(R"({"version":1,"targets":[{"url":"s3://site-prod/","keep":1}]})"),
              "event: the event must say \"dry_run\": true (show the plan) or \"yes\": true "
              "(delete): no one is at a terminal to confirm");
    EXPECT_EQ(problem(R"({"version":1,"yes":"true","targets":[]})"),
              "event:1: yes must be true or false, got the string \"true\"");
    EXPECT_EQ(
        problem(
            R"({"version":1,"yes":true,"concurrency":0,"targets":[{"url":"s3://site-prod/","keep":1}]})"),
        "event: --concurrency must be a whole number from 1 to 256, got '0'");
    EXPECT_EQ(problem(R"({"version":1,"yes":true,"targets":[{"url":"s3://site-prod/"}]})"),
              "event:1: target 1 has no keep (give it here or in defaults)");
    EXPECT_EQ(problem(R"({"version":1,"yes":true,"targets":[{"url":"s3://b1b/","keep":1},)"
                      R"({"url":"s3://b1b/a/","keep":1}]})")
                  .rfind("event: targets ", 0),
              0U);
}

TEST(LambdaEvent, AFileMayNotHoldTheRunKeys) {
    auto parsed = parse_policy("version: 1\nyes: true\ntargets: []\n", "p.yaml");
    ASSERT_TRUE(std::holds_alternative<UsageError>(parsed));
    EXPECT_EQ(std::get<UsageError>(parsed).message.rfind("p.yaml:2: unknown key 'yes'", 0), 0U);
}

TEST(LambdaMode, AskedOnlyWithoutArguments) {
    ::setenv(kRuntimeApiVariable, "127.0.0.1:9001", 1);
    EXPECT_TRUE(lambda_runtime_asked(1));
    EXPECT_FALSE(lambda_runtime_asked(2));
    ::unsetenv(kRuntimeApiVariable);
    EXPECT_FALSE(lambda_runtime_asked(1));
}

TEST(StopDeadline, StopsOnceItPasses) {
    set_stop_deadline(std::nullopt);
    EXPECT_FALSE(deadline_passed());
    EXPECT_FALSE(stop_requested());
    set_stop_deadline(std::chrono::steady_clock::now() + std::chrono::hours(1));
    EXPECT_FALSE(stop_requested());
    set_stop_deadline(std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
    EXPECT_TRUE(deadline_passed());
    EXPECT_TRUE(stop_requested());
    EXPECT_EQ(stop_signal(), 0);  // a deadline is no signal
    set_stop_deadline(std::nullopt);
    EXPECT_FALSE(stop_requested());
}

}  // namespace
}  // namespace cli
