// Unit tests for src/s3/xml.hpp: every S3 XML document the client reads or
// writes, on canned text.
#include "s3/xml.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace {

using s3::DeleteResult;
using s3::ListPage;
using s3::XmlParseError;

// A ListBucketResult with the given inner XML, as S3 sends it.
std::string list_result(const std::string& inner) {
    return R"(<?xml version="1.0" encoding="UTF-8"?>)"
           R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
           "<Name>my-bucket</Name>" +
           inner + "</ListBucketResult>";
}

std::string contents(const std::string& key, const std::string& size = "1") {
    return "<Contents><Key>" + key +
           "</Key><LastModified>2026-11-20T14:03:00.000Z</LastModified>"
           "<ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>" +
           size + "</Size><StorageClass>STANDARD</StorageClass></Contents>";
}

// ----------------------------------------------------- parse_list_objects_v2

TEST(XmlListObjectsV2, PlainPageWithObjectsAndFields) {
    const auto page = s3::parse_list_objects_v2(list_result(
        "<Prefix>sites/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>"
        "<IsTruncated>false</IsTruncated>" +
        contents("sites/app/index.html", "1234") + contents("sites/app/a+b%20c.txt", "0")));
    ASSERT_EQ(page.objects.size(), 2u);
    EXPECT_EQ(page.objects[0].key, "sites/app/index.html");
    EXPECT_EQ(page.objects[0].last_modified, aws::parse_timestamp("2026-11-20T14:03:00.000Z"));
    EXPECT_EQ(page.objects[0].size, 1234u);
    // Without EncodingType=url nothing is decoded: '+' and '%20' are literal.
    EXPECT_EQ(page.objects[1].key, "sites/app/a+b%20c.txt");
    EXPECT_EQ(page.objects[1].size, 0u);
    EXPECT_FALSE(page.is_truncated);
    EXPECT_TRUE(page.next_continuation_token.empty());
    EXPECT_TRUE(page.common_prefixes.empty());
}

TEST(XmlListObjectsV2, PlainXmlEntitiesAreUnescaped) {
    const auto page = s3::parse_list_objects_v2(list_result(
        "<IsTruncated>false</IsTruncated>" + contents("a&amp;b&lt;c&gt;d&apos;e&quot;f")));
    ASSERT_EQ(page.objects.size(), 1u);
    EXPECT_EQ(page.objects[0].key, "a&b<c>d'e\"f");
}

TEST(XmlListObjectsV2, LargeSize) {
    const auto page = s3::parse_list_objects_v2(
        list_result("<IsTruncated>false</IsTruncated>" + contents("k", "5497558138880")));
    ASSERT_EQ(page.objects.size(), 1u);
    EXPECT_EQ(page.objects[0].size, 5497558138880u);  // 5 TiB, the S3 maximum
}

struct EncodedKeyCase {
    std::string wire;
    std::string decoded;
};

void PrintTo(const EncodedKeyCase& c, std::ostream* os) {
    *os << ::testing::PrintToString(c.wire) << " -> " << ::testing::PrintToString(c.decoded);
}

class XmlListEncodedKeyTest : public ::testing::TestWithParam<EncodedKeyCase> {};

TEST_P(XmlListEncodedKeyTest, KeyIsDecoded) {
    const auto& c = GetParam();
    const auto page = s3::parse_list_objects_v2(list_result(
        "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>" + contents(c.wire)));
    ASSERT_EQ(page.objects.size(), 1u);
    EXPECT_EQ(page.objects[0].key, c.decoded);
}

INSTANTIATE_TEST_SUITE_P(
    Table, XmlListEncodedKeyTest,
    ::testing::Values(EncodedKeyCase{"sites%2Fapp%2Fa%20b.html", "sites/app/a b.html"},
                      EncodedKeyCase{"a%2Bb", "a+b"}, EncodedKeyCase{"a+b", "a b"},
                      EncodedKeyCase{"ctl%01key", "ctl\x01key"},
                      EncodedKeyCase{"caf%C3%A9.txt", "caf\xC3\xA9.txt"},
                      EncodedKeyCase{"tab%09nl%0Acr%0D", "tab\tnl\ncr\r"},
                      EncodedKeyCase{"pct%25", "pct%"}, EncodedKeyCase{"amp%26", "amp&"},
                      EncodedKeyCase{"sites/app/raw", "sites/app/raw"}));

