// Unit tests for src/aws/redaction.hpp. The registry is process-wide, so every
// test registers strings of its own that no other test uses.
#include "aws/redaction.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(Redaction, AccessKeyKeepsItsFirstFourCharacters) {
    aws::register_access_key("AKIAREDACTTEST0001");
    EXPECT_EQ(aws::redact("signing with AKIAREDACTTEST0001 now"), "signing with AKIA**** now");
}

TEST(Redaction, SecretIsReplacedWhole) {
    aws::register_secret("wJalrXUtnFEMI/REDACTTEST/0002");
    EXPECT_EQ(aws::redact("secret=wJalrXUtnFEMI/REDACTTEST/0002;"), "secret=****;");
}

TEST(Redaction, EveryOccurrence) {
    aws::register_secret("Qv7xTokRedact0003");
    aws::register_access_key("ASIAQV7XREDACT0003");
    EXPECT_EQ(aws::redact("Qv7xTokRedact0003 ASIAQV7XREDACT0003 Qv7xTokRedact0003Qv7xTokRedact0003 "
                          "ASIAQV7XREDACT0003"),
              "**** ASIA**** ******** ASIA****");
}

TEST(Redaction, ShortStringsAreIgnored) {
    aws::register_secret("zq7");
    aws::register_access_key("zq8");
    aws::register_secret("");
    EXPECT_EQ(aws::redact("zq7 zq8 ok"), "zq7 zq8 ok");
    // Four characters is long enough.
    aws::register_secret("zq9x");
    EXPECT_EQ(aws::redact("a zq9x b"), "a **** b");
}

TEST(Redaction, TextWithoutSecretsIsUnchanged) {
    aws::register_secret("NEVERPRINTED0005");
    const std::string text = "GET 127.0.0.1:9000 /site/?list-type=2 -> 200 id=4F2A 12ms attempt 1";
    EXPECT_EQ(aws::redact(text), text);
    EXPECT_EQ(aws::redact(""), "");
}

TEST(Redaction, RegisteringTwiceIsHarmless) {
    aws::register_secret("TWICEREDACT0006");
    aws::register_secret("TWICEREDACT0006");
    EXPECT_EQ(aws::redact("x TWICEREDACT0006 y"), "x **** y");
}

TEST(Redaction, AccessKeyReplacementContainingTheKeyDoesNotLoop) {
    aws::register_access_key("zqAK");  // replaced by "zqAK****", which holds it again
    EXPECT_EQ(aws::redact("zqAK zqAK"), "zqAK**** zqAK****");
}

// A secret may contain a string registered before it (here an access key id
// inside a longer token): the longer one must be hidden whole, not only the
// shorter one inside it.
TEST(Redaction, SecretContainingAnEarlierRegisteredStringIsStillHiddenWhole) {
    aws::register_access_key("ASIAOVERLAP00007");
    aws::register_secret("tokenprefix-ASIAOVERLAP00007-tokensuffix");
    const std::string out = aws::redact("token tokenprefix-ASIAOVERLAP00007-tokensuffix");
    EXPECT_EQ(out, "token ****");
    EXPECT_EQ(out.find("tokenprefix"), std::string::npos) << out;
    EXPECT_EQ(out.find("tokensuffix"), std::string::npos) << out;
}

}  // namespace
