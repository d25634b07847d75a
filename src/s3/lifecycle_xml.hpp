// A bucket's lifecycle configuration, as pure functions on text: the rules of
// others carried back as the server wrote them (never rebuilt from a partial
// model, so that elements s3-cleanup does not know survive a write), and the
// rules s3-cleanup owns, written and recognised in one exact form.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/timestamp.hpp"

namespace s3 {

// S3's limit: a lifecycle configuration holds at most 1,000 rules.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
inline constexpr std::size_t kLifecycleMaxRules = 1000;
// IDs of the rules s3-cleanup owns start with this; every other rule is foreign.
inline constexpr std::string_view kOwnedRuleIdPrefix = "s3-cleanup:";
// S3's limit on a rule's ID: at most 255 characters.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
inline constexpr std::size_t kLifecycleRuleIdMaxChars = 255;

struct LifecycleRuleXml {
    std::string id;  // the rule's <ID>; empty when it has none
    // The <Rule> element as the server returned it: printed from the whole
    // parsed DOM node, without indentation.
    std::string xml;
    // Its meaning, for comparing a rule written with the rule read back:
    // element names, attributes, children sorted, the text of leaves exactly
    // (layout between elements is no meaning). Equal canonical forms mean the
    // same rule.
    std::string canonical;
};

struct OwnedRule {
    std::string prefix;        // Filter/Prefix: ROOT/NAME/ (never empty, ends with '/')
    aws::TimePoint created{};  // when the rule was first written (whole seconds, UTC)
    bool noncurrent = false;   // versioned bucket: noncurrent versions expire too
};

// Thrown when a configuration cannot be read back and written faithfully.
struct LifecycleUnfaithful {
    std::string message;
};

// GetBucketLifecycleConfiguration's answer, rule by rule, in order. Throws
// XmlParseError (s3/xml.hpp) when it is no XML, LifecycleUnfaithful when it is
// XML whose rules could not be carried back exactly: a root that is not
// LifecycleConfiguration in S3's namespace, anything at its top but Rule
// elements, processing instructions, a DOCTYPE, namespace prefixes, text XML
// cannot carry, or two rules with the same non-empty ID. Comments are dropped.
std::vector<LifecycleRuleXml> parse_lifecycle_configuration(std::string_view xml);

// "s3-cleanup:" + created as YYYYMMDDTHHMMSSZ + ":" + the first 12 hex digits
// of sha256(prefix).
std::string owned_rule_id(const OwnedRule& rule);

// The <Rule> of an owned rule, exactly: its ID, Filter/Prefix, Status Enabled,
// Expiration after a day, NoncurrentVersionExpiration after a day when
// noncurrent, AbortIncompleteMultipartUpload after a day. Throws
// std::invalid_argument unless xml_can_carry(rule.prefix), and for a prefix
// that is empty or does not end with '/' (an empty one would expire the
// whole bucket).
LifecycleRuleXml render_owned_rule(const OwnedRule& rule);

// An owned rule read back: nullopt unless it is exactly what render_owned_rule
// writes for some OwnedRule, with the ID owned_rule_id gives that rule (its
// time and the hash of its prefix). An owned rule edited by hand is nullopt.
std::optional<OwnedRule> parse_owned_rule(const LifecycleRuleXml& rule);

// The PutBucketLifecycleConfiguration body: each rule's xml, in order.
// Precondition: !rules.empty() (S3 refuses a configuration without rules; the
// caller deletes the configuration instead). Throws std::invalid_argument
// when it is empty.
std::string render_lifecycle_configuration(const std::vector<LifecycleRuleXml>& rules);

}  // namespace s3
