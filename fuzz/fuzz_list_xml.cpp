// libFuzzer target: the S3 XML answers the client parses (ListObjectsV2,
// ListObjectVersions, GetBucketVersioning, DeleteObjects, error documents).
// Any input may be rejected with XmlParseError; nothing may crash, leak, trip a sanitizer or throw
// anything else.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "s3/xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view xml(reinterpret_cast<const char*>(data), size);
    try {
        (void)s3::parse_list_objects_v2(std::string(xml));  // parsed in place: a copy
    } catch (const s3::XmlParseError&) {
    }
    try {
        (void)s3::parse_list_object_versions(xml);
    } catch (const s3::XmlParseError&) {
    }
    try {
        (void)s3::parse_versioning_status(xml);
    } catch (const s3::XmlParseError&) {
    }
    try {
        (void)s3::parse_delete_result(xml);
    } catch (const s3::XmlParseError&) {
    }
    (void)s3::parse_error(xml);
    return 0;
}
