// The hashes SigV4 and S3 need, from OpenSSL libcrypto.
#pragma once

#include <string>
#include <string_view>

namespace aws::crypto {

// All functions take and return byte strings (std::string as a byte buffer; embedded NULs are
// fine) and throw std::runtime_error if libcrypto reports a failure.
std::string sha256(std::string_view data);                             // raw 32 bytes
std::string sha256_hex(std::string_view data);                         // lower-case hex
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string md5_base64(std::string_view data);                         // for Content-MD5
std::string base64(std::string_view bytes);                            // RFC 4648, padded
std::string hex(std::string_view bytes);                               // lower-case

}  // namespace aws::crypto
