// What planning and deleting need of a bucket, and nothing more: list under a
// prefix, delete a batch. Retention is written against this, so its unit tests
// run on a bucket in memory; retention/s3_bucket carries it to S3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aws/timestamp.hpp"

namespace retention {

// One object as a listing returned it; in a version listing, one version or
// delete marker.
// A key of a page is valid while the page is (see ListedPage::keys): a
// consumer that keeps one copies it.
struct ListedObject {
    std::string_view key;
    std::uint64_t size = 0;
    aws::TimePoint last_modified{};
    std::string version_id;  // version listings only
    bool is_latest = false;
    bool is_delete_marker = false;
};

// A bucket's versioning, as its store reports it; kUnknown when it may not
// be read (and no version is to be purged).
enum class Versioning { kDisabled, kEnabled, kSuspended, kUnknown };
// "Disabled", "Enabled", "Suspended", "Unknown": the words of S3's API.
const char* to_string(Versioning versioning);

struct ListedPage {
    // What the keys of `objects` point into (the answer's text): a page keeps
    // it, and a copy of the page shares it. No string per key: a million-key
    // run allocated and freed one for each.
    std::shared_ptr<const void> keys;
    std::vector<ListedObject> objects;  // each key starts with the listing's prefix
    std::vector<std::string> folders;   // by_folder: the sub-folders, each ending in '/'
    bool truncated = false;             // more pages follow
};

struct Listing {
    std::string prefix;
    bool versions = false;   // every version and delete marker, not the current objects
    bool by_folder = false;  // '/' delimits: keys below a sub-folder come back as the folder
    // The first page asks for at most this many entries (0: as many as a page
    // holds); later pages are full. A check for "anything here?" needs one.
    int first_page = 0;
    // Only keys after this one (current objects only): where a listing that
    // another one already covered up to here goes on.
    std::string start_after{};
};

// An object to delete: views into the plan, alive during the call.
struct ObjectRef {
    std::string_view key;
    std::string_view version_id;  // empty: the current object
};

// An object of a batch the bucket did not delete, with its last error.
struct NotDeleted {
    std::size_t index = 0;  // its place in the batch
    std::string code;
    std::string message;
};

struct BatchAnswer {
    std::vector<NotDeleted> not_deleted;  // every other object of the batch is gone
    bool stopped = false;                 // a stop came between attempts
};

// A rule of the bucket's lifecycle configuration, as retention sees it: the
// rules s3-cleanup owns by their prefix and age; every other rule (foreign) is
// carried as the store returned it and written back unchanged.
struct LifecycleRule {
    std::string id;
    bool owned = false;
    std::string prefix;        // owned: ROOT/NAME/, what it expires
    aws::TimePoint created{};  // owned: when it was first written
    bool noncurrent = false;   // owned: noncurrent versions expire too
    std::string source;        // the rule as the store returned it (or will be sent)
    std::string meaning;       // what it means, for comparing a rule written with the one read back
};

// The configuration cannot be read back and written faithfully (a form the
// store returned that would not survive the write, an owned rule edited by
// hand): nothing is written.
struct LifecycleError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Bucket {
public:
    Bucket() = default;
    Bucket(const Bucket&) = delete;
    Bucket& operator=(const Bucket&) = delete;
    Bucket(Bucket&&) = delete;
    Bucket& operator=(Bucket&&) = delete;
    virtual ~Bucket() = default;

    // Pages of the listing, in key order, until the listing ends or on_page
    // returns false. Failures are thrown as aws::ServiceError.
    virtual void list(const Listing& listing, const std::function<bool(ListedPage&)>& on_page) = 0;
    virtual Versioning versioning() = 0;

    // How many objects one batch may carry, and whether a key can travel in
    // one at all (a key that cannot is deleted alone with delete_one).
    virtual std::size_t batch_limit() const = 0;
    virtual bool batchable(std::string_view key) const = 0;
    // Deletes a batch; transient per-key refusals have been retried by then.
    // Throws aws::ServiceError when the batch failed as a whole (nothing
    // deleted; kind kCancelled when a stop came first).
    virtual BatchAnswer delete_batch(const std::vector<ObjectRef>& objects) = 0;
    virtual void delete_one(const ObjectRef& object) = 0;

    // The lifecycle configuration's rules, in its order (none: empty). Throws
    // aws::ServiceError, or LifecycleError when it cannot be carried faithfully.
    virtual std::vector<LifecycleRule> lifecycle_rules() = 0;
    // Replaces the whole configuration with these rules; none deletes it.
    virtual void put_lifecycle_rules(const std::vector<LifecycleRule>& rules) = 0;
    // The rule s3-cleanup writes to expire everything under a prefix, as this
    // store will be sent it (source and meaning filled). Only for a prefix
    // rule_can_carry() accepts.
    virtual LifecycleRule owned_rule(const std::string& prefix, aws::TimePoint created,
                                     bool noncurrent) const = 0;
    virtual bool rule_can_carry(std::string_view prefix) const = 0;
    // How many rules one configuration may hold.
    virtual std::size_t lifecycle_rule_limit() const = 0;
};

}  // namespace retention
