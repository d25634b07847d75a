#include "cloudfront/distribution_xml.hpp"

#include <pugixml.hpp>

namespace cloudfront {

DistributionConfig parse_distribution_config(std::string_view xml) {
    pugi::xml_document doc;
    const auto loaded =
        doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!loaded) {
        throw DistributionXmlError{std::string("GetDistributionConfig: malformed XML (") +
                                   loaded.description() + " at offset " +
                                   std::to_string(loaded.offset) + ")"};
    }
    const auto root = doc.child("DistributionConfig");
    if (!root) {
        throw DistributionXmlError{"GetDistributionConfig: no DistributionConfig element"};
    }
    DistributionConfig config;
    for (const auto origin : root.child("Origins").child("Items").children("Origin")) {
        Origin parsed{origin.child_value("Id"), origin.child_value("DomainName"),
                      origin.child_value("OriginPath")};
        if (parsed.domain_name.empty()) {
            throw DistributionXmlError{"GetDistributionConfig: origin '" + parsed.id +
                                       "' has no DomainName"};
        }
        config.origins.push_back(std::move(parsed));
    }
    return config;
}

}  // namespace cloudfront
