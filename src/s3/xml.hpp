// Every S3 XML document the client reads or writes, as pure functions on plain
// structs: no network here, so each is tested on canned text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/timestamp.hpp"

namespace s3 {

struct ObjectEntry {
    // Decoded, in the text of its page (ListPage::text): no string of its
    // own, which cost an allocation for every object listed.
    std::string_view key;
    // Parsed here: a listing with an unreadable time is a bad answer, and
    // nothing above the client has to know S3's time format.
    aws::TimePoint last_modified{};
    std::uint64_t size = 0;
    // No ETag: nothing decides with it, and a copy of it per key cost a
    // string allocation for every object listed.
};

struct ListPage {
    // The answer as received, parsed and decoded where it lies: the keys of
    // `objects` point into it (shared, so that a page handed on keeps them).
    std::shared_ptr<const std::string> text;
    std::vector<ObjectEntry> objects;
    std::vector<std::string> common_prefixes;  // decoded
    bool is_truncated = false;
    std::string next_continuation_token;
};

// One entry of ListObjectVersions: a version or a delete marker.
struct VersionEntry {
    std::string key;         // decoded
    std::string version_id;  // "null" for objects written while versioning was off or suspended
    bool is_delete_marker = false;
    bool is_latest = false;
    aws::TimePoint last_modified{};
    std::uint64_t size = 0;  // delete markers have none
};

struct VersionPage {
    std::vector<VersionEntry> entries;  // versions and delete markers, in key order
    std::vector<std::string> common_prefixes;
    bool is_truncated = false;
    std::string next_key_marker;  // decoded
    std::string next_version_id_marker;
};

// A key to delete, and which version of it (empty: the current object). It
// names text the caller holds for as long as the request: a batch of keys is
// written into its request body without a copy of each first.
struct ObjectIdentifier {
    std::string_view key;
    std::string_view version_id;
};

struct ErrorDocument {
    std::string code;
    std::string message;
    std::string request_id;
    std::string region;  // some errors name the bucket's region
};

struct DeleteFailure {
    std::string key;
    std::string version_id;
    std::string code;
    std::string message;
};

struct DeleteResult {
    std::vector<std::string> deleted;  // keys (Quiet mode returns none)
    std::vector<DeleteFailure> errors;
};

// Thrown when a document is not the XML we expect: the response was cut or
// came from something that is not S3 (a proxy's HTML page).
struct XmlParseError {
    std::string message;
};

// Takes the body and parses it where it lies: a page is a quarter of a
// megabyte, and the copy a parser makes of it otherwise is work per key.
ListPage parse_list_objects_v2(std::string xml);
VersionPage parse_list_object_versions(std::string_view xml);
// Versioning status as GetBucketVersioning says it; Disabled for a bucket that
// never had versioning (S3 then sends no Status at all).
inline constexpr const char* kVersioningEnabled = "Enabled";
inline constexpr const char* kVersioningSuspended = "Suspended";
inline constexpr const char* kVersioningDisabled = "Disabled";

// kVersioningEnabled, kVersioningSuspended or kVersioningDisabled.
std::string parse_versioning_status(std::string_view xml);
std::optional<ErrorDocument> parse_error(std::string_view xml);
DeleteResult parse_delete_result(std::string_view xml);

// True when every character of key can travel in an XML 1.0 document. XML 1.0
// forbids most C0 controls even as character references, so keys holding them
// must be deleted one by one outside XML.
bool xml_can_carry(std::string_view key);
std::string render_delete_objects(const std::vector<std::string>& keys, bool quiet);
std::string render_delete_objects_by_id(const std::vector<ObjectIdentifier>& objects, bool quiet);

}  // namespace s3
