// A retention::Bucket in memory for the unit tests: objects (or versions) in a
// sorted map, listings paged as S3 pages them, every call recorded. Refusals
// are scripted per key or per batch, so a test says what the store answers
// without speaking HTTP.
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "aws/error.hpp"
#include "retention/bucket.hpp"

namespace retentiontest {

using retention::ListedObject;
using retention::ListedPage;
using retention::Listing;

struct Refusal {
    std::string code;
    std::string message;
};

class MemoryBucket : public retention::Bucket {
public:
    // ---- contents
    void put(const std::string& key, std::uint64_t size = 1,
             aws::TimePoint when = aws::TimePoint{std::chrono::hours{490'000}}) {
        std::lock_guard lock(mutex_);
        objects_[key] = {key, size, when, "", true, false};
    }
    // A version (or delete marker) in a version listing; version listings are
    // made of these alone.
    void put_version(const std::string& key, const std::string& version_id, std::uint64_t size,
                     bool latest, bool delete_marker = false) {
        std::lock_guard lock(mutex_);
        versions_.push_back({key, size, {}, version_id, latest, delete_marker});
        std::stable_sort(versions_.begin(), versions_.end(),
                         [](const auto& a, const auto& b) { return a.key < b.key; });
    }
    bool has(const std::string& key) const {
        std::lock_guard lock(mutex_);
        return objects_.count(key) != 0;
    }

    // ---- what the store answers
    std::size_t page_size = 1000;
    std::size_t limit = 1000;
    retention::Versioning versioning_status = retention::Versioning::kDisabled;
    // Keys that can travel in a batch (S3: what XML 1.0 can carry).
    std::function<bool(std::string_view)> can_batch = [](std::string_view key) {
        return std::none_of(key.begin(), key.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x09; });
    };
    // A key refused inside a batch (nullopt: deleted). Asked under the lock.
    std::function<std::optional<Refusal>(std::string_view key)> refuse_key = [](std::string_view) {
        return std::nullopt;
    };
    // Thrown for a whole batch, given the batch's number (1, 2, ...).
    std::function<std::optional<aws::ServiceError>(int batch)> fail_batch = [](int) {
        return std::nullopt;
    };
    bool stop_after_batch = false;
    // What S3, RGW and moto do: a Delimiter listing leaves out the folder that
    // holds start-after. Off: the folder shows up when it has keys after it.
    bool start_after_hides_its_folder = true;  // every answer says a stop came before a resend
    // Objects that appear once a batch is answered (an upload racing the run).
    std::vector<std::string> appear_after_delete;
    // Folders seen in a delimited listing whose own listing comes back empty
    // (emptied in between).
    std::set<std::string> emptied;

    // ---- what was asked
    std::vector<Listing> listings;  // one per page asked for, in order
    std::vector<std::vector<std::string>> batches;
    std::vector<std::string> singles;
    int versioning_calls = 0;

    std::vector<std::string> batch_keys() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> all;
        for (const auto& batch : batches) all.insert(all.end(), batch.begin(), batch.end());
        return all;
    }
    std::size_t lists_of(const std::string& prefix) const {
        std::lock_guard lock(mutex_);
        return static_cast<std::size_t>(std::count_if(
            listings.begin(), listings.end(), [&](const auto& l) { return l.prefix == prefix; }));
    }

    // ---- retention::Bucket
    void list(const Listing& listing, const std::function<bool(ListedPage&)>& on_page) override {
        std::vector<Stored> entries;
        {
            std::lock_guard lock(mutex_);
            listings.push_back(listing);
            entries = matching(listing);
        }
        std::size_t at = 0;
        for (bool first = true;; first = false) {
            const std::size_t size = first && listing.first_page > 0
                                         ? static_cast<std::size_t>(listing.first_page)
                                         : page_size;
            // The page keeps its keys, as an answer's text keeps them.
            auto keys = std::make_shared<std::deque<std::string>>();
            ListedPage page;
            page.keys = keys;
            for (; at < entries.size() && page.objects.size() + page.folders.size() < size; ++at) {
                auto& entry = entries[at];
                if (entry.size == kFolderEntry) {
                    page.folders.push_back(std::move(entry.key));
                } else {
                    page.objects.push_back({keys->emplace_back(std::move(entry.key)), entry.size,
                                            entry.last_modified, entry.version_id, entry.is_latest,
                                            entry.is_delete_marker});
                }
            }
            page.truncated = at < entries.size();
            if (!on_page(page) || !page.truncated) return;
            std::lock_guard lock(mutex_);
            listings.push_back(listing);  // the next page is another request
        }
    }

    retention::Versioning versioning() override {
        std::lock_guard lock(mutex_);
        ++versioning_calls;
        return versioning_status;
    }
    std::size_t batch_limit() const override { return limit; }
    bool batchable(std::string_view key) const override { return can_batch(key); }

