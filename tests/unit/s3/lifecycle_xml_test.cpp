// Unit tests for src/s3/lifecycle_xml.hpp: foreign rules carried back as the
// server wrote them, configurations refused when they cannot be, and the one
// exact form of the rules s3-cleanup owns.
#include "s3/lifecycle_xml.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "s3/xml.hpp"

namespace {

using s3::LifecycleRuleXml;
using s3::LifecycleUnfaithful;
using s3::OwnedRule;
using s3::XmlParseError;

const std::string kOpening =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    R"(<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)";
const std::string kClosing = "</LifecycleConfiguration>";

// A configuration as S3 answers it, around the given rules.
std::string configuration(const std::string& rules) { return kOpening + rules + kClosing; }

// Foreign rules, each in the form pugixml prints (so that its xml is the text).
const std::string kTaggedTransition =
    "<Rule><ID>archive-cold</ID><Filter><Tag><Key>class</Key><Value>cold</Value></Tag></Filter>"
    "<Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass>"
    "</Transition></Rule>";
const std::string kLogsExpiration =
    "<Rule><ID>logs</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>"
    "<Expiration><Days>90</Days></Expiration></Rule>";
// Elements s3-cleanup models nowhere, and escaped characters.
const std::string kUnmodelled =
    "<Rule><ID>odd &amp; &lt;old&gt;</ID><Filter><And><Prefix>a&amp;b&lt;c&gt;/</Prefix>"
    "<Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan>"
    "</And></Filter><Status>Disabled</Status><NoncurrentVersionTransition>"
    "<NoncurrentDays>7</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass>"
    "<NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionTransition></Rule>";

aws::TimePoint at(const char* text) { return *aws::parse_timestamp(text); }

LifecycleRuleXml only_rule(const std::string& rules) {
    const auto parsed = s3::parse_lifecycle_configuration(configuration(rules));
    EXPECT_EQ(parsed.size(), 1u);
    return parsed.at(0);
}

std::string canonical(const std::string& rule) { return only_rule(rule).canonical; }

// --------------------------------------------------- foreign rules round trip

TEST(LifecycleXml, ForeignRulesComeBackAsTheServerWroteThem) {
    const std::string answer = configuration(kTaggedTransition + kLogsExpiration + kUnmodelled);
    const auto rules = s3::parse_lifecycle_configuration(answer);
    ASSERT_EQ(rules.size(), 3u);
    EXPECT_EQ(rules[0].id, "archive-cold");
    EXPECT_EQ(rules[1].id, "logs");
    EXPECT_EQ(rules[2].id, "odd & <old>");  // unescaped
    EXPECT_EQ(rules[0].xml, kTaggedTransition);
    EXPECT_EQ(rules[1].xml, kLogsExpiration);
    EXPECT_EQ(rules[2].xml, kUnmodelled);
    EXPECT_EQ(s3::render_lifecycle_configuration(rules), answer);

    const auto again = s3::parse_lifecycle_configuration(s3::render_lifecycle_configuration(rules));
    ASSERT_EQ(again.size(), rules.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        EXPECT_EQ(again[i].id, rules[i].id);
        EXPECT_EQ(again[i].xml, rules[i].xml);
        EXPECT_EQ(again[i].canonical, rules[i].canonical);
    }
}

TEST(LifecycleXml, LayoutOfTheAnswerIsNoMeaning) {
    const std::string pretty =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
        "  <Rule>\n    <ID>logs</ID>\n    <Filter>\n      <Prefix>logs/</Prefix>\n    </Filter>\n"
        "    <Status>Enabled</Status>\n"
        "    <Expiration>\n      <Days>90</Days>\n    </Expiration>\n  </Rule>\n"
        "</LifecycleConfiguration>\n";
    const auto rules = s3::parse_lifecycle_configuration(pretty);
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].id, "logs");
    // Carried back as it came, layout and all; meaning the same as without it.
    EXPECT_EQ(rules[0].xml.substr(0, 19), "<Rule>\n    <ID>logs");
    EXPECT_EQ(rules[0].canonical, canonical(kLogsExpiration));
    const auto again = s3::parse_lifecycle_configuration(s3::render_lifecycle_configuration(rules));
    ASSERT_EQ(again.size(), 1u);
    EXPECT_EQ(again[0].xml, rules[0].xml);
}

