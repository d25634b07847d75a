#include "s3/lifecycle_xml.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "aws/crypto.hpp"
#include "s3/xml.hpp"

namespace s3 {

namespace {

constexpr const char* kWhat = "GetBucketLifecycleConfiguration";
constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr std::string_view kConfigurationOpening =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
constexpr std::string_view kConfigurationClosing = "</LifecycleConfiguration>";

// The shortest periods S3 allows: Days, NoncurrentDays and DaysAfterInitiation
// must be positive whole numbers of days. The deployment is doomed already;
// the day is S3's minimum, not a grace period.
constexpr int kExpirationDays = 1;
constexpr int kNoncurrentDays = 1;
constexpr int kAbortIncompleteUploadDays = 1;

// An owned rule's ID ends with this many hex digits of its prefix's SHA-256:
// 48 bits, so that an edited prefix under an unchanged ID is told, while the
// ID stays short.
constexpr std::size_t kPrefixHashDigits = 12;
// "YYYYMMDDTHHMMSSZ"
constexpr std::size_t kIdTimeChars = 16;
constexpr std::size_t kOwnedRuleIdChars =
    kOwnedRuleIdPrefix.size() + kIdTimeChars + 1 + kPrefixHashDigits;
static_assert(kOwnedRuleIdChars <= kLifecycleRuleIdMaxChars);

// S3's deepest rule element is five levels down (Rule/Filter/And/Tag/Key).
// Anything much deeper is no lifecycle rule; refusing it also bounds the
// recursion that reads a rule.
constexpr int kMaxRuleDepth = 32;

// Processing instructions, a DOCTYPE and the declaration become nodes, so
// that they can be refused or checked rather than skipped unseen. Comments are
// not parsed: they mean nothing to S3, so dropping them loses no rule. Text is
// kept whole, whitespace-only text too: <Prefix> </Prefix> is not <Prefix/>
// (read as the second it would widen a rule to the whole bucket), and a rule
// printed and parsed again must hold the same text nodes. Layout between
// elements is kept in the xml as it came and ignored by the canonical form.
constexpr unsigned kParseFlags = pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_pi |
                                 pugi::parse_doctype | pugi::parse_declaration;

[[noreturn]] void unfaithful(const std::string& why) { throw LifecycleUnfaithful{why}; }

pugi::xml_document load(std::string_view xml) {
    pugi::xml_document doc;
    const auto result = doc.load_buffer(xml.data(), xml.size(), kParseFlags, pugi::encoding_utf8);
    if (!result) {
        throw XmlParseError{std::string(kWhat) + ": malformed XML (" + result.description() +
                            " at offset " + std::to_string(result.offset) + ")"};
    }
    return doc;
}

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && is_xml_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_xml_space(text.back())) text.remove_suffix(1);
    return text;
}

// The text of an element: its text and CDATA children, in order (the two are
// the same characters to a reader).
std::string text_of(pugi::xml_node element) {
    std::string text;
    for (auto child : element.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            text += child.value();
        }
    }
    return text;
}

// As pugixml prints element text, so that a rendered rule is the text its
// parse prints again: '&', '<' and '>' as entities, nothing else. In an
// attribute value (of the canonical form) '"' too.
void append_escaped(std::string& out, std::string_view text, bool attribute = false) {
    for (const char c : text) {
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (c == '"' && attribute) {
            out += "&quot;";
        } else {
            out += c;
        }
    }
}

bool has_prefix(std::string_view name) { return name.find(':') != std::string_view::npos; }

