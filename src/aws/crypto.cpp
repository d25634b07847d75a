#include "aws/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

namespace aws::crypto {

namespace {

// libcrypto wants a non-null pointer even for zero-length input.
const unsigned char* bytes_of(std::string_view s) {
    static const unsigned char kEmpty = 0;
    return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

int checked_int(std::size_t n, const char* what) {
    if (n > static_cast<std::size_t>(INT_MAX)) {
        throw std::runtime_error(std::string("crypto: ") + what + " too large");
    }
    return static_cast<int>(n);
}

std::string digest(const EVP_MD* md, std::string_view data, const char* name) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_len = 0;
    if (md == nullptr || EVP_Digest(bytes_of(data), data.size(), out, &out_len, md, nullptr) != 1) {
        throw std::runtime_error(std::string("crypto: ") + name + " failed");
    }
    return {reinterpret_cast<const char*>(out), out_len};
}

}  // namespace

std::string sha256(std::string_view data) { return digest(EVP_sha256(), data, "SHA-256"); }

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_len = 0;
    if (HMAC(EVP_sha256(), bytes_of(key), checked_int(key.size(), "HMAC key"), bytes_of(data),
             data.size(), out, &out_len) == nullptr) {
        throw std::runtime_error("crypto: HMAC-SHA256 failed");
    }
    return {reinterpret_cast<const char*>(out), out_len};
}

std::string md5_base64(std::string_view data) { return base64(digest(EVP_md5(), data, "MD5")); }

std::string base64(std::string_view bytes) {
    const int in_len = checked_int(bytes.size(), "base64 input");
    // 4 output characters per started 3-byte group, plus the NUL EVP_EncodeBlock writes.
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes), in_len);
    if (n < 0) {
        throw std::runtime_error("crypto: base64 failed");
    }
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0F]);
    }
    return out;
}

}  // namespace aws::crypto
