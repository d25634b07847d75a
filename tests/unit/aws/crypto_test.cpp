#include "aws/crypto.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using aws::crypto::base64;
using aws::crypto::hex;
using aws::crypto::hmac_sha256;
using aws::crypto::md5_base64;
using aws::crypto::sha256;
using aws::crypto::sha256_hex;

// FIPS 180-2 / NIST examples.
TEST(CryptoSha256, EmptyString) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoSha256, Abc) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoSha256, RawDigestIs32BytesAndMatchesHex) {
    const std::string raw = sha256("abc");
    ASSERT_EQ(raw.size(), 32u);
    EXPECT_EQ(hex(raw), sha256_hex("abc"));
}

TEST(CryptoSha256, EmbeddedNulIsHashed) {
    // One NUL byte: must not be treated as an empty C string.
    EXPECT_EQ(sha256_hex(std::string(1, '\0')),
              "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

// RFC 4231, test case 1.
TEST(CryptoHmacSha256, Rfc4231Case1) {
    EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231, test case 2: key shorter than the block.
TEST(CryptoHmacSha256, Rfc4231Case2) {
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231, test case 6: key longer than the block (hashed first).
TEST(CryptoHmacSha256, Rfc4231Case6) {
    EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                              "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoHmacSha256, EmptyKeyAndData) {
    EXPECT_EQ(hex(hmac_sha256("", "")),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoMd5Base64, EmptyString) {
    // MD5("") = d41d8cd98f00b204e9800998ecf8427e (RFC 1321). Note: the value sometimes quoted,
    // "1B2M2Y8AsgTPgPEvXJOgTw==", is wrong: it decodes to d41d8cd98f00b204cf80f12f5c93a04f.
    EXPECT_EQ(md5_base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(CryptoMd5Base64, Abc) {
    // MD5("abc") = 900150983cd24fb0d6963f7d28e17f72 (RFC 1321).
    EXPECT_EQ(md5_base64("abc"), "kAFQmDzST7DWlj99KOF/cg==");
}

// RFC 4648, section 10.
TEST(CryptoBase64, Rfc4648Vectors) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(CryptoBase64, BinaryBytes) { EXPECT_EQ(base64(std::string("\x00\xff\xfe", 3)), "AP/+"); }

TEST(CryptoHex, LowerCaseTwoDigitsPerByte) {
    EXPECT_EQ(hex(""), "");
    EXPECT_EQ(hex(std::string("\x00\x0f\xa5\xff", 4)), "000fa5ff");
}

}  // namespace
