// The executor against a fake transport: what it sends, and what it reports.
#include "retention/executor.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "retention/planner.hpp"

namespace retention {
namespace {

constexpr const char* kEmptyList =
    "<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType>"
    "</ListBucketResult>";

std::vector<std::string> keys_in(const std::string& body) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(body.c_str()));
    std::vector<std::string> keys;
    for (auto object : doc.child("Delete").children("Object")) {
        keys.emplace_back(object.child_value("Key"));
    }
    return keys;
}

// Answers every request from a handler; remembers what was sent.
class FakeTransport : public net::HttpTransport {
public:
    std::function<net::HttpResponse(const net::HttpRequest&)> handler;
    std::vector<net::HttpRequest> sent;

    net::HttpResponse send(const net::HttpRequest& request) override {
        std::lock_guard lock(mutex);  // the executor may send from several workers
        sent.push_back(request);
        return handler(request);
    }
    std::mutex mutex;
};

net::HttpResponse ok(std::string body) { return net::HttpResponse{200, {}, std::move(body)}; }

bool is_delete_objects(const net::HttpRequest& r) {
    return r.method == "POST" && r.query == "delete=";
}

Deployment deployment(const std::string& root, const std::string& name, int objects, int minute) {
    Deployment d;
    d.name = name;
    d.prefix = root + name + "/";
    d.objects = static_cast<std::uint64_t>(objects);
    for (int i = 0; i < objects; ++i) {
        d.contents.add(d.prefix + "file-" + std::to_string(i), 10);
        d.bytes += 10;
    }
    d.newest = d.oldest = TimePoint{std::chrono::minutes{minute}};
    return d;
}

struct ExecutorTest : ::testing::Test {
    std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>();
    s3::Client client{
        s3::ClientConfig{"site", "us-east-1", "http://127.0.0.1:1", s3::AddressingStyle::kAuto,
                         std::make_shared<aws::StaticProvider>(
                             aws::sigv4::Credentials{"AKIDEXAMPLE", "SECRETEXAMPLE", ""}, "test")},
        transport};

    Plan plan_of(std::vector<Deployment> deployments, int keep, const std::string& root = "") {
        Policy policy;
        policy.keep = keep;
        return make_plan("site", root, std::move(deployments), policy);
    }

    void SetUp() override {
        client.retry.random01 = [] { return 0.0; };
        client.retry.sleep = [](std::chrono::milliseconds, const std::function<bool()>&) {};
        transport->handler = [](const net::HttpRequest& r) {
            return is_delete_objects(r) ? ok("<DeleteResult/>") : ok(kEmptyList);
        };
    }

    std::vector<net::HttpRequest> deletes() const {
        std::vector<net::HttpRequest> out;
        for (const auto& r : transport->sent) {
            if (r.method == "POST" || r.method == "DELETE") out.push_back(r);
        }
        return out;
    }
};

TEST_F(ExecutorTest, PacksFullBatchesAcrossDeploymentsAndNeverSendsKeptKeys) {
    auto plan = plan_of({deployment("", "new", 5, 100), deployment("", "a", 1500, 10),
                         deployment("", "b", 1000, 9), deployment("", "c", 1, 8)},
                        1);
    auto result = execute_plan(plan, client, {});

    auto sent = deletes();
    ASSERT_EQ(sent.size(), 3u);  // 2501 keys: 1000 + 1000 + 501
    EXPECT_EQ(keys_in(sent[0].body).size(), 1000u);
    EXPECT_EQ(keys_in(sent[1].body).size(), 1000u);
    EXPECT_EQ(keys_in(sent[2].body).size(), 501u);
    std::set<std::string> all;
    for (const auto& r : sent) {
        for (auto& k : keys_in(r.body)) {
            EXPECT_FALSE(k.starts_with("new/")) << k;
            EXPECT_TRUE(all.insert(k).second) << "sent twice: " << k;
        }
    }
    EXPECT_EQ(all.size(), 2501u);
    EXPECT_EQ(result.objects_deleted, 2501u);
    EXPECT_EQ(result.bytes_freed, 25010u);
    EXPECT_EQ(result.deployments_deleted, 3u);
    EXPECT_TRUE(result.failed.empty());
}

TEST_F(ExecutorTest, PerKeyErrorsInA200AnswerAreFailuresOfThoseKeysOnly) {
    transport->handler = [](const net::HttpRequest& r) {
        if (!is_delete_objects(r)) return ok(kEmptyList);
        return ok(
            "<DeleteResult><Error><Key>old/file-1</Key><Code>AccessDenied</Code>"
            "<Message>Access Denied</Message></Error></DeleteResult>");
    };
    auto plan = plan_of(
        {deployment("", "new", 1, 100), deployment("", "old", 3, 1), deployment("", "older", 2, 0)},
        1);
    auto result = execute_plan(plan, client, {});
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].key, "old/file-1");
    EXPECT_EQ(result.failed[0].code, "AccessDenied");
    EXPECT_EQ(result.failed[0].message, "Access Denied");
    EXPECT_EQ(result.objects_deleted, 4u);
    EXPECT_EQ(result.deployments_deleted, 1u);  // "older" only: "old" kept a key
}