    retention::BatchAnswer delete_batch(const std::vector<retention::ObjectRef>& objects) override {
        std::lock_guard lock(mutex_);
        std::vector<std::string> keys;
        for (const auto& object : objects) keys.emplace_back(object.key);
        batches.push_back(keys);
        if (auto error = fail_batch(static_cast<int>(batches.size()))) throw *error;
        retention::BatchAnswer answer;
        for (std::size_t i = 0; i < objects.size(); ++i) {
            if (auto refusal = refuse_key(objects[i].key)) {
                answer.not_deleted.push_back({i, refusal->code, refusal->message});
            } else {
                remove(objects[i]);
            }
        }
        answer.stopped = stop_after_batch;
        for (const auto& key : appear_after_delete) objects_[key] = {key, 1, {}, "", true, false};
        return answer;
    }

    void delete_one(const retention::ObjectRef& object) override {
        std::lock_guard lock(mutex_);
        singles.emplace_back(object.key);
        remove(object);
    }

    // ---- lifecycle: the configuration as rules; owned rules made here are
    // known by ID "s3-cleanup:<seconds>:<prefix>".
    std::vector<retention::LifecycleRule> lifecycle;
    std::size_t rule_limit = 1000;
    int lifecycle_reads = 0;
    int lifecycle_puts = 0;
    // Called on what a read returns after the n-th put (1, 2, ...): a store that changes a rule.
    std::function<void(std::vector<retention::LifecycleRule>&)> alter_read_back;
    // Called before each read (a rule added by someone else in between).
    std::function<void(std::vector<retention::LifecycleRule>&)> before_read;

    std::vector<retention::LifecycleRule> lifecycle_rules() override {
        std::lock_guard lock(mutex_);
        ++lifecycle_reads;
        if (before_read) before_read(lifecycle);
        auto rules = lifecycle;
        if (lifecycle_puts > 0 && alter_read_back) alter_read_back(rules);
        return rules;
    }
    void put_lifecycle_rules(const std::vector<retention::LifecycleRule>& rules) override {
        std::lock_guard lock(mutex_);
        ++lifecycle_puts;
        lifecycle = rules;
    }
    retention::LifecycleRule owned_rule(const std::string& prefix, aws::TimePoint created,
                                        bool noncurrent) const override {
        retention::LifecycleRule rule;
        rule.id = "s3-cleanup:" +
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::seconds>(created.time_since_epoch())
                          .count()) +
                  ":" + prefix;
        rule.owned = true;
        rule.prefix = prefix;
        rule.created = created;
        rule.noncurrent = noncurrent;
        rule.source = rule.id;
        rule.meaning = rule.id + (noncurrent ? "+noncurrent" : "");
        return rule;
    }
    bool rule_can_carry(std::string_view prefix) const override { return can_batch(prefix); }
    std::size_t lifecycle_rule_limit() const override { return rule_limit; }

private:
    // A folder in a delimited listing is carried through the merge as an
    // entry of this size.
    static constexpr std::uint64_t kFolderEntry = ~std::uint64_t{0};

    void remove(const retention::ObjectRef& object) {
        objects_.erase(std::string(object.key));
        std::erase_if(versions_, [&](const auto& v) {
            return v.key == object.key && v.version_id == object.version_id;
        });
    }

    // An object as the store holds it: ListedObject with a key of its own.
    struct Stored {
        std::string key;
        std::uint64_t size = 0;
        aws::TimePoint last_modified{};
        std::string version_id;
        bool is_latest = false;
        bool is_delete_marker = false;
    };

    std::vector<Stored> matching(const Listing& listing) const {
        if (!listing.by_folder && emptied.count(listing.prefix) != 0) return {};
        std::vector<Stored> source;
        if (listing.versions) {
            source = versions_;
        } else {
            for (const auto& [key, object] : objects_) source.push_back(object);
        }
        std::vector<Stored> out;
        std::string last_folder;
        for (auto& entry : source) {
            if (entry.key.compare(0, listing.prefix.size(), listing.prefix) != 0) continue;
            // The keys after start-after, then rolled up by the delimiter.
            if (!listing.start_after.empty() && entry.key <= listing.start_after) continue;
            const auto slash = entry.key.find('/', listing.prefix.size());
            if (listing.by_folder && slash != std::string::npos) {
                std::string folder = entry.key.substr(0, slash + 1);
                if (folder == last_folder) continue;
                if (start_after_hides_its_folder && !listing.start_after.empty() &&
                    folder <= listing.start_after) {
                    continue;
                }
                last_folder = folder;
                out.push_back({std::move(folder), kFolderEntry, {}, "", false, false});
                continue;
            }
            out.push_back(std::move(entry));
        }
        return out;
    }

    mutable std::mutex mutex_;
    std::map<std::string, Stored> objects_;
    std::vector<Stored> versions_;
};

}  // namespace retentiontest
