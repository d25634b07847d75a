// The Bucket of retention on S3: listings page by page through the S3
// client (its retries, its checks of every answer), batches as DeleteObjects.
// The only file of retention that knows the S3 client.
#pragma once

#include "retention/bucket.hpp"
#include "s3/client.hpp"
#include "s3/lifecycle_xml.hpp"

namespace retention {

class S3Bucket : public Bucket {
public:
    explicit S3Bucket(s3::Client& client) : client_(client) {}

    void list(const Listing& listing, const std::function<bool(ListedPage&)>& on_page) override;
    Versioning versioning() override;
    std::size_t batch_limit() const override { return s3::kDeleteObjectsMaxKeys; }
    bool batchable(std::string_view key) const override { return s3::xml_can_carry(key); }
    BatchAnswer delete_batch(const std::vector<ObjectRef>& objects) override;
    void delete_one(const ObjectRef& object) override;
    std::vector<LifecycleRule> lifecycle_rules() override;
    void put_lifecycle_rules(const std::vector<LifecycleRule>& rules) override;
    LifecycleRule owned_rule(const std::string& prefix, aws::TimePoint created,
                             bool noncurrent) const override;
    bool rule_can_carry(std::string_view prefix) const override {
        return s3::xml_can_carry(prefix);
    }
    std::size_t lifecycle_rule_limit() const override { return s3::kLifecycleMaxRules; }

private:
    void list_current(const Listing& listing, const std::function<bool(ListedPage&)>& on_page);
    void list_versions(const Listing& listing, const std::function<bool(ListedPage&)>& on_page);

    s3::Client& client_;
};

}  // namespace retention
