#include "s3/xml.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <sstream>

#include "aws/url_encoding.hpp"

namespace s3 {

namespace {

pugi::xml_document load(std::string_view xml, const char* what) {
    pugi::xml_document doc;
    auto result = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
        throw XmlParseError{std::string(what) + ": malformed XML (" + result.description() +
                            " at offset " + std::to_string(result.offset) + ")"};
    }
    return doc;
}

// A key or prefix of a listing. With encoding-type=url S3 percent-encodes
// them, and says so in the answer: only then is the text decoded. It encodes
// form style there: a space may arrive as '+', and a literal '+' always
// arrives as %2B, so '+' means space (the AWS SDKs decode the same way).
std::string listed_text(bool encoded, const char* raw) {
    return encoded ? aws::form_decode(raw) : std::string(raw);
}

std::uint64_t parse_size(const char* text) {
    std::uint64_t value = 0;
    std::string_view view(text);
    auto [ptr, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
    if (ec != std::errc() || ptr != view.data() + view.size()) {
        throw XmlParseError{"ListObjectsV2: bad Size '" + std::string(view) + "'"};
    }
    return value;
}

aws::TimePoint parse_last_modified(const char* text, const std::string& key,
                                   const char* what = "ListObjectsV2") {
    auto when = aws::parse_timestamp(text);
    if (!when) {
        throw XmlParseError{std::string(what) + ": unreadable LastModified '" + std::string(text) +
                            "' for key '" + key + "'"};
    }
    return *when;
}

}  // namespace

ListPage parse_list_objects_v2(std::string_view xml) {
    auto doc = load(xml, "ListObjectsV2");
    auto root = doc.child("ListBucketResult");
    if (!root) throw XmlParseError{"ListObjectsV2: no ListBucketResult element"};
    const bool encoded = std::string_view(root.child_value("EncodingType")) == "url";
    auto text = [encoded](const char* raw) { return listed_text(encoded, raw); };

    ListPage page;
    page.is_truncated = std::string_view(root.child_value("IsTruncated")) == "true";
    page.next_continuation_token = root.child_value("NextContinuationToken");
    for (auto node : root.children("Contents")) {
        ObjectEntry entry;
        entry.key = text(node.child_value("Key"));
        entry.last_modified = parse_last_modified(node.child_value("LastModified"), entry.key);
        entry.size = parse_size(node.child_value("Size"));
        entry.etag = node.child_value("ETag");
        page.objects.push_back(std::move(entry));
    }
    for (auto node : root.children("CommonPrefixes")) {
        page.common_prefixes.push_back(text(node.child_value("Prefix")));
    }
    if (page.is_truncated && page.next_continuation_token.empty()) {
        throw XmlParseError{"ListObjectsV2: truncated page without NextContinuationToken"};
    }
    return page;
}

VersionPage parse_list_object_versions(std::string_view xml) {
    auto doc = load(xml, "ListObjectVersions");
    auto root = doc.child("ListVersionsResult");
    if (!root) throw XmlParseError{"ListObjectVersions: no ListVersionsResult element"};
    const bool encoded = std::string_view(root.child_value("EncodingType")) == "url";
    auto text = [encoded](const char* raw) { return listed_text(encoded, raw); };
    VersionPage page;
    page.is_truncated = std::string_view(root.child_value("IsTruncated")) == "true";
    page.next_key_marker = text(root.child_value("NextKeyMarker"));
    page.next_version_id_marker = root.child_value("NextVersionIdMarker");
    // Versions and delete markers interleave in key order; keep that order.
    for (auto node : root.children()) {
        const std::string_view name = node.name();
        if (name != "Version" && name != "DeleteMarker") continue;
        VersionEntry entry;
        entry.key = text(node.child_value("Key"));
        entry.version_id = node.child_value("VersionId");
        entry.is_delete_marker = name == "DeleteMarker";
        entry.is_latest = std::string_view(node.child_value("IsLatest")) == "true";
        entry.last_modified =
            parse_last_modified(node.child_value("LastModified"), entry.key, "ListObjectVersions");
        if (!entry.is_delete_marker) entry.size = parse_size(node.child_value("Size"));
        page.entries.push_back(std::move(entry));
    }
    for (auto node : root.children("CommonPrefixes")) {
        page.common_prefixes.push_back(text(node.child_value("Prefix")));
    }
    if (page.is_truncated && page.next_key_marker.empty()) {
        throw XmlParseError{"ListObjectVersions: truncated page without NextKeyMarker"};
    }
    return page;
}

std::string parse_versioning_status(std::string_view xml) {
    auto doc = load(xml, "GetBucketVersioning");
    // S3 answers <VersioningConfiguration>; some compatible stores (moto) name
    // the element after the operation. Either way the Status child is what counts.
    auto root = doc.document_element();
    const std::string_view name = root.name();
    if (name != "VersioningConfiguration" && name != "GetBucketVersioningResponse") {
        throw XmlParseError{"GetBucketVersioning: unexpected element <" + std::string(name) + ">"};
    }
    std::string status = root.child_value("Status");
    if (status.empty()) return kVersioningDisabled;
    if (status != kVersioningEnabled && status != kVersioningSuspended) {
        throw XmlParseError{"GetBucketVersioning: unknown Status '" + status + "'"};
    }
    return status;
}

std::optional<ErrorDocument> parse_error(std::string_view xml) {
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
    auto root = doc.child("Error");
    if (!root) return std::nullopt;
    ErrorDocument error;
    error.code = root.child_value("Code");
    error.message = root.child_value("Message");
    error.request_id = root.child_value("RequestId");
    error.region = root.child_value("Region");
    return error;
}

DeleteResult parse_delete_result(std::string_view xml) {
    auto doc = load(xml, "DeleteObjects");
    auto root = doc.child("DeleteResult");
    if (!root) throw XmlParseError{"DeleteObjects: no DeleteResult element"};
    DeleteResult result;
    for (auto node : root.children("Deleted")) result.deleted.emplace_back(node.child_value("Key"));
    for (auto node : root.children("Error")) {
        result.errors.push_back(
            DeleteFailure{node.child_value("Key"), node.child_value("VersionId"),
                          node.child_value("Code"), node.child_value("Message")});
    }
    return result;
}

bool xml_can_carry(std::string_view key) {
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    // The other C0 controls cannot appear, not even as character references. A CR
    // would be normalised to LF by the parser, so it cannot round-trip either.
    for (std::size_t i = 0; i < key.size(); ++i) {
        const auto c = static_cast<unsigned char>(key[i]);
        if (c < 0x20 && c != '\t' && c != '\n') return false;
        if (c == '\r') return false;
        if (c == 0xED && i + 1 < key.size() && static_cast<unsigned char>(key[i + 1]) >= 0xA0) {
            return false;  // UTF-8 of a surrogate, U+D800..U+DFFF
        }
        if (c == 0xEF && i + 2 < key.size() && static_cast<unsigned char>(key[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(key[i + 2]) & 0xFE) == 0xBE) {
            return false;  // U+FFFE, U+FFFF
        }
    }
    return true;
}

std::string render_delete_objects_by_id(const std::vector<ObjectIdentifier>& objects, bool quiet) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto root = doc.append_child("Delete");
    root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
    if (quiet) root.append_child("Quiet").text().set("true");
    for (const auto& object : objects) {
        auto node = root.append_child("Object");
        node.append_child("Key").text().set(object.key.c_str());
        if (!object.version_id.empty()) {
            node.append_child("VersionId").text().set(object.version_id.c_str());
        }
    }
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
    return out.str();
}

std::string render_delete_objects(const std::vector<std::string>& keys, bool quiet) {
    std::vector<ObjectIdentifier> objects;
    objects.reserve(keys.size());
    for (const auto& key : keys) objects.push_back({key, ""});
    return render_delete_objects_by_id(objects, quiet);
}

}  // namespace s3
