#include "aws/error_response.hpp"

#include <pugixml.hpp>

namespace aws {

std::optional<ErrorResponse> parse_error_response(std::string_view xml) {
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
    auto root = doc.child("ErrorResponse");
    if (!root) return std::nullopt;
    // Some servers nest it once more, as the EC2 query protocol does
    // (<ErrorResponse><Errors><Error>): the same error, read the same way.
    auto error = root.child("Error") ? root.child("Error") : root.child("Errors").child("Error");
    ErrorResponse out;
    out.type = error.child_value("Type");
    out.code = error.child_value("Code");
    out.message = error.child_value("Message");
    out.request_id = root.child_value("RequestId");
    return out;
}

}  // namespace aws
