// build_plan against a fake S3 answering from a made-up bucket: which requests
// it sends. Run concurrently, so the TSan build of scripts/test --full checks
// the parallel parts too.
#include "retention/plan_builder.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace retention {
namespace {

// A bucket of `folders` deployments f0000/ .. each holding one object, or none
// for the names in `empty`. Counts the requests by kind.
class FakeBucket : public net::HttpTransport {
public:
    explicit FakeBucket(int folders) : folders_(folders) {}

    net::HttpResponse send(const net::HttpRequest& request) override {
        const std::string& q = request.query;
        if (q.find("versioning") != std::string::npos) {
            ++versioning;
            return {200, {}, "<VersioningConfiguration/>"};
        }
        if (q.find("delimiter=%2F") != std::string::npos) {
            ++folder_pages;
            std::string body = "<ListBucketResult><IsTruncated>false</IsTruncated>";
            for (int i = 0; i < folders_; ++i) {
                body += "<CommonPrefixes><Prefix>" + name(i) + "/</Prefix></CommonPrefixes>";
            }
            return {200, {}, body + "</ListBucketResult>"};
        }
        const std::string prefix = prefix_of(q);
        std::lock_guard lock(mutex_);
        ++(q.find("max-keys=1&") != std::string::npos || q.ends_with("max-keys=1") ? checks
                                                                                   : listings);
        ++asked[prefix];
        if (markers.count(prefix) != 0) return markers_page(prefix, q);
        std::string body = "<ListBucketResult><IsTruncated>false</IsTruncated>";
        if (empty.count(prefix) == 0) {
            body += "<Contents><Key>" + prefix +
                    "index.html</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
                    "<Size>5</Size></Contents>";
        }
        return {200, {}, body + "</ListBucketResult>"};
    }

    static std::string name(int i) {
        std::string digits = std::to_string(i);
        return "f" + std::string(4 - digits.size(), '0') + digits;
    }

    std::atomic<int> versioning{0};
    std::atomic<int> folder_pages{0};
    int checks = 0;    // max-keys=1
    int listings = 0;  // full listings
    std::map<std::string, int> asked;
    std::map<std::string, int> empty;    // prefixes with no object
    std::map<std::string, int> markers;  // prefixes with only folder markers, over two pages

private:
    // PREFIX (the folder's own marker) on a first page that says more follows,
    // then PREFIX + "a/" on the page after.
    static net::HttpResponse markers_page(const std::string& prefix, const std::string& query) {
        const bool first = query.find("continuation-token") == std::string::npos;
        const std::string key = first ? prefix : prefix + "a/";
        return {200,
                {},
                std::string("<ListBucketResult><IsTruncated>") + (first ? "true" : "false") +
                    "</IsTruncated>" +
                    (first ? "<NextContinuationToken>t</NextContinuationToken>" : "") +
                    "<Contents><Key>" + key +
                    "</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>0</Size>"
                    "</Contents></ListBucketResult>"};
    }

    // The prefix= value (the fake's names need no decoding but the slash).
    static std::string prefix_of(const std::string& query) {
        const auto start = query.find("prefix=");
        if (start == std::string::npos) return "";
        auto value = query.substr(start + 7, query.find('&', start) - start - 7);
        for (auto at = value.find("%2F"); at != std::string::npos; at = value.find("%2F")) {
            value.replace(at, 3, "/");
        }
        return value;
    }

    int folders_;
    std::mutex mutex_;
};

struct PlanBuilderTest : ::testing::Test {
    std::shared_ptr<FakeBucket> bucket;
    std::unique_ptr<s3::Client> client;

    void SetUp() override { fresh(600); }

    void fresh(int folders) {
        bucket = std::make_shared<FakeBucket>(folders);
        client = std::make_unique<s3::Client>(
            s3::ClientConfig{
                "site", "us-east-1", "http://127.0.0.1:1", s3::AddressingStyle::kPath,
                std::make_shared<aws::StaticProvider>(
                    aws::sigv4::Credentials{"AKIDEXAMPLE", "SECRETEXAMPLE", ""}, "test")},
            bucket);
    }

    Plan build(int keep) {
        Policy policy;
        policy.keep = keep;
        policy.sort_by = SortBy::kName;
        BuildOptions options;
        options.concurrency = 16;
        return build_plan(*client, "site", "", policy, options);
    }
};

TEST_F(PlanBuilderTest, ByNameEachKeptFolderIsCheckedOnceAndOnlyTheDoomedAreListed) {
    // Many folders checked at once: each check's answer is recorded by one of
    // 16 threads; none may be lost (a lost one is asked again).
    for (int round = 0; round < 5; ++round) {
        fresh(600);
        const Plan plan = build(550);
        EXPECT_EQ(bucket->versioning.load(), 1);
        EXPECT_EQ(bucket->folder_pages.load(), 1);
        EXPECT_EQ(bucket->checks, 550);
        EXPECT_EQ(bucket->listings, 50);
        for (const auto& [prefix, times] : bucket->asked) EXPECT_EQ(times, 1) << prefix;
        EXPECT_EQ(plan.summary.remove, 50u);
        EXPECT_EQ(plan.summary.keep, 550u);
        EXPECT_EQ(plan.decisions.back().deployment.name, "f0000");  // the smallest name goes
    }
}

TEST_F(PlanBuilderTest, AnEmptyKeptFolderGivesItsPlaceToTheNextName) {
    bucket->empty["f0599/"] = 1;  // the greatest name, no object: not a deployment
    const Plan plan = build(2);
    ASSERT_EQ(plan.decisions.size(), 599u);
    EXPECT_EQ(plan.decisions[0].deployment.name, "f0598");
    EXPECT_EQ(plan.decisions[0].action, Action::kKeep);
    EXPECT_EQ(plan.decisions[1].deployment.name, "f0597");
    EXPECT_EQ(plan.decisions[1].action, Action::kKeep);
    EXPECT_EQ(plan.decisions[2].action, Action::kDelete);
    EXPECT_EQ(bucket->checks, 3);  // f0599 (empty), f0598, then f0597
    EXPECT_EQ(bucket->listings, 597);
}

TEST_F(PlanBuilderTest, AFolderOfOnlyMarkersIsAnEmptyFolderNotADeployment) {
    bucket->markers["f0599/"] = 1;  // named last: by name it would be the newest
    bucket->markers["f0001/"] = 1;  // among the doomed: listed in full, then left out
    const Plan plan = build(2);
    EXPECT_EQ(plan.empty_folders, (std::vector<std::string>{"f0001", "f0599"}));
    ASSERT_EQ(plan.decisions.size(), 598u);
    EXPECT_EQ(plan.decisions[0].deployment.name, "f0598");
    EXPECT_EQ(plan.decisions[1].deployment.name, "f0597");
    EXPECT_EQ(plan.decisions[2].action, Action::kDelete);
    for (const auto& d : plan.decisions) EXPECT_NE(d.deployment.name, "f0001");
    EXPECT_EQ(plan.summary.remove, 596u);
}

TEST_F(PlanBuilderTest, ARootWithNothingUnderItIsWarnedAbout) {
    fresh(0);
    const Plan plan = build(1);
    ASSERT_EQ(plan.warnings.size(), 1u);
    EXPECT_EQ(plan.warnings[0],
              "s3://site/ is empty: no folder and no object under it; check the bucket and the "
              "path for a typo");
}

}  // namespace
}  // namespace retention