TEST(LifecycleXml, EntitiesReferencesAndCdataAreTheSameText) {
    const auto escaped = only_rule(
        "<Rule><ID>x</ID><Filter><Prefix>a&amp;b&lt;c/</Prefix></Filter>"
        "<Status>Enabled</Status></Rule>");
    const auto referenced = only_rule(
        "<Rule><ID>x</ID><Filter><Prefix>a&#38;b&#x3C;c/</Prefix></Filter>"
        "<Status>Enabled</Status></Rule>");
    const auto cdata = only_rule(
        "<Rule><ID>x</ID><Filter><Prefix><![CDATA[a&b<c/]]></Prefix></Filter>"
        "<Status>Enabled</Status></Rule>");
    EXPECT_EQ(referenced.canonical, escaped.canonical);
    EXPECT_EQ(cdata.canonical, escaped.canonical);
    EXPECT_EQ(referenced.xml, escaped.xml);  // printed with entities again
    EXPECT_NE(cdata.xml.find("<![CDATA[a&b<c/]]>"), std::string::npos) << cdata.xml;
}

TEST(LifecycleXml, AttributesOfARuleAreKept) {
    const std::string rule = R"(<Rule xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ID>x</ID>)"
                             "<Status>Enabled</Status></Rule>";
    EXPECT_EQ(only_rule(rule).xml, rule);
}

TEST(LifecycleXml, CommentsAreDropped) {
    const auto rules = s3::parse_lifecycle_configuration(
        configuration("<!-- by hand --><Rule><ID>logs</ID><!-- 90 days --><Filter><Prefix>logs/"
                      "</Prefix></Filter><Status>Enabled</Status><Expiration><Days>90</Days>"
                      "</Expiration></Rule>"));
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].xml, kLogsExpiration);
}

TEST(LifecycleXml, ConfigurationsThatAreAccepted) {
    EXPECT_TRUE(s3::parse_lifecycle_configuration(
                    R"(<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)")
                    .empty());
    // Some compatible stores answer without S3's namespace.
    EXPECT_EQ(s3::parse_lifecycle_configuration("<LifecycleConfiguration>" + kLogsExpiration +
                                                "</LifecycleConfiguration>")
                  .size(),
              1u);
    // Rules without an ID: none is a duplicate of another.
    const auto unnamed = s3::parse_lifecycle_configuration(configuration(
        "<Rule><Status>Enabled</Status></Rule><Rule><Status>Enabled</Status></Rule>"));
    ASSERT_EQ(unnamed.size(), 2u);
    EXPECT_EQ(unnamed[0].id, "");
    EXPECT_EQ(unnamed[1].id, "");
}

// -------------------------------------------------------------------- canonical

TEST(LifecycleXmlCanonical, IgnoresOrderOfElementsAndAttributes) {
    EXPECT_EQ(canonical("<Rule><Status>Enabled</Status><Expiration><Days>90</Days></Expiration>"
                        "<Filter><Prefix>logs/</Prefix></Filter><ID>logs</ID></Rule>"),
              canonical(kLogsExpiration));
    EXPECT_EQ(canonical(R"(<Rule a="1" b="2"><ID>x</ID></Rule>)"),
              canonical(R"(<Rule b="2" a="1"><ID>x</ID></Rule>)"));
    EXPECT_EQ(canonical("<Rule><ID>x</ID><Filter><Prefix></Prefix></Filter></Rule>"),
              canonical("<Rule><ID>x</ID><Filter><Prefix/></Filter></Rule>"));
}

TEST(LifecycleXmlCanonical, DiffersOnAChangedValue) {
    const std::string base = canonical(kLogsExpiration);
    const auto changed = [](std::string text, const std::string& from, const std::string& to) {
        text.replace(text.find(from), from.size(), to);
        return canonical(text);
    };
    EXPECT_NE(changed(kLogsExpiration, "<Days>90</Days>", "<Days>91</Days>"), base);
    EXPECT_NE(changed(kLogsExpiration, "logs/", "logs2/"), base);
    EXPECT_NE(changed(kLogsExpiration, "Enabled", "Disabled"), base);
    EXPECT_NE(changed(kLogsExpiration, "<Days>90</Days></Expiration>",
                      "<Days>90</Days></Expiration><Extra/>"),
              base);
    EXPECT_NE(canonical(R"(<Rule a="1"><ID>x</ID></Rule>)"),
              canonical(R"(<Rule a="2"><ID>x</ID></Rule>)"));
}

