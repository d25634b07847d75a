#include "s3/errors.hpp"

#include <array>

#include "s3/endpoint.hpp"

namespace s3 {

namespace {

using aws::CodeClass;
using aws::ErrorKind;

// S3 error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
constexpr std::array kS3Codes{
    CodeClass{"NoSuchBucket", ErrorKind::kNotFound},
    CodeClass{"NoSuchKey", ErrorKind::kNotFound},
    CodeClass{"NoSuchVersion", ErrorKind::kNotFound},
    // GetBucketLifecycleConfiguration of a bucket without one: an answer, not a failure.
    CodeClass{"NoSuchLifecycleConfiguration", ErrorKind::kNotFound},
    CodeClass{"AllAccessDisabled", ErrorKind::kAccessDenied},
    CodeClass{"AccountProblem", ErrorKind::kAccessDenied},
    CodeClass{"InvalidAccessKeyId", ErrorKind::kAuth},
    CodeClass{"InvalidToken", ErrorKind::kAuth},
    CodeClass{"TokenRefreshRequired", ErrorKind::kAuth},
    CodeClass{"AuthorizationHeaderMalformed", ErrorKind::kAuth},
    CodeClass{"MissingSecurityHeader", ErrorKind::kAuth},
    CodeClass{"InvalidBucketName", ErrorKind::kInvalid},
    CodeClass{"InvalidArgument", ErrorKind::kInvalid},
    CodeClass{"InvalidRequest", ErrorKind::kInvalid},
    CodeClass{"MalformedXML", ErrorKind::kInvalid},
    CodeClass{"InvalidDigest", ErrorKind::kInvalid},
    CodeClass{"BadDigest", ErrorKind::kInvalid},
    CodeClass{"PermanentRedirect", ErrorKind::kInvalid},
};

}  // namespace

aws::ErrorKind classify(std::string_view code, long http_status) {
    return aws::classify(code, http_status, kS3Codes);
}

aws::ServiceError error_without_document(long http_status, const std::string& content_type,
                                         bool empty_body, const std::string& endpoint,
                                         std::string request_id, std::string request) {
    // The media type only: its parameters (charset=...) say nothing about who answered.
    std::string media_type = content_type.substr(0, content_type.find(';'));
    while (!media_type.empty() && media_type.back() == ' ') media_type.pop_back();
    std::string message =
        "the endpoint answered HTTP " + std::to_string(http_status) + " with no S3 error document";
    if (!media_type.empty()) {
        message += " (" + media_type + ")";
    } else if (empty_body) {
        message += " (empty body)";
    }
    // S3 sends an error document with every 4xx it answers; a 5xx without one
    // is more likely a load balancer in front of S3 having a bad moment.
    if (http_status < 500) message += ": is " + endpoint + " an S3 endpoint?";
    return aws::ServiceError::status_in_message(kServiceId, classify("", http_status), http_status,
                                                std::move(message), std::move(request_id),
                                                std::move(request));
}

}  // namespace s3