TEST_F(ExecutorTest, AFailedRequestFailsEveryKeyInItAndTheRestGoesOn) {
    int posts = 0;
    transport->handler = [&posts](const net::HttpRequest& r) {
        if (!is_delete_objects(r)) return ok(kEmptyList);
        if (++posts == 1) {
            return net::HttpResponse{403,
                                     {{"x-amz-request-id", "RID1"}},
                                     "<Error><Code>AccessDenied</Code><Message>no</Message>"
                                     "<RequestId>RID1</RequestId></Error>"};
        }
        return ok("<DeleteResult/>");
    };
    auto plan = plan_of(
        {deployment("", "new", 1, 100), deployment("", "a", 1000, 5), deployment("", "b", 7, 4)},
        1);
    auto result = execute_plan(plan, client, {});
    EXPECT_EQ(result.failed.size(), 1000u);
    EXPECT_EQ(result.failed.front().code, "AccessDenied");
    EXPECT_NE(result.failed.front().message.find("RID1"), std::string::npos);
    EXPECT_EQ(result.objects_deleted, 7u);
}

TEST_F(ExecutorTest, KeysXmlCannotCarryGoOneByOne) {
    auto d = deployment("", "old", 2, 1);
    d.contents.add("old/ctl\x01key", 3);
    d.objects = 3;
    auto plan = plan_of({deployment("", "new", 1, 100), d}, 1);
    auto result = execute_plan(plan, client, {});
    auto sent = deletes();
    ASSERT_EQ(sent.size(), 2u);
    auto single =
        std::find_if(sent.begin(), sent.end(), [](const auto& r) { return r.method == "DELETE"; });
    auto batch =
        std::find_if(sent.begin(), sent.end(), [](const auto& r) { return r.method == "POST"; });
    ASSERT_NE(single, sent.end());
    ASSERT_NE(batch, sent.end());
    EXPECT_EQ(keys_in(batch->body).size(), 2u);
    EXPECT_EQ(single->path, "/site/old/ctl%01key");
    EXPECT_EQ(result.objects_deleted, 3u);
}

TEST_F(ExecutorTest, RefusesAKeyOutsideTheDoomedPrefixAndSendsNothing) {
    auto bad = deployment("", "app", 2, 1);
    bad.contents.add("app2/index.html", 1);
    auto plan = plan_of({deployment("", "new", 1, 100), bad}, 1);
    EXPECT_THROW(execute_plan(plan, client, {}), PlanSafetyError);
    EXPECT_TRUE(transport->sent.empty());
}

TEST_F(ExecutorTest, RefusesAPrefixThatIsNotRootNameSlash) {
    auto bad = deployment("sites/", "app", 2, 1);
    bad.prefix = "sites/app";  // no trailing slash: would reach sites/app2/
    bad.contents.release();
    bad.contents.add("sites/app2/index.html", 1);  // what a prefix without '/' would list
    auto plan = plan_of({deployment("sites/", "new", 1, 100), bad}, 1, "sites/");
    EXPECT_THROW(execute_plan(plan, client, {}), PlanSafetyError);
    EXPECT_TRUE(transport->sent.empty());
}

TEST_F(ExecutorTest, RefusesAPlanThatDoomsALiveDeploymentOrIsIncomplete) {
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "d04", 2, 1)}, 1);
    ASSERT_EQ(plan.decisions[1].action, Action::kDelete);
    plan.policy.live = {"d04"};  // as if planning had missed it: the executor still refuses
    EXPECT_THROW(execute_plan(plan, client, {}), PlanSafetyError);
    plan.policy.live.clear();
    plan.incomplete = true;
    EXPECT_THROW(execute_plan(plan, client, {}), PlanSafetyError);
    EXPECT_TRUE(transport->sent.empty());
}

TEST_F(ExecutorTest, ObjectsAppearingDuringCleanupAreReportedNotDeleted) {
    transport->handler = [](const net::HttpRequest& r) {
        if (is_delete_objects(r)) return ok("<DeleteResult/>");
        return ok(
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>old/late.html"
            "</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>1</Size>"
            "</Contents></ListBucketResult>");
    };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 2, 1)}, 1);
    auto result = execute_plan(plan, client, {});
    ASSERT_EQ(result.appeared.size(), 1u);
    EXPECT_EQ(result.appeared[0].deployment, "old");
    EXPECT_EQ(result.deployments_deleted, 0u);
    const auto& recheck = transport->sent.back();
    EXPECT_EQ(recheck.method, "GET");
    EXPECT_NE(recheck.query.find("max-keys=1"), std::string::npos);
    EXPECT_NE(recheck.query.find("prefix=old%2F"), std::string::npos);
    EXPECT_EQ(std::count_if(transport->sent.begin(), transport->sent.end(),
                            [](const auto& r) { return r.method == "POST"; }),
              1);
}