TEST(LifecycleXmlCanonical, TheTextOfALeafIsAValueToTheLetter) {
    // A prefix of one space is not an empty prefix (which covers the bucket).
    const auto space = only_rule("<Rule><ID>x</ID><Filter><Prefix> </Prefix></Filter></Rule>");
    EXPECT_EQ(space.xml, "<Rule><ID>x</ID><Filter><Prefix> </Prefix></Filter></Rule>");
    EXPECT_NE(space.canonical, canonical("<Rule><ID>x</ID><Filter><Prefix/></Filter></Rule>"));
    EXPECT_NE(canonical("<Rule><ID>x</ID><Filter><Prefix> logs/</Prefix></Filter></Rule>"),
              canonical("<Rule><ID>x</ID><Filter><Prefix>logs/</Prefix></Filter></Rule>"));
}

// --------------------------------------------------------------------- refusals

struct Refusal {
    const char* name;
    std::string xml;
};

void PrintTo(const Refusal& refusal, std::ostream* os) { *os << refusal.name; }

class LifecycleXmlRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(LifecycleXmlRefusalTest, IsUnfaithful) {
    EXPECT_THROW((void)s3::parse_lifecycle_configuration(GetParam().xml), LifecycleUnfaithful)
        << GetParam().xml;
}

std::string deep_rule(int depth) {
    std::string open;
    std::string close;
    for (int i = 0; i < depth; ++i) {
        open += "<A>";
        close = "</A>" + close;
    }
    return "<Rule><ID>deep</ID>" + open + close + "</Rule>";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LifecycleXmlRefusalTest,
    ::testing::Values(
        Refusal{"another_root", "<ListBucketResult><Rule/></ListBucketResult>"},
        Refusal{"html_page", "<html><body>proxy</body></html>"},
        Refusal{"another_namespace", R"(<LifecycleConfiguration xmlns="http://example.com/">)" +
                                         kLogsExpiration + kClosing},
        Refusal{"attribute_on_root",
                R"(<LifecycleConfiguration owner="me">)" + kLogsExpiration + kClosing},
        Refusal{"prefix_declared_on_root",
                R"(<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/" )"
                R"(xmlns:x="urn:x"><Rule><ID>a</ID><x:Note>n</x:Note></Rule>)" +
                    kClosing},
        Refusal{"prefix_declared_on_rule",
                configuration(R"(<Rule xmlns:x="urn:x"><ID>a</ID></Rule>)")},
        Refusal{"prefixed_element", configuration("<Rule><ID>a</ID><x:Note/></Rule>")},
        Refusal{"prefixed_attribute", configuration(R"(<Rule xml:lang="en"><ID>a</ID></Rule>)")},
        Refusal{"text_beside_rules", configuration("junk" + kLogsExpiration)},
        Refusal{"element_beside_rules", configuration("<Owner/>" + kLogsExpiration)},
        Refusal{"processing_instruction_in_rule",
                configuration("<Rule><ID>a</ID><?app keep?></Rule>")},
        Refusal{"processing_instruction_beside_rules", configuration("<?app keep?>")},
        Refusal{"processing_instruction_at_top",
                "<?app keep?><LifecycleConfiguration>" + kLogsExpiration + kClosing},
        Refusal{"doctype", R"(<?xml version="1.0" encoding="UTF-8"?>)"
                           R"(<!DOCTYPE LifecycleConfiguration [<!ENTITY e "x">]>)"
                           "<LifecycleConfiguration>" +
                               kLogsExpiration + kClosing},
        Refusal{"other_encoding",
                R"(<?xml version="1.0" encoding="ISO-8859-1"?><LifecycleConfiguration>)" +
                    kLogsExpiration + kClosing},
        Refusal{"duplicate_id", configuration(kLogsExpiration + kLogsExpiration)},
        Refusal{"two_ids_in_a_rule", configuration("<Rule><ID>a</ID><ID>b</ID></Rule>")},
        Refusal{"control_character",
                configuration("<Rule><ID>a</ID><Filter><Prefix>a&#1;b/</Prefix></Filter></Rule>")},
        Refusal{"carriage_return",
                configuration("<Rule><ID>a</ID><Filter><Prefix>a&#13;b/</Prefix></Filter></Rule>")},
        Refusal{"tab_in_attribute", configuration(R"(<Rule a="x&#9;y"><ID>a</ID></Rule>)")},
        Refusal{"nested_too_deep", configuration(deep_rule(40))}),
    [](const ::testing::TestParamInfo<Refusal>& test) { return std::string(test.param.name); });

TEST(LifecycleXml, NotXmlIsAParseError) {
    for (const char* text : {"", "not xml", "<LifecycleConfiguration><Rule>",
                             "<LifecycleConfiguration><Rule></Filter></LifecycleConfiguration>"}) {
        SCOPED_TRACE(text);
        EXPECT_THROW((void)s3::parse_lifecycle_configuration(text), XmlParseError);
    }
}

TEST(LifecycleXml, TwoRootsAreRefused) {
    const std::string two = configuration(kLogsExpiration) + configuration(kTaggedTransition);
    bool refused = false;
    try {
        (void)s3::parse_lifecycle_configuration(two);
    } catch (const LifecycleUnfaithful&) {
        refused = true;
    } catch (const XmlParseError&) {
        refused = true;
    }
    EXPECT_TRUE(refused);
}

TEST(LifecycleXml, AConfigurationWithoutRulesIsNeverRendered) {
    EXPECT_THROW((void)s3::render_lifecycle_configuration({}), std::invalid_argument);
}

// -------------------------------------------------------------------- owned rules

const OwnedRule kOwned{"sites/d1/", at("2026-11-20T14:03:00Z"), false};
const std::string kOwnedId = "s3-cleanup:20261120T140300Z:71284eb63dcf";
const std::string kOwnedXml =
    "<Rule><ID>s3-cleanup:20261120T140300Z:71284eb63dcf</ID><Filter><Prefix>sites/d1/</Prefix>"
    "</Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"
    "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
    "</AbortIncompleteMultipartUpload></Rule>";

TEST(LifecycleXmlOwned, IdIsTimeAndPrefixHash) {
    EXPECT_EQ(s3::owned_rule_id(kOwned), kOwnedId);
    EXPECT_EQ(s3::owned_rule_id({"sites/d10/", at("2026-11-20T14:03:00Z"), false}),
              "s3-cleanup:20261120T140300Z:162490adc243");
    // Whole seconds: a fraction does not change the ID.
    EXPECT_EQ(s3::owned_rule_id({"sites/d1/", at("2026-11-20T14:03:00.999Z"), true}), kOwnedId);
    EXPECT_EQ(kOwnedId.rfind(s3::kOwnedRuleIdPrefix, 0), 0u);
    EXPECT_LE(kOwnedId.size(), s3::kLifecycleRuleIdMaxChars);
}

TEST(LifecycleXmlOwned, RenderedExactly) {
    const auto rule = s3::render_owned_rule(kOwned);
    EXPECT_EQ(rule.id, kOwnedId);
    EXPECT_EQ(rule.xml, kOwnedXml);
    EXPECT_EQ(rule.canonical, canonical(kOwnedXml));

    OwnedRule versioned = kOwned;
    versioned.noncurrent = true;
    EXPECT_EQ(s3::render_owned_rule(versioned).xml,
              "<Rule><ID>s3-cleanup:20261120T140300Z:71284eb63dcf</ID><Filter><Prefix>sites/d1/"
              "</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"
              "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
              "</NoncurrentVersionExpiration><AbortIncompleteMultipartUpload>"
              "<DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
              "</Rule>");
}

TEST(LifecycleXmlOwned, PrefixIsEscaped) {
    const auto rule = s3::render_owned_rule({"a&b<c>/", at("2026-11-20T14:03:00Z"), false});
    EXPECT_EQ(rule.id, "s3-cleanup:20261120T140300Z:57e3a6841143");
    EXPECT_NE(rule.xml.find("<Prefix>a&amp;b&lt;c&gt;/</Prefix>"), std::string::npos) << rule.xml;
    const auto back = s3::parse_owned_rule(rule);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->prefix, "a&b<c>/");
}

