#include "aws/clock_skew.hpp"

#include <array>

#include "aws/error.hpp"

namespace aws {

namespace {

// The codes with which AWS services refuse a signature's time (the list of
// aws-sdk-js-v3's CLOCK_SKEW_ERROR_CODES). STS says SignatureDoesNotMatch
// ("Signature expired"): a wrong key says it too, but then the Date agrees
// with ours and nothing is corrected.
constexpr std::array<std::string_view, 6> kTimeErrorCodes{
    "RequestTimeTooSkewed", "RequestExpired",        "InvalidSignatureException",
    "RequestInTheFuture",   "SignatureDoesNotMatch", "AuthFailure"};

}  // namespace

bool ClockSkew::is_time_error(std::string_view code) {
    for (const auto time_code : kTimeErrorCodes) {
        if (code == time_code) return true;
    }
    return false;
}

std::chrono::milliseconds ClockSkew::offset() const {
    return std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
}

std::optional<std::chrono::milliseconds> ClockSkew::correct(const ServiceError& error,
                                                            WallTime local_now) {
    if (!error.server_time || !is_time_error(error.code)) return std::nullopt;
    const auto local = std::chrono::time_point_cast<std::chrono::milliseconds>(local_now);
    const auto off_by = *error.server_time - (local + offset());
    if (off_by < kThreshold && off_by > -kThreshold) return std::nullopt;
    const auto adopted = *error.server_time - local;
    offset_ms_.store(adopted.count(), std::memory_order_relaxed);
    return adopted;
}

}  // namespace aws
