#include "retention/s3_bucket.hpp"

#include <memory>
#include <utility>
#include <vector>

namespace retention {

namespace {

const char* delimiter_of(const Listing& listing) { return listing.by_folder ? "/" : ""; }

int page_size(const Listing& listing, bool first) {
    return first && listing.first_page > 0 ? listing.first_page : s3::kListPageMaxKeys;
}

}  // namespace

void S3Bucket::list(const Listing& listing, const std::function<bool(ListedPage&)>& on_page) {
    if (listing.versions) {
        list_versions(listing, on_page);
    } else {
        list_current(listing, on_page);
    }
}

void S3Bucket::list_current(const Listing& listing,
                            const std::function<bool(ListedPage&)>& on_page) {
    std::string token;
    for (bool first = true;; first = false) {
        auto page = client_.list_objects_v2(listing.prefix, delimiter_of(listing), token,
                                            page_size(listing, first), listing.start_after);
        ListedPage out;
        out.keys = page.text;  // the keys point into it
        out.objects.reserve(page.objects.size());
        for (auto& entry : page.objects) {
            ListedObject object;
            object.key = entry.key;
            object.size = entry.size;
            object.last_modified = entry.last_modified;
            object.is_latest = true;
            out.objects.push_back(std::move(object));
        }
        out.folders = std::move(page.common_prefixes);
        out.truncated = page.is_truncated && !page.next_continuation_token.empty();
        if (!on_page(out) || !out.truncated) return;
        token = std::move(page.next_continuation_token);
    }
}

void S3Bucket::list_versions(const Listing& listing,
                             const std::function<bool(ListedPage&)>& on_page) {
    std::string key_marker;
    std::string version_marker;
    for (bool first = true;; first = false) {
        auto page = client_.list_object_versions(listing.prefix, delimiter_of(listing), key_marker,
                                                 version_marker, page_size(listing, first));
        // The page's entries keep the keys; the listed page keeps the entries.
        auto entries = std::make_shared<std::vector<s3::VersionEntry>>(std::move(page.entries));
        ListedPage out;
        out.keys = entries;
        out.objects.reserve(entries->size());
        for (auto& entry : *entries) {
            ListedObject object;
            object.key = entry.key;
            object.size = entry.size;
            object.version_id = std::move(entry.version_id);
            object.last_modified = entry.last_modified;
            object.is_latest = entry.is_latest;
            object.is_delete_marker = entry.is_delete_marker;
            out.objects.push_back(std::move(object));
        }
        out.folders = std::move(page.common_prefixes);
        out.truncated = page.is_truncated;
        if (!on_page(out) || !out.truncated) return;
        key_marker = std::move(page.next_key_marker);
        version_marker = std::move(page.next_version_id_marker);
    }
}

Versioning S3Bucket::versioning() {
    const std::string status = client_.get_bucket_versioning();
    if (status == s3::kVersioningEnabled) return Versioning::kEnabled;
    if (status == s3::kVersioningSuspended) return Versioning::kSuspended;
    return Versioning::kDisabled;
}

BatchAnswer S3Bucket::delete_batch(const std::vector<ObjectRef>& objects) {
    std::vector<s3::ObjectIdentifier> ids;
    ids.reserve(objects.size());
    for (const auto& object : objects) {
        ids.push_back({object.key, object.version_id});
    }
    auto outcome = client_.delete_batch(ids);
    BatchAnswer answer;
    answer.stopped = outcome.stopped;
    answer.not_deleted.reserve(outcome.failed.size());
    for (auto& failure : outcome.failed) {
        answer.not_deleted.push_back(
            {failure.index, std::move(failure.code), std::move(failure.message)});
    }
    return answer;
}

void S3Bucket::delete_one(const ObjectRef& object) {
    client_.delete_object(std::string(object.key), std::string(object.version_id));
}

namespace {

LifecycleRule rule_of(const s3::LifecycleRuleXml& xml) {
    LifecycleRule rule;
    rule.id = xml.id;
    rule.source = xml.xml;
    rule.meaning = xml.canonical;
    if (!rule.id.starts_with(s3::kOwnedRuleIdPrefix)) return rule;
    const auto owned = s3::parse_owned_rule(xml);
    if (!owned) {
        // Edited by hand, or written by something else under our name: what it
        // means is not known, so it is neither kept as ours nor removed.
        throw LifecycleError("lifecycle rule '" + rule.id +
                             "' has s3-cleanup's ID but not the form s3-cleanup writes (edited?): "
                             "nothing written; remove or rename it");
    }
    rule.owned = true;
    rule.prefix = owned->prefix;
    rule.created = owned->created;
    rule.noncurrent = owned->noncurrent;
    return rule;
}

}  // namespace

std::vector<LifecycleRule> S3Bucket::lifecycle_rules() {
    const auto document = client_.get_bucket_lifecycle();
    std::vector<LifecycleRule> rules;
    if (!document) return rules;
    std::vector<s3::LifecycleRuleXml> parsed;
    try {
        parsed = s3::parse_lifecycle_configuration(*document);
    } catch (const s3::LifecycleUnfaithful& error) {
        throw LifecycleError("the lifecycle configuration of s3://" + client_.config().bucket +
                             " cannot be carried back faithfully (" + error.message +
                             "): nothing written");
    } catch (const s3::XmlParseError& error) {
        throw LifecycleError("the lifecycle configuration of s3://" + client_.config().bucket +
                             " is not readable XML (" + error.message + "): nothing written");
    }
    rules.reserve(parsed.size());
    for (const auto& xml : parsed) rules.push_back(rule_of(xml));
    return rules;
}

void S3Bucket::put_lifecycle_rules(const std::vector<LifecycleRule>& rules) {
    if (rules.empty()) {
        // S3 refuses a configuration without rules.
        client_.delete_bucket_lifecycle();
        return;
    }
    std::vector<s3::LifecycleRuleXml> xml;
    xml.reserve(rules.size());
    for (const auto& rule : rules) xml.push_back({rule.id, rule.source, rule.meaning});
    client_.put_bucket_lifecycle(s3::render_lifecycle_configuration(xml));
}

LifecycleRule S3Bucket::owned_rule(const std::string& prefix, aws::TimePoint created,
                                   bool noncurrent) const {
    return rule_of(s3::render_owned_rule({prefix, created, noncurrent}));
}

}  // namespace retention
