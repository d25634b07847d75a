#include "s3/xml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "aws/url_encoding.hpp"
#include "s3/limits.hpp"

namespace s3 {

namespace {

void check_loaded(const pugi::xml_parse_result& result, const char* what) {
    if (!result) {
        throw XmlParseError{std::string(what) + ": malformed XML (" + result.description() +
                            " at offset " + std::to_string(result.offset) + ")"};
    }
}

pugi::xml_document load(std::string_view xml, const char* what) {
    pugi::xml_document doc;
    check_loaded(doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8),
                 what);
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

aws::TimePoint parse_last_modified(const char* text, std::string_view key,
                                   const char* what = "ListObjectsV2") {
    auto when = aws::parse_timestamp(text);
    if (!when) {
        throw XmlParseError{std::string(what) + ": unreadable LastModified '" + std::string(text) +
                            "' for key '" + std::string(key) + "'"};
    }
    return *when;
}

constexpr std::string_view kDeleteOpening =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
constexpr std::string_view kQuiet = "<Quiet>true</Quiet>";
constexpr std::string_view kDeleteClosing = "</Delete>";
// The markup around one object's key and version ID.
constexpr std::size_t kObjectMarkup = sizeof("<Object><Key></Key><VersionId></VersionId></Object>");

// Element content: entities for '&', '<' and '>', character references for
// every control below 0x20, tab, LF and CR included (a parser reads those back
// as they were; literal, a CR would become LF). xml_can_carry keeps keys with
// the controls XML cannot carry out of batches.
// Eight bytes at a time, the common case of a key (nothing to escape, nothing
// XML cannot carry) is told without a look at each byte. The tests are exact:
// a word passes only when no byte of it is below the bound or equal to the
// value (the classic "has zero byte" bit trick; bounds up to 0x80).
constexpr std::uint64_t kEachByte01 = 0x0101010101010101;
constexpr std::uint64_t kEachByte80 = 0x8080808080808080;
constexpr bool any_byte_below(std::uint64_t word, unsigned char bound) {
    return ((word - kEachByte01 * bound) & ~word & kEachByte80) != 0;
}
constexpr bool any_byte_is(std::uint64_t word, unsigned char value) {
    return any_byte_below(word ^ (kEachByte01 * value), 1);
}
std::uint64_t word_at(std::string_view text, std::size_t at) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, sizeof word);
    return word;
}
// Where the first word that may need a closer look begins (a multiple of 8,
// or the start of the last partial word).
template <typename Plain>
std::size_t plain_words(std::string_view text, Plain plain) {
    std::size_t at = 0;
    while (at + sizeof(std::uint64_t) <= text.size() && plain(word_at(text, at))) {
        at += sizeof(std::uint64_t);
    }
    return at;
}

constexpr std::array<bool, 256> kEscaped = [] {
    std::array<bool, 256> escaped{};
    for (int c = 0; c < 0x20; ++c) escaped[c] = true;
    for (const unsigned char c : {'&', '<', '>'}) escaped[c] = true;
    return escaped;
}();

void append_escaped(std::string& out, std::string_view text) {
    std::size_t plain = 0;
    const std::size_t checked = plain_words(text, [](std::uint64_t word) {
        return !any_byte_below(word, 0x20) && !any_byte_is(word, '&') && !any_byte_is(word, '<') &&
               !any_byte_is(word, '>');
    });
    for (std::size_t i = checked; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!kEscaped[c]) continue;
        out.append(text.substr(plain, i - plain));
        plain = i + 1;
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else {
            out += "&#";
            out += std::to_string(c);
            out += ';';
        }
    }
    out.append(text.substr(plain));
}

}  // namespace

namespace {

// A page's text kept in its elements rather than in a child node of each:
// half the nodes to build for a thousand entries of five fields.
// child_value() reads it the same either way.
constexpr unsigned kListParseFlags = pugi::parse_default | pugi::parse_embed_pcdata;

// Whether an element's name is `want`: compared in line, stopping at the first
// byte that differs (a call to strcmp per child was a visible share of a
// listing's CPU).
bool name_is(const char* name, std::string_view want) {
    for (const char c : want) {
        if (*name++ != c) return false;
    }
    return *name == '\0';
}

// A key of the page's text, form-decoded over itself (decoding only ever
// shortens): the text is the page's own, parsed in place.
std::string_view decode_in_text(std::string& text, std::string_view key) {
    const std::span<char> span(text.data() + (key.data() - text.data()), key.size());
    return {span.data(), aws::form_decode_in_place(span)};
}

// One Contents element: its children read in one pass (asking for each by
// name would scan them again per field).
void add_contents(pugi::xml_node node, ListPage& page) {
    const char* key = "";
    const char* last_modified = "";
    const char* size = "";
    for (auto field = node.first_child(); field; field = field.next_sibling()) {
        const char* name = field.name();
        if (name_is(name, "Key")) {
            key = field.child_value();
        } else if (name_is(name, "LastModified")) {
            last_modified = field.child_value();
        } else if (name_is(name, "Size")) {
            size = field.child_value();
        }
    }
    ObjectEntry& entry = page.objects.emplace_back();
    entry.key = key;  // in the parsed text, which the page keeps
    entry.last_modified = parse_last_modified(last_modified, entry.key);
    entry.size = parse_size(size);
}

}  // namespace