TEST_F(ExecutorTest, AStopRequestSendsNoNewBatch) {
    int batches = 0;
    ExecutorHooks hooks;
    hooks.on_batch_done = [&batches](const ExecutionResult&) { ++batches; };
    hooks.stop_requested = [&batches] { return batches >= 1; };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "a", 2500, 1)}, 1);
    auto result = execute_plan(plan, client, hooks);
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_deleted, 1000u);
    EXPECT_EQ(result.objects_not_attempted, 1500u);
    EXPECT_EQ(deletes().size(), 1u);
}

TEST_F(ExecutorTest, APurgeReportsEachVersionOnceWithItsIdAndCountsOnlyCurrentObjects) {
    Deployment old;
    old.name = "old";
    old.prefix = "old/";
    old.objects = 2;
    old.versions_listed = true;
    // a.txt: current and one older version; b.txt: a delete marker over a version.
    old.contents.add_version("old/a.txt", 3, "a2", false, true);
    old.contents.add_version("old/a.txt", 3, "a1", false, false);
    old.contents.add_version("old/b.txt", 0, "bm", true, true);
    old.contents.add_version("old/b.txt", 4, "b1", false, false);
    auto plan = plan_of({deployment("", "new", 1, 100), std::move(old)}, 1);
    plan.versioning = "Enabled";
    plan.purge_versions = true;
    std::vector<std::pair<std::string, std::string>> outcomes;
    ExecutorHooks hooks;
    hooks.on_key_done = [&outcomes](const KeyOutcome& outcome) {
        EXPECT_TRUE(outcome.deleted);
        outcomes.emplace_back(outcome.key, outcome.version_id);
    };
    auto result = execute_plan(plan, client, hooks);
    EXPECT_EQ(
        outcomes,
        (std::vector<std::pair<std::string, std::string>>{
            {"old/a.txt", "a2"}, {"old/a.txt", "a1"}, {"old/b.txt", "bm"}, {"old/b.txt", "b1"}}));
    EXPECT_EQ(result.objects_deleted, 1u);  // only a.txt was a current object
    EXPECT_EQ(result.versions_deleted, 3u);
    EXPECT_EQ(result.delete_markers_deleted, 1u);
    EXPECT_EQ(result.entries_answered, 4u);
    EXPECT_EQ(result.bytes_freed, 10u);
}

TEST_F(ExecutorTest, RetryableKeyErrorsAreResentAloneUntilTheyGo) {
    std::map<std::string, int> errors_left{{"old/file-3", 2}, {"old/file-7", 1}};
    transport->handler = [&errors_left](const net::HttpRequest& r) {
        if (!is_delete_objects(r)) return ok(kEmptyList);
        std::string errors;
        for (const auto& key : keys_in(r.body)) {
            auto it = errors_left.find(key);
            if (it != errors_left.end() && it->second-- > 0) {
                errors += "<Error><Key>" + key + "</Key><Code>InternalError</Code></Error>";
            }
        }
        return ok("<DeleteResult>" + errors + "</DeleteResult>");
    };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 10, 1)}, 1);
    auto result = execute_plan(plan, client, {});
    auto sent = deletes();
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(keys_in(sent[0].body).size(), 10u);
    EXPECT_EQ(keys_in(sent[1].body), (std::vector<std::string>{"old/file-3", "old/file-7"}));
    EXPECT_EQ(keys_in(sent[2].body), (std::vector<std::string>{"old/file-3"}));
    EXPECT_TRUE(result.failed.empty());
    EXPECT_EQ(result.objects_deleted, 10u);
    EXPECT_EQ(result.deployments_deleted, 1u);
    EXPECT_EQ(client.counts().del.load(), 1);  // resends are counted as retries
    EXPECT_EQ(client.counts().retries.load(), 2);
}

TEST_F(ExecutorTest, AKeyFailingEveryAttemptIsReportedAndTheRestIsDone) {
    client.retry.policy.max_attempts = 4;
    transport->handler = [](const net::HttpRequest& r) {
        if (!is_delete_objects(r)) return ok(kEmptyList);
        for (const auto& key : keys_in(r.body)) {
            if (key == "old/file-2") {
                return ok(
                    "<DeleteResult><Error><Key>old/file-2</Key><Code>InternalError</Code>"
                    "<Message>boom</Message></Error></DeleteResult>");
            }
        }
        return ok("<DeleteResult/>");
    };
    auto plan = plan_of(
        {deployment("", "new", 1, 100), deployment("", "old", 5, 1), deployment("", "older", 3, 0)},
        1);
    auto result = execute_plan(plan, client, {});
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].key, "old/file-2");
    EXPECT_EQ(result.failed[0].code, "InternalError");
    EXPECT_EQ(result.objects_deleted, 7u);
    EXPECT_EQ(deletes().size(), 4u);  // the batch, then the key alone three times
}

