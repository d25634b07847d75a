// Property test of planning and deleting together: thousands of random buckets and
// policies (seeded, so a failure names the iteration that reproduces it), each planned
// with make_plan() and carried out by execute_plan() on S3 (retention::S3Bucket over
// the S3 client) against the shared fake transport, whose handler records every key
// of every DeleteObjects body and every DeleteObject path, and answers with random
// per-key and whole-request errors. It crosses layers on purpose: the executor's
// promises hold only with the client's resends beneath it.
//
// What must hold, whatever the input:
//   the plan   never deletes one of the N newest unprotected deployments, a protected
//              one, one last written at or after the cutoff, or the overall newest; it
//              does delete every other one (it is not timid either); summary adds up.
//   executor   never sends a key outside the doomed prefixes (root + name + "/"), never
//              a kept deployment's key, never a key twice in one request, at most 1000
//              keys a DeleteObjects; sends every doomed key at least once; re-sends only
//              keys whose last answer was retryable, within --max-attempts; reports each
//              key exactly once as deleted or failed (with the code of its last answer).
#include <fnmatch.h>
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "../net/fake_transport.hpp"
#include "aws/url_encoding.hpp"
#include "retention/executor.hpp"
#include "retention/planner.hpp"
#include "retention/s3_bucket.hpp"

namespace retention {
namespace {

constexpr int kIterations = 2000;
constexpr std::uint32_t kBaseSeed = 20261125;

TimePoint at_hour(int hour) {
    return TimePoint{std::chrono::hours{490'000 + hour}};  // somewhere in 2025
}

// ---------------------------------------------------------------- deterministic "dice"
// The fake's answers depend only on (iteration seed, key, how often the key was sent),
// never on which worker asked first, so a failing iteration replays (the batch a stop
// lands on with several workers is the one thing left to timing).
std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

double dice(std::uint64_t seed, std::string_view key, std::uint64_t n, std::uint64_t salt) {
    std::uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a
    for (unsigned char c : key) h = (h ^ c) * 0x100000001B3ULL;
    h = splitmix(h ^ splitmix(seed ^ splitmix(n * 31 + salt)));
    return static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);
}

std::string query_param(const std::string& query, const std::string& name) {
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = query.find('&', pos);
        if (amp == std::string::npos) amp = query.size();
        std::string_view part(query.data() + pos, amp - pos);
        if (part.starts_with(name + "=")) return aws::percent_decode(part.substr(name.size() + 1));
        pos = amp + 1;
    }
    return {};
}

// ---------------------------------------------------------------- the fake S3
enum class Outcome {
    kOk,                // deleted
    kKeyRetryable,      // 200, <Error> InternalError for this key
    kKeyDenied,         // 200, <Error> AccessDenied for this key
    kRequestRetryable,  // the whole request: 500 InternalError
    kRequestDenied,     // the whole request: 403 AccessDenied
};

bool is_final(Outcome o) {
    return o == Outcome::kOk || o == Outcome::kKeyDenied || o == Outcome::kRequestDenied;
}

struct Faults {
    double key_retryable = 0;  // per key per DeleteObjects
    double key_denied = 0;
    double request_retryable = 0;  // per request
    double request_denied = 0;
};

// The fake S3 behind the shared fake transport's handler (called under the
// transport's lock, one request at a time).
class RecordingS3 {
public:
    RecordingS3(std::uint64_t seed, Faults faults) : seed_(seed), faults_(faults) {}

    net::HttpResponse answer(const net::HttpRequest& request) {
        if (request.method == "POST" && request.query == "delete=") return delete_objects(request);
        if (request.method == "DELETE") return delete_object(request);
        if (request.method == "GET") {
            rechecks.push_back(query_param(request.query, "prefix"));
            EXPECT_EQ(query_param(request.query, "max-keys"), "1") << request.query;
            return {
                200, {}, "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"};
        }
        ADD_FAILURE() << "unexpected request " << request.method << " " << request.url();
        return {400, {}, "<Error><Code>InvalidRequest</Code></Error>"};
    }

    // Every request's keys, in order; singles are requests of one key.
    std::vector<std::vector<std::string>> batches;
    std::vector<std::string> singles;
    std::vector<std::string> rechecks;  // prefixes listed after a deployment was done
    std::unordered_map<std::string, std::vector<Outcome>> history;  // per key

private:
    Outcome whole_request(const std::string& first_key) {
        const double d = dice(seed_, first_key, history[first_key].size(), 7);
        if (d < faults_.request_denied) return Outcome::kRequestDenied;
        if (d < faults_.request_denied + faults_.request_retryable)
            return Outcome::kRequestRetryable;
        return Outcome::kOk;
    }

