// The error document of the services that answer in the <ErrorResponse> shape
// (STS and the other query-protocol services, CloudFront):
//   <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
// (or with <Errors> around the <Error>, as some servers answer)
// S3 has a shape of its own (s3/xml.hpp, parse_error).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace aws {

struct ErrorResponse {
    std::string type;  // Sender or Receiver
    std::string code;
    std::string message;
    std::string request_id;
};

// nullopt when xml is not XML, or not an <ErrorResponse>.
std::optional<ErrorResponse> parse_error_response(std::string_view xml);

}  // namespace aws