// A text or attribute value that survives a print and a parse unchanged. XML
// cannot carry most C0 controls, and a CR is read back as LF. In an attribute
// every control is suspect: a parser turns a literal tab or newline there into
// a space, and whether one is printed as a reference depends on the pugixml
// version.
void check_value(std::string_view value, bool attribute, std::string_view element) {
    const bool control = std::any_of(value.begin(), value.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (!xml_can_carry(value) || (attribute && control)) {
        unfaithful("<" + std::string(element) +
                   "> holds a character XML cannot carry back unchanged");
    }
}

// Everything under a rule must be what a print of it carries back exactly.
void check_carried(pugi::xml_node element, int depth) {
    const std::string_view name = element.name();
    if (depth > kMaxRuleDepth) unfaithful("a rule nested deeper than any lifecycle rule");
    if (has_prefix(name)) {
        // A prefix declared outside the rule would be lost when the rule is
        // written back under a root of our own.
        unfaithful("element <" + std::string(name) + "> has a namespace prefix");
    }
    for (auto attribute : element.attributes()) {
        if (has_prefix(attribute.name())) {
            unfaithful("attribute " + std::string(attribute.name()) + " of <" + std::string(name) +
                       "> has a namespace prefix");
        }
        check_value(attribute.value(), true, name);
    }
    for (auto child : element.children()) {
        switch (child.type()) {
            case pugi::node_element:
                check_carried(child, depth + 1);
                break;
            case pugi::node_pcdata:
            case pugi::node_cdata:
                check_value(child.value(), false, name);
                break;
            case pugi::node_pi:
                unfaithful("a processing instruction in <" + std::string(name) + ">");
            default:
                unfaithful("a node of an unexpected kind in <" + std::string(name) + ">");
        }
    }
}

// Element names, attributes sorted, children sorted: two rules meaning the
// same to S3 (S3 reads no order among a rule's elements, and no layout) give
// the same string. The text of an element that holds elements is layout and
// trimmed; the text of a leaf is a value and kept exactly (a prefix " logs/"
// is not "logs/"). Text and attribute values are escaped, so the string cannot
// be read two ways.
std::string canonical_of(pugi::xml_node element) {
    std::vector<std::pair<std::string, std::string>> attributes;
    for (auto attribute : element.attributes()) {
        attributes.emplace_back(attribute.name(), attribute.value());
    }
    std::sort(attributes.begin(), attributes.end());
    std::vector<std::string> children;
    for (auto child : element.children()) {
        if (child.type() == pugi::node_element) children.push_back(canonical_of(child));
    }
    std::sort(children.begin(), children.end());
    const std::string text = text_of(element);

    std::string out = "<";
    out += element.name();
    for (const auto& [name, value] : attributes) {
        out += ' ';
        out += name;
        out += "=\"";
        append_escaped(out, value, true);
        out += '"';
    }
    out += '>';
    append_escaped(out, children.empty() ? std::string_view(text) : trimmed(text));
    for (const auto& child : children) out += child;
    out += "</";
    out += element.name();
    out += '>';
    return out;
}

struct StringWriter : pugi::xml_writer {
    std::string text;
    void write(const void* data, std::size_t size) override {
        text.append(static_cast<const char*>(data), size);
    }
};

LifecycleRuleXml rule_of(pugi::xml_node rule) {
    LifecycleRuleXml out;
    auto id = rule.child("ID");
    if (id && id.next_sibling("ID")) unfaithful("a rule with more than one <ID>");
    out.id = text_of(id);
    StringWriter writer;
    // The whole element as parsed: what it holds that s3-cleanup does not
    // model goes back as it came.
    rule.print(writer, "", pugi::format_raw, pugi::encoding_utf8);
    out.xml = std::move(writer.text);
    out.canonical = canonical_of(rule);
    return out;
}

void check_declaration(pugi::xml_node declaration) {
    std::string encoding = declaration.attribute("encoding").value();
    std::transform(encoding.begin(), encoding.end(), encoding.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (!encoding.empty() && encoding != "UTF-8") {
        unfaithful("the document declares encoding " + encoding + "; it is read as UTF-8");
    }
}

// The one root element, LifecycleConfiguration in S3's namespace (or in none,
// as some compatible stores answer): render_lifecycle_configuration writes
// that root again, so nothing else of it may matter.
pugi::xml_node configuration_root(const pugi::xml_document& doc) {
    pugi::xml_node root;
    for (auto node : doc.children()) {
        if (node.type() == pugi::node_declaration) {
            check_declaration(node);
        } else if (node.type() == pugi::node_element) {
            if (root) unfaithful("more than one root element");
            root = node;
        } else if (node.type() == pugi::node_doctype) {
            // It may declare entities, whose text pugixml does not expand.
            unfaithful("a DOCTYPE");
        } else if (node.type() == pugi::node_pi) {
            unfaithful("a processing instruction");
        } else {
            unfaithful("text outside the root element");
        }
    }
    if (std::string_view(root.name()) != "LifecycleConfiguration") {
        unfaithful("root element <" + std::string(root.name()) + ">, not <LifecycleConfiguration>");
    }
    for (auto attribute : root.attributes()) {
        if (std::string_view(attribute.name()) != "xmlns" ||
            std::string_view(attribute.value()) != kS3Namespace) {
            unfaithful("attribute " + std::string(attribute.name()) + "=\"" + attribute.value() +
                       "\" on <LifecycleConfiguration>, which is written anew");
        }
    }
    return root;
}

}  // namespace

std::vector<LifecycleRuleXml> parse_lifecycle_configuration(std::string_view xml) {
    const auto doc = load(xml);
    const auto root = configuration_root(doc);
    std::vector<LifecycleRuleXml> rules;
    std::set<std::string> ids;
    for (auto node : root.children()) {
        if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
            if (!trimmed(node.value()).empty()) unfaithful("text beside the rules");
            continue;
        }
        if (node.type() != pugi::node_element) {
            unfaithful(node.type() == pugi::node_pi ? "a processing instruction beside the rules"
                                                    : "a node of an unexpected kind");
        }
        if (std::string_view(node.name()) != "Rule") {
            unfaithful("element <" + std::string(node.name()) + "> beside the rules");
        }
        check_carried(node, 0);
        auto rule = rule_of(node);
        // S3 refuses a configuration whose IDs repeat: it could not be written back.
        if (!rule.id.empty() && !ids.insert(rule.id).second) {
            unfaithful("two rules with ID '" + rule.id + "'");
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

std::string owned_rule_id(const OwnedRule& rule) {
    // 2026-11-20T14:03:00Z -> 20261120T140300Z
    std::string time = aws::format_timestamp(rule.created);
    std::erase_if(time, [](char c) { return c == '-' || c == ':'; });
    return std::string(kOwnedRuleIdPrefix) + time + ":" +
           aws::crypto::sha256_hex(rule.prefix).substr(0, kPrefixHashDigits);
}

LifecycleRuleXml render_owned_rule(const OwnedRule& rule) {
    if (!xml_can_carry(rule.prefix)) {
        throw std::invalid_argument("lifecycle rule prefix holds characters XML cannot carry");
    }
    // An empty prefix would expire the whole bucket: never, whatever the caller checked.
    if (rule.prefix.empty() || rule.prefix.back() != '/') {
        throw std::invalid_argument("lifecycle rule prefix '" + rule.prefix +
                                    "' is empty or does not end with '/'");
    }
    std::string text = "<Rule><ID>" + owned_rule_id(rule) + "</ID><Filter><Prefix>";
    append_escaped(text, rule.prefix);
    text += "</Prefix></Filter><Status>Enabled</Status><Expiration><Days>" +
            std::to_string(kExpirationDays) + "</Days></Expiration>";
    if (rule.noncurrent) {
        text += "<NoncurrentVersionExpiration><NoncurrentDays>" + std::to_string(kNoncurrentDays) +
                "</NoncurrentDays></NoncurrentVersionExpiration>";
    }
    text += "<AbortIncompleteMultipartUpload><DaysAfterInitiation>" +
            std::to_string(kAbortIncompleteUploadDays) +
            "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>";
    // Read as a rule of a configuration is read: the same id, xml and canonical
    // form the rule will have when it comes back.
    const auto doc = load(text);
    return rule_of(doc.document_element());
}

namespace {

// The time of an owned rule's ID; nullopt when the ID has not the owned form.
std::optional<aws::TimePoint> created_of_id(std::string_view id) {
    if (id.size() != kOwnedRuleIdChars || !id.starts_with(kOwnedRuleIdPrefix)) return std::nullopt;
    const std::string_view t = id.substr(kOwnedRuleIdPrefix.size(), kIdTimeChars);
    if (id[kOwnedRuleIdPrefix.size() + kIdTimeChars] != ':') return std::nullopt;
    // YYYYMMDDTHHMMSSZ -> YYYY-MM-DDTHH:MM:SSZ
    const std::string rfc3339 = std::string(t.substr(0, 4)) + "-" + std::string(t.substr(4, 2)) +
                                "-" + std::string(t.substr(6, 2)) + std::string(t.substr(8, 3)) +
                                ":" + std::string(t.substr(11, 2)) + ":" +
                                std::string(t.substr(13, 3));
    return aws::parse_timestamp(rfc3339);
}

}  // namespace

std::optional<OwnedRule> parse_owned_rule(const LifecycleRuleXml& rule) {
    const auto created = created_of_id(rule.id);
    if (!created) return std::nullopt;
    pugi::xml_document doc;
    if (!doc.load_buffer(rule.xml.data(), rule.xml.size(), kParseFlags, pugi::encoding_utf8)) {
        return std::nullopt;
    }
    const auto node = doc.document_element();
    if (std::string_view(node.name()) != "Rule") return std::nullopt;
    try {
        check_carried(node, 0);  // bounds the depth canonical_of reads, too
    } catch (const LifecycleUnfaithful&) {
        return std::nullopt;
    }
    OwnedRule owned;
    owned.prefix = text_of(node.child("Filter").child("Prefix"));
    owned.created = *created;
    owned.noncurrent = static_cast<bool>(node.child("NoncurrentVersionExpiration"));
    if (owned.prefix.empty() || owned.prefix.back() != '/' || !xml_can_carry(owned.prefix)) {
        return std::nullopt;
    }
    // What s3-cleanup would write for that prefix, time and versioning, to the
    // letter of its meaning; and the ID, whose hash ties it to the prefix.
    const auto written = render_owned_rule(owned);
    if (written.id != rule.id || written.canonical != rule.canonical ||
        written.canonical != canonical_of(node)) {
        return std::nullopt;
    }
    return owned;
}

std::string render_lifecycle_configuration(const std::vector<LifecycleRuleXml>& rules) {
    if (rules.empty()) {
        throw std::invalid_argument(
            "a lifecycle configuration needs a rule: delete the configuration instead");
    }
    std::size_t size = kConfigurationOpening.size() + kConfigurationClosing.size();
    for (const auto& rule : rules) size += rule.xml.size();
    std::string body;
    body.reserve(size);
    body += kConfigurationOpening;
    for (const auto& rule : rules) body += rule.xml;
    body += kConfigurationClosing;
    return body;
}

}  // namespace s3