TEST(LifecycleXmlOwned, PrefixesThatAreNeverWritten) {
    for (const std::string& prefix : {std::string("a\x01"
                                                  "b/"),
                                      std::string(), std::string("d1"), std::string("d1/\r")}) {
        SCOPED_TRACE(prefix);
        EXPECT_THROW((void)s3::render_owned_rule({prefix, at("2026-11-20T14:03:00Z"), false}),
                     std::invalid_argument);
    }
}

TEST(LifecycleXmlOwned, ParsedBackAsWritten) {
    for (const bool noncurrent : {false, true}) {
        OwnedRule written = kOwned;
        written.noncurrent = noncurrent;
        const auto back = s3::parse_owned_rule(s3::render_owned_rule(written));
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(back->prefix, written.prefix);
        EXPECT_EQ(back->created, written.created);
        EXPECT_EQ(back->noncurrent, noncurrent);
    }
}

TEST(LifecycleXmlOwned, RecognisedAfterAWriteAndARead) {
    // The server may lay the rule out and order its elements its own way.
    const std::string reordered =
        "<Rule>\n  <Status>Enabled</Status>\n  <ID>s3-cleanup:20261120T140300Z:71284eb63dcf</ID>\n"
        "  <AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
        "</AbortIncompleteMultipartUpload>\n  <Filter><Prefix>sites/d1/</Prefix></Filter>\n"
        "  <Expiration><Days>1</Days></Expiration>\n</Rule>";
    const auto rules =
        s3::parse_lifecycle_configuration(configuration(kLogsExpiration + reordered));
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_FALSE(s3::parse_owned_rule(rules[0]).has_value());  // foreign
    const auto owned = s3::parse_owned_rule(rules[1]);
    ASSERT_TRUE(owned.has_value());
    EXPECT_EQ(owned->prefix, "sites/d1/");
    EXPECT_EQ(owned->created, kOwned.created);
    EXPECT_FALSE(owned->noncurrent);
    EXPECT_EQ(rules[1].canonical, s3::render_owned_rule(kOwned).canonical);
}