    net::HttpResponse delete_objects(const net::HttpRequest& request) {
        pugi::xml_document doc;
        const auto parsed = doc.load_buffer(request.body.data(), request.body.size());
        EXPECT_TRUE(parsed) << parsed.description();
        std::vector<std::string> keys;
        for (auto object : doc.child("Delete").children("Object")) {
            keys.emplace_back(object.child_value("Key"));
        }
        batches.push_back(keys);
        EXPECT_FALSE(keys.empty()) << "an empty DeleteObjects";
        if (keys.empty()) return {400, {}, "<Error><Code>MalformedXML</Code></Error>"};

        const Outcome request_outcome = whole_request(keys.front());
        if (request_outcome != Outcome::kOk) {
            for (const auto& k : keys) history[k].push_back(request_outcome);
            if (request_outcome == Outcome::kRequestDenied) {
                return {403, {}, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>"};
            }
            return {500, {}, "<Error><Code>InternalError</Code><Message>oops</Message></Error>"};
        }
        pugi::xml_document answer;
        auto result = answer.append_child("DeleteResult");
        for (const auto& k : keys) {
            auto& h = history[k];
            const double d = dice(seed_, k, h.size(), 3);
            Outcome o = Outcome::kOk;
            if (d < faults_.key_denied) {
                o = Outcome::kKeyDenied;
            } else if (d < faults_.key_denied + faults_.key_retryable) {
                o = Outcome::kKeyRetryable;
            }
            h.push_back(o);
            if (o == Outcome::kOk) continue;
            auto error = result.append_child("Error");
            error.append_child("Key").text().set(k.c_str());
            error.append_child("Code").text().set(o == Outcome::kKeyDenied ? "AccessDenied"
                                                                           : "InternalError");
            error.append_child("Message").text().set("injected");
        }
        std::ostringstream out;
        answer.save(out, "", pugi::format_raw, pugi::encoding_utf8);
        return {200, {}, out.str()};
    }

    net::HttpResponse delete_object(const net::HttpRequest& request) {
        const std::string prefix = "/site/";
        EXPECT_TRUE(request.path.starts_with(prefix)) << request.path;
        const std::string key =
            aws::percent_decode(std::string_view(request.path).substr(prefix.size()));
        singles.push_back(key);
        const Outcome o = whole_request(key);
        history[key].push_back(o);
        if (o == Outcome::kRequestDenied) {
            return {403, {}, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>"};
        }
        if (o == Outcome::kRequestRetryable) {
            return {500, {}, "<Error><Code>InternalError</Code><Message>oops</Message></Error>"};
        }
        return {204, {}, ""};
    }

    std::uint64_t seed_;
    Faults faults_;
};

// ---------------------------------------------------------------- random buckets
const std::vector<std::string> kNamePool = {
    "app",
    "app2",
    "app-old",
    "ap",
    "app.1",
    "apps",
    "rel-1",
    "rel-10",
    "rel-2",
    "b",
    "x1",
    "x2",
    "v1.0.0",
    "v1.0.10",
    "caf\xC3\xA9",
    "\xE6\x97\xA5",
    "a b",
    "a&b",
    "<x>",
    "q\"'",
    "100%",
    "plus+1",
    "ctl\x01"
    "dep",
    "tab\tname",
    "z",
    "zz",
    "zzz",
    "main",
    "main-1",
    "feature",
    "feature-x",
    "0",
};

const std::vector<std::string> kGlobPool = {"rel-*", "app", "*2", "[ab]*",   "x?",
                                            "*.*",   "z*",  "*",  "nomatch", "v1.0.*"};

const std::vector<std::string> kRestPool = {
    "index.html", "a/b/c.js",        "img/logo.png",
    "dir/",       " lead",           "trail ",
    "a&b<c>\"'",  "caf\xC3\xA9.txt", "\xE6\x97\xA5\xE6\x9C\xAC/x",
    "tab\tkey",   "nl\nkey",         "%41",
    "q?x=1",      "a+b=c",           "",  // "": the folder marker itself, ROOT/NAME/
};
// Characters XML 1.0 cannot carry (or not round-trip): such keys go one by one.
const std::vector<std::string> kControl = {"\x01", "\x07", "\r", "\x1f", "\x7f"};

struct World {
    std::string root;
    std::vector<Deployment> deployments;
    Policy policy;
    int max_attempts = 1;
    int concurrency = 1;
    Faults faults;
    std::optional<int> stop_after_batches;
};

World random_world(std::mt19937& rng) {
    auto pick = [&rng](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(rng);
    };
    auto chance = [&rng](double p) { return std::bernoulli_distribution(p)(rng); };
    World w;
    w.root = chance(0.5) ? "" : (chance(0.5) ? "sites/x/" : "a/");

    std::vector<std::string> names = kNamePool;
    for (int i = 0; i < 8; ++i) names.push_back("d" + std::to_string(pick(0, 99)));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::shuffle(names.begin(), names.end(), rng);
    names.resize(
        static_cast<std::size_t>(pick(1, std::min<int>(30, static_cast<int>(names.size())))));

    const bool big = chance(0.05);  // one deployment past a batch
    for (std::size_t i = 0; i < names.size(); ++i) {
        Deployment d;
        d.name = names[i];
        d.prefix = w.root + d.name + "/";
        const int objects = (big && i == 0) ? pick(1000, 2600) : pick(1, 40);
        for (int j = 0; j < objects; ++j) {
            std::string rest = kRestPool[static_cast<std::size_t>(
                pick(0, static_cast<int>(kRestPool.size()) - 1))];
            if (chance(0.04)) {
                rest += kControl[static_cast<std::size_t>(
                    pick(0, static_cast<int>(kControl.size()) - 1))];
            }
            // Unique within the deployment, as a listing is.
            if (!(rest.empty() && j == 0)) rest += "#" + std::to_string(j);
            const std::uint64_t size = static_cast<std::uint64_t>(pick(0, 5000));
            d.contents.add(d.prefix + rest, size);
            d.bytes += size;
        }
        d.objects = d.contents.size();
        // Hours, few of them, so ties on newest / oldest are common.
        const int newest = pick(0, 60);
        d.newest = at_hour(newest);
        d.oldest = at_hour(newest - pick(0, 10));
        w.deployments.push_back(std::move(d));
    }

    w.policy.keep = pick(1, 5);
    if (chance(0.4)) w.policy.cutoff = at_hour(pick(-5, 65));
    const int globs = chance(0.5) ? 0 : pick(1, 3);
    for (int i = 0; i < globs; ++i) {
        w.policy.protect.push_back(
            kGlobPool[static_cast<std::size_t>(pick(0, static_cast<int>(kGlobPool.size()) - 1))]);
    }
    w.policy.sort_by = static_cast<SortBy>(pick(0, 2));

    w.max_attempts = pick(1, 4);
    w.concurrency = chance(0.7) ? 1 : pick(2, 4);
    if (chance(0.6)) {
        w.faults.key_retryable = 0.15;
        w.faults.key_denied = chance(0.5) ? 0.03 : 0;
        w.faults.request_retryable = chance(0.5) ? 0.1 : 0;
        w.faults.request_denied = chance(0.2) ? 0.05 : 0;
    }
    if (chance(0.1)) w.stop_after_batches = pick(0, 3);
    return w;
}

// The order the README promises, computed apart from the planner.
bool newer(const Deployment& a, const Deployment& b, SortBy sort_by) {
    if (sort_by == SortBy::kNewest && a.newest != b.newest) return a.newest > b.newest;
    if (sort_by == SortBy::kOldest && a.oldest != b.oldest) return a.oldest > b.oldest;
    return a.name > b.name;
}

std::string describe(const World& w, std::uint32_t seed) {
    std::string out = "seed " + std::to_string(seed) + ", root '" + w.root + "', keep " +
                      std::to_string(w.policy.keep) + ", sort " + to_string(w.policy.sort_by) +
                      ", cutoff " + (w.policy.cutoff ? "yes" : "no") + ", protect {";
    for (const auto& g : w.policy.protect) out += g + " ";
    out += "}, max_attempts " + std::to_string(w.max_attempts) + ", concurrency " +
           std::to_string(w.concurrency) + ", deployments " + std::to_string(w.deployments.size());
    return out;
}

// ---------------------------------------------------------------- the plan's invariants
// Shell globs on the name, as the README says (fnmatch without flags), apart from the planner.
bool is_protected_by(const std::string& name, const std::vector<std::string>& globs) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
        return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
    });
}

void check_plan(const World& w, const Plan& plan, const std::string& ctx) {
    ASSERT_EQ(plan.decisions.size(), w.deployments.size()) << ctx;
    // Newest first, exactly the README's order.
    std::vector<const Deployment*> order;
    for (const auto& d : w.deployments) order.push_back(&d);
    std::sort(order.begin(), order.end(), [&](const Deployment* a, const Deployment* b) {
        return newer(*a, *b, w.policy.sort_by);
    });
    for (std::size_t i = 0; i < order.size(); ++i) {
        ASSERT_EQ(plan.decisions[i].deployment.name, order[i]->name) << ctx << " position " << i;
    }
    int unprotected_seen = 0;
    PlanSummary summary;
    for (std::size_t i = 0; i < plan.decisions.size(); ++i) {
        const auto& decision = plan.decisions[i];
        const auto& d = decision.deployment;
        const bool is_protected = is_protected_by(d.name, w.policy.protect);
        const bool among_n = !is_protected && unprotected_seen < w.policy.keep;
        if (!is_protected) ++unprotected_seen;
        const bool newer_than_cutoff = w.policy.cutoff && d.newest >= *w.policy.cutoff;
        const bool doomed = decision.action == Action::kDelete;
        EXPECT_EQ(doomed, decision.reason == Reason::kPastKeep) << ctx << " " << d.name;
        if (i == 0) {
            EXPECT_FALSE(doomed) << ctx << ": the overall newest is deleted";
        }
        if (is_protected) {
            EXPECT_FALSE(doomed) << ctx << ": protected " << d.name << " deleted";
        }
        if (among_n) {
            EXPECT_FALSE(doomed) << ctx << ": one of the N newest deleted: " << d.name;
        }
        if (newer_than_cutoff) {
            EXPECT_FALSE(doomed) << ctx << ": newer than cutoff: " << d.name;
        }
        // Not timid: everything else goes.
        EXPECT_EQ(doomed, !is_protected && !among_n && !newer_than_cutoff) << ctx << " " << d.name;
        ++summary.deployments;
        if (doomed) {
            ++summary.remove;
            summary.objects_to_delete += d.objects;
            summary.bytes_to_delete += d.bytes;
        } else {
            ++summary.keep;
        }
    }
    EXPECT_EQ(plan.summary.deployments, summary.deployments) << ctx;
    EXPECT_EQ(plan.summary.keep, summary.keep) << ctx;
    EXPECT_EQ(plan.summary.remove, summary.remove) << ctx;
    EXPECT_EQ(plan.summary.objects_to_delete, summary.objects_to_delete) << ctx;
    EXPECT_EQ(plan.summary.bytes_to_delete, summary.bytes_to_delete) << ctx;
}

// ---------------------------------------------------------------- the executor's invariants
struct Expected {
    std::unordered_map<std::string, std::uint64_t> doomed;           // key -> size
    std::unordered_map<std::string, std::string> doomed_deployment;  // key -> prefix
    std::unordered_set<std::string> kept;
    std::set<std::string> doomed_prefixes;
};

Expected expected_of(const Plan& plan) {
    Expected e;
    for (const auto& decision : plan.decisions) {
        const auto& d = decision.deployment;
        for (std::size_t i = 0; i < d.contents.size(); ++i) {
            std::string key(d.contents.key(i));
            if (decision.action == Action::kDelete) {
                e.doomed.emplace(key, d.contents.object_size(i));
                e.doomed_deployment.emplace(key, d.prefix);
            } else {
                e.kept.insert(key);
            }
        }
        if (decision.action == Action::kDelete) e.doomed_prefixes.insert(d.prefix);
    }
    return e;
}

void check_execution(const World& w, const Plan& plan, const RecordingS3& s3,
                     const ExecutionResult& result, const std::string& ctx) {
    const Expected e = expected_of(plan);
    const bool stopped = w.stop_after_batches.has_value();

    // What was sent.
    for (const auto& batch : s3.batches) {
        EXPECT_LE(batch.size(), s3::kDeleteObjectsMaxKeys) << ctx;
        std::unordered_set<std::string> in_request;
        for (const auto& key : batch) {
            EXPECT_TRUE(in_request.insert(key).second) << ctx << ": twice in one request: " << key;
            EXPECT_TRUE(s3::xml_can_carry(key)) << ctx << ": XML cannot carry " << key;
        }
    }
    auto check_key = [&](const std::string& key) {
        EXPECT_FALSE(e.kept.contains(key)) << ctx << ": a kept deployment's key sent: " << key;
        auto it = e.doomed_deployment.find(key);
        ASSERT_NE(it, e.doomed_deployment.end()) << ctx << ": a key never planned sent: " << key;
        EXPECT_TRUE(key.starts_with(plan.root)) << ctx << key;
        // Under exactly its doomed prefix = root + name + "/".
        bool under_doomed = false;
        for (const auto& prefix : e.doomed_prefixes) under_doomed |= key.starts_with(prefix);
        EXPECT_TRUE(under_doomed) << ctx << ": outside every doomed prefix: " << key;
    };
    for (const auto& batch : s3.batches) {
        for (const auto& key : batch) check_key(key);
    }
    for (const auto& key : s3.singles) {
        check_key(key);
        EXPECT_FALSE(s3::xml_can_carry(key)) << ctx << ": sent alone though XML can carry it";
    }

    // Every key's story.
    std::unordered_map<std::string, const FailedKey*> failed;
    for (const auto& f : result.failed) {
        EXPECT_TRUE(failed.emplace(f.key, &f).second)
            << ctx << ": reported failed twice: " << f.key;
        EXPECT_TRUE(e.doomed.contains(f.key)) << ctx << ": failed key never planned: " << f.key;
    }
    std::uint64_t deleted = 0;
    std::uint64_t bytes = 0;
    std::uint64_t never_sent = 0;
    std::set<std::string> deployments_with_failures;
    for (const auto& [key, size] : e.doomed) {
        auto h = s3.history.find(key);
        if (h == s3.history.end() || h->second.empty()) {
            EXPECT_TRUE(stopped) << ctx << ": a doomed key was never sent: " << key;
            EXPECT_FALSE(failed.contains(key)) << ctx << ": never sent, reported failed";
            ++never_sent;
            continue;
        }
        const auto& story = h->second;
        for (std::size_t i = 0; i + 1 < story.size(); ++i) {
            EXPECT_FALSE(is_final(story[i]))
                << ctx << ": sent again after a final answer: " << key << " send " << i + 2;
        }
        // Rounds the per-key loop gave it: answers that were about the key itself.
        const auto rounds = std::count_if(story.begin(), story.end(), [](Outcome o) {
            return o == Outcome::kOk || o == Outcome::kKeyRetryable || o == Outcome::kKeyDenied;
        });
        EXPECT_LE(rounds, w.max_attempts) << ctx << ": " << key;
        EXPECT_LE(story.size(), static_cast<std::size_t>(w.max_attempts * w.max_attempts))
            << ctx << ": " << key;
        // Consecutive whole-request failures: at most max_attempts in one go.
        int run = 0;
        for (auto o : story) {
            run = (o == Outcome::kRequestRetryable) ? run + 1 : 0;
            EXPECT_LE(run, w.max_attempts) << ctx << ": " << key;
        }
        const Outcome last = story.back();
        auto f = failed.find(key);
        if (last == Outcome::kOk) {
            EXPECT_EQ(f, failed.end()) << ctx << ": deleted but reported failed: " << key;
            ++deleted;
            bytes += size;
            continue;
        }
        if (f == failed.end()) {
            // Only a stop may leave a retryable key unfinished (counted not attempted).
            EXPECT_TRUE(stopped && !is_final(last)) << ctx << ": not reported: " << key;
            continue;
        }
        deployments_with_failures.insert(e.doomed_deployment.at(key));
        const bool denied = last == Outcome::kKeyDenied || last == Outcome::kRequestDenied;
        EXPECT_EQ(f->second->code, denied ? "AccessDenied" : "InternalError") << ctx << key;
        if (!stopped && last == Outcome::kKeyRetryable) {
            EXPECT_EQ(rounds, w.max_attempts) << ctx << ": gave up early on " << key;
        }
        if (!stopped && last == Outcome::kRequestRetryable) {
            EXPECT_EQ(run, w.max_attempts) << ctx << ": gave up early on " << key;
        }
    }
    EXPECT_EQ(result.objects_deleted, deleted) << ctx;
    EXPECT_EQ(result.bytes_freed, bytes) << ctx;
    EXPECT_EQ(result.objects_deleted + result.failed.size() + result.objects_not_attempted,
              e.doomed.size())
        << ctx;
    if (!stopped) {
        EXPECT_FALSE(result.interrupted) << ctx;
        EXPECT_EQ(result.objects_not_attempted, 0u) << ctx;
        EXPECT_EQ(result.deployments_deleted,
                  e.doomed_prefixes.size() - deployments_with_failures.size())
            << ctx;
        // Each deployment done is checked once, with its own prefix.
        std::multiset<std::string> rechecked(s3.rechecks.begin(), s3.rechecks.end());
        EXPECT_EQ(rechecked.size(), result.deployments_deleted) << ctx;
        for (const auto& p : rechecked) {
            EXPECT_TRUE(e.doomed_prefixes.contains(p)) << ctx << ": rechecked " << p;
            EXPECT_EQ(rechecked.count(p), 1u) << ctx << ": rechecked twice " << p;
            EXPECT_FALSE(deployments_with_failures.contains(p)) << ctx << ": " << p;
        }
    } else {
        EXPECT_GE(result.objects_not_attempted, never_sent) << ctx;
    }
    EXPECT_TRUE(result.appeared.empty()) << ctx;
}

TEST(ExecutorProperty, RandomBucketsAndPoliciesKeepEveryInvariant) {
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t keys_sent = 0;
    std::uint64_t requests = 0;
    std::uint64_t failed_keys = 0;
    std::uint64_t plans_with_deletions = 0;
    for (int iteration = 0; iteration < kIterations; ++iteration) {
        const std::uint32_t seed = kBaseSeed + static_cast<std::uint32_t>(iteration);
        std::mt19937 rng(seed);
        World w = random_world(rng);
        const std::string ctx =
            "[iteration " + std::to_string(iteration) + ": " + describe(w, seed) + "]";

        Plan plan = make_plan("site", w.root, w.deployments, w.policy);
        check_plan(w, plan, ctx);

        auto s3 = std::make_unique<RecordingS3>(seed, w.faults);
        auto transport = std::make_shared<nettest::FakeTransport>();
        transport->handler = [&s3](const net::HttpRequest& request) { return s3->answer(request); };
        s3::Client client{
            s3::ClientConfig{
                "site", "us-east-1", "http://127.0.0.1:1", s3::AddressingStyle::kAuto,
                std::make_shared<aws::StaticProvider>(
                    aws::sigv4::Credentials{"AKIDEXAMPLE", "SECRETEXAMPLE", ""}, "test")},
            transport};
        S3Bucket bucket(client);
        client.retry.policy.max_attempts = w.max_attempts;
        client.retry.random01 = [] { return 0.5; };
        client.retry.sleep = [](std::chrono::milliseconds, const std::function<bool()>&) {};

        ExecutorHooks hooks;
        hooks.concurrency = w.concurrency;
        std::atomic<int> batches_done{0};
        if (w.stop_after_batches) {
            const int limit = *w.stop_after_batches;
            hooks.on_batch_done = [&batches_done](const ExecutionResult&) { ++batches_done; };
            hooks.stop_requested = [&batches_done, limit] { return batches_done.load() >= limit; };
            client.retry.stop_requested = hooks.stop_requested;
        }
        ExecutionResult result;
        ASSERT_NO_THROW(result = execute_plan(plan, bucket, hooks)) << ctx;
        check_execution(w, plan, *s3, result, ctx);

        if (plan.summary.remove > 0) ++plans_with_deletions;
        for (const auto& b : s3->batches) keys_sent += b.size();
        keys_sent += s3->singles.size();
        requests += s3->batches.size() + s3->singles.size();
        failed_keys += result.failed.size();
        if (::testing::Test::HasFailure()) {
            FAIL() << "stopping at the first failing iteration " << ctx;
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf(
        "  %d worlds (%llu with deletions): %llu keys in %llu delete requests, "
        "%llu keys failed, %.2f s\n",
        kIterations, static_cast<unsigned long long>(plans_with_deletions),
        static_cast<unsigned long long>(keys_sent), static_cast<unsigned long long>(requests),
        static_cast<unsigned long long>(failed_keys), seconds);
    EXPECT_GT(plans_with_deletions, static_cast<std::uint64_t>(kIterations / 2));
}

}  // namespace
}  // namespace retention
