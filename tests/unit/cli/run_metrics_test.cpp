// The gauges of a run: one set per unit, the last success carried over for a
// failed one, and publishing that never fails the run.
#include "cli/run_metrics.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "../net/fake_transport.hpp"
#include "metrics/textfile.hpp"

namespace cli {
namespace {

UnitMetrics unit(const std::string& root, bool success) {
    UnitMetrics u;
    u.bucket = "site";
    u.root = root;
    u.success = success;
    u.deployments_kept = 3;
    u.deployments_live = 1;
    u.deployments_deleted = 2;
    u.objects_deleted = 10;
    u.bytes_deleted = 1000;
    u.objects_failed = 1;
    u.list_requests = 4;
    u.delete_requests = 2;
    u.other_requests = 1;
    u.retries = 5;
    return u;
}

RunMetrics run_of(std::vector<UnitMetrics> units) {
    RunMetrics run;
    run.units = std::move(units);
    run.duration_seconds = 1.5;
    run.finished_unix_seconds = 1800000000;
    return run;
}

TEST(RunGauges, EveryGaugeOnceWithItsSamples) {
    const auto run = run_of({unit("", true), unit("apps/", false)});
    const std::string text = metrics::render(run_gauges(run.units, run, true));
    for (const char* line : {
             "# TYPE s3_cleanup_success gauge\n",
             "s3_cleanup_success{bucket=\"site\",root=\"\"} 1\n",
             "s3_cleanup_success{bucket=\"site\",root=\"apps/\"} 0\n",
             "s3_cleanup_dry_run{bucket=\"site\",root=\"\"} 0\n",
             "s3_cleanup_deployments_kept{bucket=\"site\",root=\"\"} 3\n",
             "s3_cleanup_deployments_live{bucket=\"site\",root=\"\"} 1\n",
             "s3_cleanup_deployments_deleted{bucket=\"site\",root=\"\"} 2\n",
             "s3_cleanup_objects_deleted{bucket=\"site\",root=\"\"} 10\n",
             "s3_cleanup_bytes_deleted{bucket=\"site\",root=\"\"} 1000\n",
             "s3_cleanup_objects_failed{bucket=\"site\",root=\"\"} 1\n",
             "s3_cleanup_retries{bucket=\"site\",root=\"\"} 5\n",
             "s3_cleanup_requests{bucket=\"site\",root=\"\",kind=\"list\"} 4\n",
             "s3_cleanup_requests{bucket=\"site\",root=\"\",kind=\"delete\"} 2\n",
             "s3_cleanup_requests{bucket=\"site\",root=\"\",kind=\"other\"} 1\n",
             "s3_cleanup_last_run_timestamp_seconds{bucket=\"site\",root=\"apps/\"} 1800000000\n",
             "s3_cleanup_last_success_timestamp_seconds{bucket=\"site\",root=\"\"} 1800000000\n",
             "s3_cleanup_duration_seconds{bucket=\"site\",root=\"\"} 1.500\n",
         }) {
        EXPECT_NE(text.find(line), std::string::npos) << line << text;
    }
    // The failed unit has no success of its own, and none to carry over.
    EXPECT_EQ(
        text.find("s3_cleanup_last_success_timestamp_seconds{bucket=\"site\",root=\"apps/\"}"),
        std::string::npos);
}

TEST(RunGauges, AFailedUnitKeepsTheLastSuccessOfThePreviousFile) {
    const auto run = run_of({unit("apps/", false)});
    const std::string previous =
        "s3_cleanup_last_success_timestamp_seconds{bucket=\"site\",root=\"apps/\"} 1700000000\n";
    const std::string text = metrics::render(run_gauges(run.units, run, true, previous));
    EXPECT_NE(text.find("s3_cleanup_last_success_timestamp_seconds{bucket=\"site\",root=\"apps/\"} "
                        "1700000000\n"),
              std::string::npos)
        << text;
}

TEST(RunGauges, WithoutLabelsForAGatewayGroup) {
    const auto run = run_of({unit("", true)});
    const std::string text = metrics::render(run_gauges(run.units, run, false));
    EXPECT_NE(text.find("s3_cleanup_success 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("s3_cleanup_requests{kind=\"list\"} 4\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("bucket="), std::string::npos);
}

struct Publish : ::testing::Test {
    std::shared_ptr<nettest::FakeTransport> transport = std::make_shared<nettest::FakeTransport>();
    net::TransportFactory factory = [this](const net::TransportOptions&) { return transport; };
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("s3c-publish-" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir); }
    void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(Publish, NothingAskedNothingDone) {
    Options options;
    EXPECT_TRUE(publish_metrics(options, run_of({unit("", true)}), factory).empty());
    EXPECT_TRUE(transport->sent.empty());
}

TEST_F(Publish, PutsASuccessAndPostsAFailurePerUnit) {
    Options options;
    options.metrics_pushgateway = "http://127.0.0.1:9091";
    transport->answer(200, "");
    transport->answer(200, "");
    EXPECT_TRUE(
        publish_metrics(options, run_of({unit("", true), unit("apps/", false)}), factory).empty());
    ASSERT_EQ(transport->sent.size(), 2U);
    EXPECT_EQ(transport->sent[0].method, "PUT");
    EXPECT_EQ(transport->sent[0].path, "/metrics/job/s3-cleanup/bucket/site/root@base64/=");
    EXPECT_EQ(transport->sent[1].method, "POST");
    EXPECT_EQ(transport->sent[1].path, "/metrics/job/s3-cleanup/bucket/site/root@base64/YXBwcy8=");
    EXPECT_EQ(transport->sent[1].body.find("last_success"), std::string::npos);
}

TEST_F(Publish, FailuresAreWarnings) {
    Options options;
    options.metrics_pushgateway = "http://127.0.0.1:9";
    options.metrics_file = (dir / "missing" / "m.prom").string();
    transport->fail("Couldn't connect to server");
    const auto warnings = publish_metrics(options, run_of({unit("", true)}), factory);
    ASSERT_EQ(warnings.size(), 2U);
    EXPECT_EQ(warnings[0].rfind("cannot write the metrics file '", 0), 0U) << warnings[0];
    EXPECT_EQ(warnings[1],
              "pushing metrics to http://127.0.0.1:9 failed: Couldn't connect to server");
}

TEST_F(Publish, TheFileCarriesTheLastSuccessOver) {
    Options options;
    options.metrics_file = (dir / "m.prom").string();
    auto first = run_of({unit("", true)});
    first.finished_unix_seconds = 1700000000;
    EXPECT_TRUE(publish_metrics(options, first, factory).empty());
    EXPECT_TRUE(publish_metrics(options, run_of({unit("", false)}), factory).empty());
    const std::string text = metrics::read_if_present(options.metrics_file);
    EXPECT_NE(text.find("s3_cleanup_success{bucket=\"site\",root=\"\"} 0\n"), std::string::npos);
    EXPECT_NE(text.find("s3_cleanup_last_success_timestamp_seconds{bucket=\"site\",root=\"\"} "
                        "1700000000\n"),
              std::string::npos)
        << text;
}

}  // namespace
}  // namespace cli
