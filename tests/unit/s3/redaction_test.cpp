// Unit tests for src/s3/redaction.hpp. The registry is process-wide, so every
// test registers strings of its own that no other test uses.
#include "s3/redaction.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(Redaction, AccessKeyKeepsItsFirstFourCharacters) {
    s3::register_access_key("AKIAREDACTTEST0001");
    EXPECT_EQ(s3::redact("signing with AKIAREDACTTEST0001 now"), "signing with AKIA**** now");
}

TEST(Redaction, SecretIsReplacedWhole) {
    s3::register_secret("wJalrXUtnFEMI/REDACTTEST/0002");
    EXPECT_EQ(s3::redact("secret=wJalrXUtnFEMI/REDACTTEST/0002;"), "secret=****;");
}

TEST(Redaction, EveryOccurrence) {
    s3::register_secret("Qv7xTokRedact0003");
    s3::register_access_key("ASIAQV7XREDACT0003");
    EXPECT_EQ(s3::redact("Qv7xTokRedact0003 ASIAQV7XREDACT0003 Qv7xTokRedact0003Qv7xTokRedact0003 "
                         "ASIAQV7XREDACT0003"),
              "**** ASIA**** ******** ASIA****");
}

TEST(Redaction, ShortStringsAreIgnored) {
    s3::register_secret("zq7");
    s3::register_access_key("zq8");
    s3::register_secret("");
    EXPECT_EQ(s3::redact("zq7 zq8 ok"), "zq7 zq8 ok");
    // Four characters is long enough.
    s3::register_secret("zq9x");
    EXPECT_EQ(s3::redact("a zq9x b"), "a **** b");
}

TEST(Redaction, TextWithoutSecretsIsUnchanged) {
    s3::register_secret("NEVERPRINTED0005");
    const std::string text = "GET 127.0.0.1:9000 /site/?list-type=2 -> 200 id=4F2A 12ms attempt 1";
    EXPECT_EQ(s3::redact(text), text);
    EXPECT_EQ(s3::redact(""), "");
}

TEST(Redaction, RegisteringTwiceIsHarmless) {
    s3::register_secret("TWICEREDACT0006");
    s3::register_secret("TWICEREDACT0006");
    EXPECT_EQ(s3::redact("x TWICEREDACT0006 y"), "x **** y");
}

TEST(Redaction, AccessKeyReplacementContainingTheKeyDoesNotLoop) {
    s3::register_access_key("zqAK");  // replaced by "zqAK****", which holds it again
    EXPECT_EQ(s3::redact("zqAK zqAK"), "zqAK**** zqAK****");
}

// A secret may contain a string registered before it (here an access key id
// inside a longer token): the longer one must be hidden whole, not only the
// shorter one inside it.
TEST(Redaction, SecretContainingAnEarlierRegisteredStringIsStillHiddenWhole) {
    s3::register_access_key("ASIAOVERLAP00007");
    s3::register_secret("tokenprefix-ASIAOVERLAP00007-tokensuffix");
    const std::string out = s3::redact("token tokenprefix-ASIAOVERLAP00007-tokensuffix");
    EXPECT_EQ(out, "token ****");
    EXPECT_EQ(out.find("tokenprefix"), std::string::npos) << out;
    EXPECT_EQ(out.find("tokensuffix"), std::string::npos) << out;
}

}  // namespace
