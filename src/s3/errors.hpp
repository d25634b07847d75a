// S3's side of the error table: its own codes, looked up before the core
// codes every AWS service shares (aws/error.hpp), and the error of an answer
// that carries no S3 error document.
#pragma once

#include <string>
#include <string_view>

#include "aws/error.hpp"

namespace s3 {

// S3's codes, then the core table, then the HTTP status.
aws::ErrorKind classify(std::string_view code, long http_status);

// An HTTP error status whose body is no S3 error document: often no S3
// at all (a web server, a captive portal, a proxy's error page), so the
// message says what answered and asks whether the endpoint is S3.
// content_type as the answer's header said; empty when it had none.
aws::ServiceError error_without_document(long http_status, const std::string& content_type,
                                         bool empty_body, const std::string& endpoint,
                                         std::string request_id, std::string request);

}  // namespace s3