TEST_F(ExecutorTest, AKeyStoppedBeforeItsResendIsReportedFailedWithItsLastError) {
    bool stopped = false;
    client.retry.stop_requested = [&stopped] { return stopped; };
    // The signal arrives during the backoff before the resend.
    client.retry.sleep = [&stopped](std::chrono::milliseconds, const std::function<bool()>&) {
        stopped = true;
    };
    transport->handler = [](const net::HttpRequest& r) {
        if (!is_delete_objects(r)) return ok(kEmptyList);
        return ok(
            "<DeleteResult><Error><Key>old/file-1</Key><Code>SlowDown</Code>"
            "<Message>slow</Message></Error></DeleteResult>");
    };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "old", 4, 1)}, 1);
    auto result = execute_plan(plan, client, {});
    EXPECT_EQ(deletes().size(), 1u);  // no resend after the stop
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.objects_deleted, 3u);
    EXPECT_EQ(result.objects_not_attempted, 0u);  // it was sent, and refused
    ASSERT_EQ(result.failed.size(), 1u);
    EXPECT_EQ(result.failed[0].key, "old/file-1");
    EXPECT_EQ(result.failed[0].code, "SlowDown");
    EXPECT_EQ(result.failed[0].message, "slow (not resent: the run was stopped)");
    EXPECT_EQ(result.deployments_deleted, 0u);
}

TEST_F(ExecutorTest, PermanentKeyErrorsAreNotResent) {
    transport->handler = [](const net::HttpRequest& r) {
        if (!is_delete_objects(r)) return ok(kEmptyList);
        std::string errors;
        for (const auto& key : keys_in(r.body)) {
            if (key.starts_with("locked/")) {
                errors += "<Error><Key>" + key + "</Key><Code>AccessDenied</Code></Error>";
            }
        }
        return ok("<DeleteResult>" + errors + "</DeleteResult>");
    };
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "locked", 3, 2),
                         deployment("", "old", 3, 1)},
                        1);
    auto result = execute_plan(plan, client, {});
    EXPECT_EQ(result.failed.size(), 3u);
    EXPECT_EQ(result.objects_deleted, 3u);
    EXPECT_EQ(deletes().size(), 1u);
}

TEST_F(ExecutorTest, ConcurrentWorkersDeleteEachKeyExactlyOnce) {
    std::vector<Deployment> deployments{deployment("", "new", 3, 100)};
    for (int i = 0; i < 12; ++i)
        deployments.push_back(deployment("", "d" + std::to_string(i), 750, i));
    auto plan = plan_of(std::move(deployments), 1);
    ExecutorHooks hooks;
    hooks.concurrency = 8;
    int callbacks = 0;
    hooks.on_batch_done = [&callbacks](const ExecutionResult&) { ++callbacks; };
    auto result = execute_plan(plan, client, hooks);
    std::multiset<std::string> sent;
    for (const auto& r : deletes()) {
        for (auto& k : keys_in(r.body)) sent.insert(k);
    }
    EXPECT_EQ(sent.size(), 12u * 750u);
    EXPECT_EQ(std::set<std::string>(sent.begin(), sent.end()).size(), sent.size());
    EXPECT_EQ(deletes().size(), 9u);  // 9000 keys, 1000 a request
    EXPECT_EQ(callbacks, 9);
    EXPECT_EQ(result.objects_deleted, 9000u);
    EXPECT_EQ(result.deployments_deleted, 12u);
    for (const auto& k : sent) EXPECT_FALSE(k.starts_with("new/"));
}

TEST_F(ExecutorTest, SendsContentMd5AndQuietMode) {
    auto plan = plan_of({deployment("", "new", 1, 100), deployment("", "a&<b", 2, 1)}, 1);
    execute_plan(plan, client, {});
    auto sent = deletes();
    ASSERT_EQ(sent.size(), 1u);
    bool has_md5 = false;
    for (const auto& [name, value] : sent[0].headers) has_md5 |= name == "content-md5";
    EXPECT_TRUE(has_md5);
    EXPECT_NE(sent[0].body.find("<Quiet>true</Quiet>"), std::string::npos);
    EXPECT_EQ(keys_in(sent[0].body), (std::vector<std::string>{"a&<b/file-0", "a&<b/file-1"}));
}

}  // namespace
}  // namespace retention
