// Unit tests for src/aws/url_encoding.hpp: the one percent-encoder and its
// decoders, RFC 3986 style (SigV4 queries) and form style (S3 listings).
#include "aws/url_encoding.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace {

TEST(UriEncode, UnreservedKeptEverythingElseUpperHex) {
    const std::string unreserved =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    EXPECT_EQ(aws::uri_encode(unreserved, true), unreserved);
    EXPECT_EQ(aws::uri_encode("a b+c=d&e%f$g", true), "a%20b%2Bc%3Dd%26e%25f%24g");
    EXPECT_EQ(aws::uri_encode("\xE1\x88\xB4", true), "%E1%88%B4");
    EXPECT_EQ(aws::uri_encode("/bucket/deploy 1/x", false), "/bucket/deploy%201/x");
    EXPECT_EQ(aws::uri_encode("/bucket/deploy 1/x", true), "%2Fbucket%2Fdeploy%201%2Fx");
    EXPECT_EQ(aws::uri_encode("", false), "");
}

TEST(FormEncode, EncodesBothSidesAndJoins) {
    EXPECT_EQ(aws::form_encode({}), "");
    EXPECT_EQ(aws::form_encode({{"list-type", "2"}, {"prefix", "a/b c"}, {"versions", ""}}),
              "list-type=2&prefix=a%2Fb%20c&versions=");
    EXPECT_EQ(aws::form_encode({{"Action", "AssumeRole"}, {"RoleSessionName", "a+b=c&d"}}),
              "Action=AssumeRole&RoleSessionName=a%2Bb%3Dc%26d");
    EXPECT_EQ(aws::form_encode({{"k y", "\xC3\xA9"}}), "k%20y=%C3%A9");
}

TEST(PercentDecode, PlusIsAPlus) {
    EXPECT_EQ(aws::percent_decode("a+b"), "a+b");
    EXPECT_EQ(aws::percent_decode("a%20b%2Bc"), "a b+c");
    EXPECT_EQ(aws::percent_decode("%e1%88%B4"), "\xE1\x88\xB4");
    EXPECT_EQ(aws::percent_decode("100%"), "100%");
    EXPECT_EQ(aws::percent_decode("%zz%4"), "%zz%4");
    EXPECT_EQ(aws::percent_decode("%2541"), "%41");  // once only
}

TEST(PercentDecode, UndoesUriEncode) {
    const std::string raw = "deploy 1/caf\xC3\xA9+x=y&z%~";
    EXPECT_EQ(aws::percent_decode(aws::uri_encode(raw, true)), raw);
    EXPECT_EQ(aws::form_decode(aws::uri_encode(raw, true)), raw);
}

struct FormDecodeCase {
    std::string input;
    std::string expected;
};

void PrintTo(const FormDecodeCase& c, std::ostream* os) {
    *os << ::testing::PrintToString(c.input) << " -> " << ::testing::PrintToString(c.expected);
}

class FormDecodeTest : public ::testing::TestWithParam<FormDecodeCase> {};

TEST_P(FormDecodeTest, Decodes) {
    const auto& c = GetParam();
    EXPECT_EQ(aws::form_decode(c.input), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormDecodeTest,
    ::testing::Values(FormDecodeCase{"", ""}, FormDecodeCase{"plain", "plain"},
                      FormDecodeCase{"a%20b", "a b"}, FormDecodeCase{"a%2Bb", "a+b"},
                      FormDecodeCase{"a%2bb", "a+b"},
                      // Form style (S3's encoding-type=url since 34b5b1b): a raw '+'
                      // is a space and a literal '+' always arrives as %2B.
                      FormDecodeCase{"a+b", "a b"}, FormDecodeCase{"+%2B+", " + "},
                      FormDecodeCase{"dir%2Ffile", "dir/file"}, FormDecodeCase{"%01", "\x01"},
                      FormDecodeCase{"%00", std::string(1, '\0')},
                      FormDecodeCase{"caf%C3%A9", "caf\xC3\xA9"}, FormDecodeCase{"%", "%"},
                      FormDecodeCase{"%4", "%4"}, FormDecodeCase{"a%4", "a%4"},
                      FormDecodeCase{"%zz", "%zz"}, FormDecodeCase{"%4g", "%4g"},
                      FormDecodeCase{"%g4", "%g4"}, FormDecodeCase{"100%", "100%"},
                      FormDecodeCase{"%%41", "%A"}, FormDecodeCase{"%2541", "%41"},  // once only
                      FormDecodeCase{"%41%42%43", "ABC"}, FormDecodeCase{"%FF", "\xFF"}));

}  // namespace