TEST(XmlListObjectsV2, EncodedCommonPrefixesAreDecoded) {
    const auto page = s3::parse_list_objects_v2(list_result(
        "<Prefix>sites%2F</Prefix><Delimiter>%2F</Delimiter><EncodingType>url</EncodingType>"
        "<IsTruncated>false</IsTruncated>" +
        contents("sites%2Froot.txt") +
        "<CommonPrefixes><Prefix>sites%2Fapp-1%2F</Prefix></CommonPrefixes>"
        "<CommonPrefixes><Prefix>sites%2Fwith%20space%2F</Prefix></CommonPrefixes>"
        "<CommonPrefixes><Prefix>sites%2Fcaf%C3%A9%2F</Prefix></CommonPrefixes>"));
    ASSERT_EQ(page.objects.size(), 1u);
    EXPECT_EQ(page.objects[0].key, "sites/root.txt");
    EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"sites/app-1/", "sites/with space/",
                                                              "sites/caf\xC3\xA9/"}));
}

TEST(XmlListObjectsV2, PlainCommonPrefixesKeptAsIs) {
    const auto page = s3::parse_list_objects_v2(
        list_result("<IsTruncated>false</IsTruncated>"
                    "<CommonPrefixes><Prefix>a%20b/</Prefix></CommonPrefixes>"
                    "<CommonPrefixes><Prefix>c/</Prefix></CommonPrefixes>"));
    EXPECT_TRUE(page.objects.empty());
    EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"a%20b/", "c/"}));
}

