// A deployment's listing fanned out over its sub-folders (issue 15): the same
// keys, sizes, newest and oldest as a flat listing, whatever the tree and the
// page size, with either answer a server gives for the folder that holds
// start-after. Run on several threads, so the TSan build checks it too.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "memory_bucket.hpp"
#include "retention/inventory.hpp"
#include "retention/task_queue.hpp"

namespace retention {
namespace {

using retentiontest::MemoryBucket;

struct Flat {
    std::map<std::string, std::uint64_t> keys;
    TimePoint newest{};
    TimePoint oldest{};
};

// What a flat listing of the deployment gives, from the bucket's own listing.
Flat flat_listing(MemoryBucket& bucket, const std::string& prefix) {
    Flat flat;
    bool any_content = false;
    TimePoint marker_newest{};
    TimePoint marker_oldest{};
    bool any_marker = false;
    bucket.list({.prefix = prefix}, [&](ListedPage& page) {
        for (const auto& entry : page.objects) {
            flat.keys[std::string(entry.key)] = entry.size;
            const bool marker = is_folder_marker(entry.key, entry.size);
            TimePoint& newest = marker ? marker_newest : flat.newest;
            TimePoint& oldest = marker ? marker_oldest : flat.oldest;
            bool& any = marker ? any_marker : any_content;
            if (!any || entry.last_modified > newest) newest = entry.last_modified;
            if (!any || entry.last_modified < oldest) oldest = entry.last_modified;
            any = true;
        }
        return true;
    });
    if (!any_content) {
        flat.newest = marker_newest;
        flat.oldest = marker_oldest;
    }
    return flat;
}

std::map<std::string, std::uint64_t> stored_keys(const Deployment& d) {
    std::map<std::string, std::uint64_t> keys;
    for (std::size_t i = 0; i < d.contents.size(); ++i) {
        EXPECT_TRUE(keys.emplace(std::string(d.contents.key(i)), d.contents.object_size(i)).second)
            << "stored twice: " << d.contents.key(i);
    }
    return keys;
}

Deployment folder(const std::string& prefix) {
    Deployment d;
    d.prefix = prefix;
    d.name = prefix.substr(0, prefix.size() - 1);
    d.listed = false;
    return d;
}

void expect_as_flat(MemoryBucket& bucket, const std::string& prefix, int concurrency) {
    const Flat flat = flat_listing(bucket, prefix);
    bucket.listings.clear();
    Deployment d = folder(prefix);
    std::atomic<int> done{0};
    list_deployments(
        bucket, {&d}, false, concurrency, [] { return KeySink{}; },
        [&done](const Deployment&) { ++done; });
    EXPECT_EQ(done.load(), 1);
    EXPECT_TRUE(d.listed);
    EXPECT_EQ(stored_keys(d), flat.keys);
    EXPECT_EQ(d.objects, flat.keys.size());
    std::uint64_t bytes = 0;
    for (const auto& [key, size] : flat.keys) bytes += size;
    EXPECT_EQ(d.bytes, bytes);
    EXPECT_EQ(d.newest, flat.newest);
    EXPECT_EQ(d.oldest, flat.oldest);
}

TimePoint at(int minute) { return TimePoint{std::chrono::minutes{minute}}; }

// A tree: keys directly in the folder, sub-folders of many sizes, deep ones,
// an empty sub-folder (a marker), the deployment's own marker, awkward names.
void seed_tree(MemoryBucket& bucket) {
    bucket.put("d/", 0, at(1));
    bucket.put("d/404.html", 3, at(2));
    bucket.put("d/index.html", 4, at(900));
    for (int i = 0; i < 23; ++i) bucket.put("d/a/f" + std::to_string(i), 1, at(10 + i));
    bucket.put("d/a b+c%&</x y", 7, at(5));
    bucket.put("d/empty/", 0, at(3));
    for (int s = 0; s < 9; ++s) {
        for (int i = 0; i < 7; ++i) {
            bucket.put("d/m/s" + std::to_string(s) + "/k" + std::to_string(i), 2, at(100 + s + i));
        }
    }
    bucket.put("d/m/s3/deep/er/x", 9, at(2));
    bucket.put("d/z\xc3\xa9/last", 5, at(50));
    bucket.put("dd/not-ours", 1, at(999));  // beside d/, never in it
}

TEST(FanOut, ATreeListedInParallelIsTheFlatListing) {
    for (const bool hides : {true, false}) {
        for (const std::size_t page : {std::size_t{1}, std::size_t{2}, std::size_t{3},
                                       std::size_t{5}, std::size_t{8}, std::size_t{1000}}) {
            SCOPED_TRACE("page " + std::to_string(page) + (hides ? " hides" : " shows"));
            MemoryBucket bucket;
            bucket.start_after_hides_its_folder = hides;
            bucket.page_size = page;
            seed_tree(bucket);
            expect_as_flat(bucket, "d/", 4);
            expect_as_flat(bucket, "d/", 1);
        }
    }
}

TEST(FanOut, ATruncatedFirstPageListsTheSubFoldersEachOnItsOwn) {
    MemoryBucket bucket;
    bucket.page_size = 5;
    seed_tree(bucket);
    expect_as_flat(bucket, "d/", 4);
    std::set<std::string> prefixes;
    int by_folder = 0;
    for (const auto& listing : bucket.listings) {
        prefixes.insert(listing.prefix);
        if (listing.by_folder) ++by_folder;
    }
    EXPECT_GE(by_folder, 2) << "d/ and d/m/ at least";
    for (const char* sub : {"d/a/", "d/m/", "d/m/s0/", "d/m/s8/", "d/z\xc3\xa9/"}) {
        EXPECT_EQ(prefixes.count(sub), 1u) << sub;
    }
}

TEST(FanOut, AFolderOfDirectKeysAloneCostsWhatAFlatListingCosts) {
    MemoryBucket bucket;
    bucket.page_size = 10;
    for (int i = 0; i < 95; ++i) bucket.put("d/f" + std::to_string(1000 + i), 1, at(i));
    expect_as_flat(bucket, "d/", 4);
    EXPECT_EQ(bucket.listings.size(), 10u) << "the first page, then 9 pages after its last key";
}

TEST(FanOut, AFirstPageThatIsNotTruncatedIsTheWholeListing) {
    MemoryBucket bucket;
    seed_tree(bucket);
    expect_as_flat(bucket, "d/", 4);
    EXPECT_EQ(bucket.listings.size(), 1u);
}

TEST(FanOut, RandomTreesListAsFlat) {
    std::mt19937 random(20261202);
    const std::vector<std::string> parts{"a", "b", "a/", "b/", "c/", "x.js", "/", "ab", "a-"};
    for (int round = 0; round < 40; ++round) {
        MemoryBucket bucket;
        bucket.start_after_hides_its_folder = round % 2 == 0;
        bucket.page_size = 1 + random() % 6;
        const int keys = 1 + static_cast<int>(random() % 60);
        for (int k = 0; k < keys; ++k) {
            std::string key = "r/";
            const int depth = 1 + static_cast<int>(random() % 4);
            for (int p = 0; p < depth; ++p) key += parts[random() % parts.size()];
            bucket.put(key, random() % 3, at(static_cast<int>(random() % 1000)));
        }
        SCOPED_TRACE("round " + std::to_string(round));
        expect_as_flat(bucket, "r/", 3);
    }
}

TEST(FanOut, ManyDeploymentsAreEachCompleteOnce) {
    MemoryBucket bucket;
    bucket.page_size = 4;
    std::vector<Deployment> deployments;
    for (int d = 0; d < 12; ++d) {
        const std::string prefix = "dep" + std::to_string(d) + "/";
        for (int s = 0; s < d % 4 + 1; ++s) {
            for (int i = 0; i < 6; ++i)
                bucket.put(prefix + "s" + std::to_string(s) + "/" + std::to_string(i));
        }
        deployments.push_back(folder(prefix));
    }
    std::vector<Deployment*> all;
    for (auto& d : deployments) all.push_back(&d);
    std::mutex mutex;
    std::map<std::string, int> completed;
    list_deployments(
        bucket, all, false, 6, [] { return KeySink{}; },
        [&](const Deployment& d) {
            std::lock_guard lock(mutex);
            ++completed[d.name];
        });
    ASSERT_EQ(completed.size(), 12u);
    for (const auto& d : deployments) {
        EXPECT_EQ(completed[d.name], 1) << d.name;
        EXPECT_EQ(d.objects, static_cast<std::uint64_t>(6 * (std::stoi(d.name.substr(3)) % 4 + 1)))
            << d.name;
        EXPECT_EQ(d.contents.size(), d.objects);
        EXPECT_TRUE(d.has_subfolders);
        EXPECT_FALSE(d.has_direct_objects);
    }
}

TEST(TaskQueue, TheFirstExceptionStopsNewTasksAndIsRethrown) {
    TaskQueue queue;
    std::atomic<int> ran{0};
    for (int i = 0; i < 20; ++i) {
        queue.push([&ran, i, &queue] {
            ++ran;
            if (i == 10) throw std::runtime_error("listing failed");
            queue.push([&ran] { ++ran; });
        });
    }
    EXPECT_THROW(queue.run(3), std::runtime_error);
    EXPECT_LT(ran.load(), 40) << "tasks kept starting after the failure";
    // Nothing of the failed run is left: the queue runs again from empty.
    std::atomic<int> again{0};
    queue.push([&again] { ++again; });
    queue.run(2);
    EXPECT_EQ(again.load(), 1);
}

TEST(TaskQueue, TasksThatMakeTasksAllRunOnce) {
    TaskQueue queue;
    std::atomic<int> ran{0};
    std::function<void(int)> tree = [&](int depth) {
        ++ran;
        if (depth == 0) return;
        for (int i = 0; i < 3; ++i) queue.push([&tree, depth] { tree(depth - 1); });
    };
    queue.push([&tree] { tree(5); });
    queue.run(4);
    EXPECT_EQ(ran.load(), 1 + 3 + 9 + 27 + 81 + 243);
    queue.run(4);  // nothing pushed: returns at once
    EXPECT_EQ(ran.load(), 364);
}

}  // namespace
}  // namespace retention