ListPage parse_list_objects_v2(std::string xml) {
    // Parsed in place: the document and the keys point into the text, which
    // the page keeps.
    auto text = std::make_shared<std::string>(std::move(xml));
    pugi::xml_document doc;
    check_loaded(
        doc.load_buffer_inplace(text->data(), text->size(), kListParseFlags, pugi::encoding_utf8),
        "ListObjectsV2");
    auto root = doc.child("ListBucketResult");
    if (!root) throw XmlParseError{"ListObjectsV2: no ListBucketResult element"};

    // One pass over the page's children, a thousand entries and a few fields:
    // a field asked for by name is looked for from the first child, and one
    // that is absent (no NextContinuationToken on the last page) past every
    // entry. As asking by name does, the first of a name counts.
    ListPage page;
    page.text = text;
    page.objects.reserve(kListPageMaxKeys);
    const char* encoding = nullptr;
    const char* truncated = nullptr;
    const char* token = nullptr;
    for (auto node = root.first_child(); node; node = node.next_sibling()) {
        const char* name = node.name();
        if (name_is(name, "Contents")) {
            add_contents(node, page);
        } else if (name_is(name, "CommonPrefixes")) {
            page.common_prefixes.emplace_back(node.child_value("Prefix"));
        } else if (encoding == nullptr && name_is(name, "EncodingType")) {
            encoding = node.child_value();
        } else if (truncated == nullptr && name_is(name, "IsTruncated")) {
            truncated = node.child_value();
        } else if (token == nullptr && name_is(name, "NextContinuationToken")) {
            token = node.child_value();
        }
    }
    page.is_truncated = truncated != nullptr && std::string_view(truncated) == "true";
    page.next_continuation_token = token == nullptr ? "" : token;
    // Decoded once the whole page is read: EncodingType may come after the keys.
    if (encoding != nullptr && std::string_view(encoding) == "url") {
        // Decoding only shortens: each key is rewritten where it lies.
        for (auto& entry : page.objects) entry.key = decode_in_text(*text, entry.key);
        for (auto& prefix : page.common_prefixes) prefix.resize(aws::form_decode_in_place(prefix));
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
    // Asked of every key of a run: words of printable ASCII are passed over
    // whole, and after them a byte from 0x20 below 0xED takes one comparison.
    const std::size_t checked = plain_words(key, [](std::uint64_t word) {
        return !any_byte_below(word, 0x20) && (word & kEachByte80) == 0;  // printable ASCII
    });
    for (std::size_t i = checked; i < key.size(); ++i) {
        const auto c = static_cast<unsigned char>(key[i]);
        if (c - 0x20U < 0xED - 0x20U) continue;
        if (c < 0x20 && c != '\t' && c != '\n') return false;
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
    // Written straight into one string sized for it: a DOM of 1,000 objects
    // built and then serialised cost more than the rest of a batch.
    std::size_t text_bytes = 0;
    for (const auto& object : objects) text_bytes += object.key.size() + object.version_id.size();
    std::string body;
    body.reserve(kDeleteOpening.size() + kQuiet.size() + kDeleteClosing.size() + text_bytes +
                 objects.size() * kObjectMarkup);
    body += kDeleteOpening;
    if (quiet) body += kQuiet;
    for (const auto& object : objects) {
        body += "<Object><Key>";
        append_escaped(body, object.key);
        body += "</Key>";
        if (!object.version_id.empty()) {
            body += "<VersionId>";
            append_escaped(body, object.version_id);
            body += "</VersionId>";
        }
        body += "</Object>";
    }
    body += kDeleteClosing;
    return body;
}

std::string render_delete_objects(const std::vector<std::string>& keys, bool quiet) {
    std::vector<ObjectIdentifier> objects;
    objects.reserve(keys.size());
    for (const auto& key : keys) objects.push_back({key, ""});
    return render_delete_objects_by_id(objects, quiet);
}

}  // namespace s3