TEST(XmlListObjectsV2, TruncatedWithToken) {
    const auto page = s3::parse_list_objects_v2(
        list_result("<IsTruncated>true</IsTruncated>"
                    "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</"
                    "NextContinuationToken>" +
                    contents("k1") + contents("k2")));
    EXPECT_TRUE(page.is_truncated);
    EXPECT_EQ(page.next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    EXPECT_EQ(page.objects.size(), 2u);
}

TEST(XmlListObjectsV2, ContinuationTokenIsNotUrlDecoded) {
    // encoding-type=url covers Key, Prefix, Delimiter and StartAfter, not the token.
    const auto page = s3::parse_list_objects_v2(
        list_result("<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
                    "<NextContinuationToken>ab%2Bcd+ef</NextContinuationToken>"));
    EXPECT_EQ(page.next_continuation_token, "ab%2Bcd+ef");
}

TEST(XmlListObjectsV2, EmptyPage) {
    const auto page = s3::parse_list_objects_v2(
        list_result("<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"));
    EXPECT_TRUE(page.objects.empty());
    EXPECT_TRUE(page.common_prefixes.empty());
    EXPECT_FALSE(page.is_truncated);
}

struct BadListCase {
    const char* name;
    std::string xml;
};

void PrintTo(const BadListCase& c, std::ostream* os) { *os << c.name; }

class XmlListRejectTest : public ::testing::TestWithParam<BadListCase> {};

TEST_P(XmlListRejectTest, ThrowsXmlParseError) {
    const auto& c = GetParam();
    try {
        (void)s3::parse_list_objects_v2(c.xml);
        FAIL() << "expected XmlParseError for " << c.name;
    } catch (const XmlParseError& error) {
        EXPECT_FALSE(error.message.empty());
        EXPECT_NE(error.message.find("ListObjectsV2"), std::string::npos) << error.message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, XmlListRejectTest,
    ::testing::Values(
        BadListCase{"truncated_without_token",
                    list_result("<IsTruncated>true</IsTruncated>" + contents("k"))},
        BadListCase{"truncated_with_empty_token",
                    list_result("<IsTruncated>true</IsTruncated>"
                                "<NextContinuationToken></NextContinuationToken>")},
        BadListCase{"cut_in_the_middle",
                    list_result("<IsTruncated>false</IsTruncated>" + contents("k")).substr(0, 150)},
        BadListCase{"empty", ""}, BadListCase{"not_xml", "this is not xml"},
        BadListCase{"html_proxy_page",
                    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                    "<body><h1>Bad Gateway</h1><p>nginx</body></html>"},
        BadListCase{"well_formed_html", "<html><body><p>Hello</p></body></html>"},
        BadListCase{"error_document",
                    "<Error><Code>AccessDenied</Code><Message>no</Message></Error>"},
        BadListCase{"bad_size",
                    list_result("<IsTruncated>false</IsTruncated>" + contents("k", "12abc"))},
        BadListCase{"negative_size",
                    list_result("<IsTruncated>false</IsTruncated>" + contents("k", "-1"))},
        BadListCase{"missing_size", list_result("<IsTruncated>false</IsTruncated>"
                                                "<Contents><Key>k</Key><LastModified>"
                                                "2026-11-20T14:03:00Z</LastModified></Contents>")},
        BadListCase{"unreadable_last_modified",
                    list_result("<IsTruncated>false</IsTruncated><Contents><Key>k</Key>"
                                "<LastModified>yesterday</LastModified><Size>1</Size>"
                                "</Contents>")}),
    [](const ::testing::TestParamInfo<BadListCase>& case_info) {
        return std::string(case_info.param.name);
    });

// -------------------------------------------------------------- parse_error

TEST(XmlParseErrorDocument, AllFields) {
    const auto doc = s3::parse_error(
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access "
        "must be addressed using the specified endpoint.</Message><Region>eu-west-1</Region>"
        "<RequestId>4442587FB7D0A2F9</RequestId><HostId>abc=</HostId></Error>");
    ASSERT_TRUE(doc.has_value());
    EXPECT_EQ(doc->code, "PermanentRedirect");
    EXPECT_EQ(doc->message,
              "The bucket you are attempting to access must be addressed using the specified "
              "endpoint.");
    EXPECT_EQ(doc->request_id, "4442587FB7D0A2F9");
    EXPECT_EQ(doc->region, "eu-west-1");
}

TEST(XmlParseErrorDocument, MissingFieldsAreEmpty) {
    const auto doc = s3::parse_error("<Error><Code>NoSuchBucket</Code></Error>");
    ASSERT_TRUE(doc.has_value());
    EXPECT_EQ(doc->code, "NoSuchBucket");
    EXPECT_EQ(doc->message, "");
    EXPECT_EQ(doc->request_id, "");
    EXPECT_EQ(doc->region, "");
}

TEST(XmlParseErrorDocument, NotAnErrorDocumentGivesNullopt) {
    const std::vector<std::string> inputs{
        "",
        "garbage",
        "<html><body>503 Service Unavailable</body></html>",
        "<!DOCTYPE html><html><body><p>unclosed</body></html>",
        list_result("<IsTruncated>false</IsTruncated>"),
        "<Error><Code>Cut",
    };
    for (const auto& input : inputs) {
        SCOPED_TRACE(input);
        EXPECT_FALSE(s3::parse_error(input).has_value());
    }
}

// ------------------------------------------------------- parse_delete_result

TEST(XmlDeleteResult, DeletedAndErrors) {
    const auto result = s3::parse_delete_result(
        R"(<?xml version="1.0" encoding="UTF-8"?>)"
        R"(<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
        "<Deleted><Key>sites/app/a.html</Key></Deleted>"
        "<Deleted><Key>sites/app/b&amp;c.html</Key><VersionId>v1</VersionId></Deleted>"
        "<Error><Key>sites/app/locked.html</Key><VersionId>v7</VersionId>"
        "<Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
        "<Error><Key>sites/app/x.html</Key><Code>InternalError</Code>"
        "<Message>We encountered an internal error. Please try again.</Message></Error>"
        "</DeleteResult>");
    EXPECT_EQ(result.deleted, (std::vector<std::string>{"sites/app/a.html", "sites/app/b&c.html"}));
    ASSERT_EQ(result.errors.size(), 2u);
    EXPECT_EQ(result.errors[0].key, "sites/app/locked.html");
    EXPECT_EQ(result.errors[0].version_id, "v7");
    EXPECT_EQ(result.errors[0].code, "AccessDenied");
    EXPECT_EQ(result.errors[0].message, "Access Denied");
    EXPECT_EQ(result.errors[1].key, "sites/app/x.html");
    EXPECT_EQ(result.errors[1].version_id, "");
    EXPECT_EQ(result.errors[1].code, "InternalError");
}

TEST(XmlDeleteResult, QuietSuccessIsEmpty) {
    const auto result = s3::parse_delete_result(
        R"(<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>)");
    EXPECT_TRUE(result.deleted.empty());
    EXPECT_TRUE(result.errors.empty());
}

TEST(XmlDeleteResult, RejectsWhatIsNotADeleteResult) {
    const std::vector<std::string> inputs{
        "",
        "<html><body>Bad Gateway</body></html>",
        "<Error><Code>MalformedXML</Code></Error>",
        "<DeleteResult><Deleted><Key>cut",
    };
    for (const auto& input : inputs) {
        SCOPED_TRACE(input);
        EXPECT_THROW((void)s3::parse_delete_result(input), XmlParseError);
    }
}

// ------------------------------------------------------------ xml_can_carry

struct CarryCase {
    std::string key;
    bool expected;
};

void PrintTo(const CarryCase& c, std::ostream* os) {
    *os << ::testing::PrintToString(c.key) << " -> " << (c.expected ? "true" : "false");
}

class XmlCanCarryTest : public ::testing::TestWithParam<CarryCase> {};

TEST_P(XmlCanCarryTest, Table) {
    const auto& c = GetParam();
    EXPECT_EQ(s3::xml_can_carry(c.key), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, XmlCanCarryTest,
    ::testing::Values(CarryCase{"", true}, CarryCase{"plain/key.html", true},
                      CarryCase{"a\tb", true}, CarryCase{"a\nb", true}, CarryCase{"a\rb", false},
                      CarryCase{"a\x01"
                                "b",
                                false},
                      CarryCase{std::string(1, '\0'), false}, CarryCase{"\x1f", false},
                      CarryCase{"\x0b", false}, CarryCase{"\x0c", false},
                      CarryCase{"caf\xC3\xA9", true}, CarryCase{"\xE2\x82\xAC", true},
                      CarryCase{"\xF0\x9F\x98\x80", true}, CarryCase{"del\x7f", true},
                      CarryCase{"<&>'\"", true}, CarryCase{" ", true}));

TEST(XmlCanCarry, NonCharactersUFFFEAndUFFFF) {
    // XML 1.0 Char is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]:
    // U+FFFE and U+FFFF are not characters XML can carry, escaped or not.
    // Such a key in a DeleteObjects body would make S3 answer MalformedXML for the
    // whole batch of up to 1000 keys; it must go by DeleteObject instead.
    EXPECT_TRUE(s3::xml_can_carry("\xEF\xBF\xBD"));   // U+FFFD: fine
    EXPECT_FALSE(s3::xml_can_carry("\xEF\xBF\xBE"));  // U+FFFE
    EXPECT_FALSE(
        s3::xml_can_carry("a\xEF\xBF\xBF"
                          "b"));  // U+FFFF
}

TEST(XmlCanCarry, EveryByteAtEveryPlaceOfTheWordsItIsReadIn) {
    // The check reads eight bytes at a time: a byte must be told wherever it
    // falls, in a whole word or in the tail, among other bytes of every kind.
    for (int c = 0; c < 0x100; ++c) {
        for (std::size_t at = 0; at < 19; ++at) {
            for (const char filler : {'a', '\x7f', ' '}) {
                std::string key(19, filler);
                key[at] = static_cast<char>(c);
                const bool control = c < 0x20 && c != '\t' && c != '\n';
                // A lone lead or continuation byte is not checked for UTF-8
                // validity here; 0xED and 0xEF alone start nothing refused.
                EXPECT_EQ(s3::xml_can_carry(key), !control) << c << " at " << at;
            }
        }
        std::string surrogate(17, 'a');
        surrogate.replace(9, 3, "\xED\xA0\x80");
        EXPECT_FALSE(s3::xml_can_carry(surrogate));
    }
}

// ---------------------------------------------------- render_delete_objects

struct Parsed {
    std::string root_name;
    std::string xmlns;
    bool has_quiet = false;
    std::string quiet;
    std::vector<std::string> keys;
    bool has_declaration = false;
};

Parsed parse_back(const std::string& xml) {
    pugi::xml_document doc;
    // parse_ws_pcdata so that whitespace-only keys survive; no EOL normalisation
    // differences matter for the keys we test (no CR).
    auto result = doc.load_string(
        xml.c_str(), pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_declaration);
    EXPECT_TRUE(result) << result.description() << "\n" << xml;
    Parsed parsed;
    parsed.has_declaration = doc.first_child().type() == pugi::node_declaration;
    auto root = doc.document_element();
    parsed.root_name = root.name();
    parsed.xmlns = root.attribute("xmlns").value();
    if (auto quiet = root.child("Quiet")) {
        parsed.has_quiet = true;
        parsed.quiet = quiet.child_value();
    }
    for (auto object : root.children("Object")) parsed.keys.emplace_back(object.child_value("Key"));
    return parsed;
}

TEST(XmlRenderDeleteObjects, KeysRoundTripExactly) {
    const std::vector<std::string> keys{
        "sites/app/index.html",
        "a&b",
        "less<than",
        "greater>than",
        "apos'trophe",
        "quote\"d",
        "all&<>'\"together",
        "&amp; already escaped",
        "]]> cdata end",
        "caf\xC3\xA9/\xE2\x82\xAC/\xF0\x9F\x98\x80",
        " leading and trailing ",
        "tab\there",
        "new\nline",
        "  ",
        "%20 not decoded +",
    };
    const auto xml = s3::render_delete_objects(keys, true);
    const auto parsed = parse_back(xml);
    EXPECT_EQ(parsed.keys, keys);
}

TEST(XmlRenderDeleteObjects, RawSpecialCharactersAreEscaped) {
    const auto xml = s3::render_delete_objects({"a&b<c>d"}, false);
    EXPECT_EQ(xml.find("a&b"), std::string::npos) << xml;
    EXPECT_EQ(xml.find("b<c"), std::string::npos) << xml;
    EXPECT_NE(xml.find("a&amp;b&lt;c"), std::string::npos) << xml;
}

TEST(XmlRenderDeleteObjects, EveryByteAtEveryPlaceIsEscapedOrLeftAsItIs) {
    // Written eight bytes at a time (see append_escaped): a byte that needs an
    // escape is found wherever it falls.
    for (int c = 1; c < 0x80; ++c) {
        for (std::size_t at = 0; at < 19; ++at) {
            std::string key(19, 'k');
            key[at] = static_cast<char>(c);
            const auto xml = s3::render_delete_objects({key}, true);
            std::string escaped(1, static_cast<char>(c));
            if (c == '&') escaped = "&amp;";
            if (c == '<') escaped = "&lt;";
            if (c == '>') escaped = "&gt;";
            if (c < 0x20) escaped = "&#" + std::to_string(c) + ";";
            const std::string expected =
                "<Key>" + key.substr(0, at) + escaped + key.substr(at + 1) + "</Key>";
            EXPECT_NE(xml.find(expected), std::string::npos) << c << " at " << at << ": " << xml;
        }
    }
}

TEST(XmlRenderDeleteObjects, QuietAndNamespace) {
    struct Case {
        bool quiet;
    };
    for (const Case c : {Case{true}, Case{false}}) {
        SCOPED_TRACE(c.quiet ? "quiet" : "verbose");
        const auto xml = s3::render_delete_objects({"k1", "k2"}, c.quiet);
        const auto parsed = parse_back(xml);
        EXPECT_TRUE(parsed.has_declaration) << xml;
        EXPECT_EQ(parsed.root_name, "Delete");
        EXPECT_EQ(parsed.xmlns, "http://s3.amazonaws.com/doc/2006-03-01/");
        EXPECT_EQ(parsed.has_quiet, c.quiet);
        if (c.quiet) {
            EXPECT_EQ(parsed.quiet, "true");
        }
        EXPECT_EQ(parsed.keys, (std::vector<std::string>{"k1", "k2"}));
        EXPECT_NE(xml.find("encoding=\"UTF-8\""), std::string::npos) << xml;
    }
}

TEST(XmlRenderDeleteObjects, ThousandKeysInOrder) {
    std::vector<std::string> keys;
    for (int i = 0; i < 1000; ++i) keys.push_back("d/" + std::to_string(i));
    EXPECT_EQ(parse_back(s3::render_delete_objects(keys, true)).keys, keys);
}

TEST(XmlRenderDeleteObjects, NoKeys) {
    const auto parsed = parse_back(s3::render_delete_objects({}, true));
    EXPECT_EQ(parsed.root_name, "Delete");
    EXPECT_TRUE(parsed.keys.empty());
}

}  // namespace