// kOwnedXml with one piece of text replaced, read as from a server.
std::optional<OwnedRule> parse_edited(const std::string& from, const std::string& to) {
    std::string text = kOwnedXml;
    const auto at_from = text.find(from);
    EXPECT_NE(at_from, std::string::npos) << from;
    text.replace(at_from, from.size(), to);
    return s3::parse_owned_rule(only_rule(text));
}

TEST(LifecycleXmlOwned, AnEditedRuleIsNotOurs) {
    EXPECT_TRUE(parse_edited("<Days>1</Days>", "<Days>1</Days>").has_value());  // control
    EXPECT_FALSE(parse_edited("<Days>1</Days>", "<Days>30</Days>").has_value());
    EXPECT_FALSE(parse_edited("Enabled", "Disabled").has_value());
    EXPECT_FALSE(parse_edited("<DaysAfterInitiation>1", "<DaysAfterInitiation>2").has_value());
    EXPECT_FALSE(parse_edited("<AbortIncompleteMultipartUpload><DaysAfterInitiation>1"
                              "</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
                              "")
                     .has_value());
    EXPECT_FALSE(parse_edited("</Expiration>",
                              "</Expiration><Transition><Days>1</Days>"
                              "<StorageClass>GLACIER</StorageClass></Transition>")
                     .has_value());
    EXPECT_FALSE(parse_edited("<Filter><Prefix>sites/d1/</Prefix></Filter>",
                              "<Filter><And><Prefix>sites/d1/</Prefix></And></Filter>")
                     .has_value());
    EXPECT_FALSE(parse_edited("<Rule>", R"(<Rule note="x">)").has_value());
    // The prefix changed under the same ID: the hash tells.
    EXPECT_FALSE(parse_edited("sites/d1/", "sites/d10/").has_value());
    EXPECT_FALSE(parse_edited("<Prefix>sites/d1/", "<Prefix> sites/d1/").has_value());
    // IDs not of the owned form.
    EXPECT_FALSE(parse_edited("71284eb63dcf", "71284eb63dce").has_value());
    EXPECT_FALSE(parse_edited("71284eb63dcf", "71284EB63DCF").has_value());
    EXPECT_FALSE(parse_edited("20261120T140300Z", "20261320T140300Z").has_value());
    EXPECT_FALSE(parse_edited("20261120T140300Z", "20261120t140300z").has_value());
    EXPECT_FALSE(parse_edited(":71284eb63dcf", "-71284eb63dcf").has_value());
    EXPECT_FALSE(parse_edited("71284eb63dcf<", "71284eb63dcf0<").has_value());
}

TEST(LifecycleXmlOwned, ForeignIdsAreNotOwned) {
    EXPECT_FALSE(s3::parse_owned_rule(only_rule(kLogsExpiration)).has_value());
    EXPECT_FALSE(
        s3::parse_owned_rule(only_rule("<Rule><Status>Enabled</Status></Rule>")).has_value());
}

TEST(LifecycleXmlOwned, InconsistentFieldsAreNotOwned) {
    auto rule = s3::render_owned_rule(kOwned);
    rule.canonical = canonical(kLogsExpiration);
    EXPECT_FALSE(s3::parse_owned_rule(rule).has_value());
    rule = s3::render_owned_rule(kOwned);
    rule.xml = "not xml";
    EXPECT_FALSE(s3::parse_owned_rule(rule).has_value());
}

}  // namespace
