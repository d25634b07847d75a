// GetDistributionConfig answers: every origin, origin groups' members included.
#include "cloudfront/distribution_xml.hpp"

#include <gtest/gtest.h>

namespace cloudfront {
namespace {

TEST(DistributionXml, EveryOriginWithItsPath) {
    const auto config = parse_distribution_config(
        R"(<?xml version="1.0" encoding="UTF-8"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
  <CallerReference>x</CallerReference>
  <Origins><Quantity>3</Quantity><Items>
    <Origin><Id>primary</Id><DomainName>site.s3.amazonaws.com</DomainName>
      <OriginPath>/d05</OriginPath></Origin>
    <Origin><Id>failover</Id><DomainName>site.s3.eu-west-1.amazonaws.com</DomainName>
      <OriginPath>/d07</OriginPath></Origin>
    <Origin><Id>api</Id><DomainName>api.example.com</DomainName><OriginPath/></Origin>
  </Items></Origins>
  <OriginGroups><Quantity>1</Quantity><Items><OriginGroup><Id>g</Id><Members>
    <Quantity>2</Quantity><Items><OriginGroupMember><OriginId>primary</OriginId>
    </OriginGroupMember><OriginGroupMember><OriginId>failover</OriginId></OriginGroupMember>
  </Items></Members></OriginGroup></Items></OriginGroups>
</DistributionConfig>)");
    ASSERT_EQ(config.origins.size(), 3u);
    EXPECT_EQ(config.origins[0].id, "primary");
    EXPECT_EQ(config.origins[0].domain_name, "site.s3.amazonaws.com");
    EXPECT_EQ(config.origins[0].origin_path, "/d05");
    EXPECT_EQ(config.origins[1].origin_path, "/d07");
    EXPECT_EQ(config.origins[2].origin_path, "");
}

TEST(DistributionXml, NoOriginsIsAnEmptyList) {
    EXPECT_TRUE(parse_distribution_config("<DistributionConfig><Origins><Quantity>0</Quantity>"
                                          "</Origins></DistributionConfig>")
                    .origins.empty());
}

TEST(DistributionXml, WhatIsNotADistributionConfigIsRefused) {
    EXPECT_THROW(parse_distribution_config("<html><body>502</body></html>"), DistributionXmlError);
    EXPECT_THROW(parse_distribution_config("<DistributionConfig><Origins>"), DistributionXmlError);
    EXPECT_THROW(parse_distribution_config("<DistributionConfig><Origins><Items><Origin><Id>a</Id>"
                                           "</Origin></Items></Origins></DistributionConfig>"),
                 DistributionXmlError);
}

}  // namespace
}  // namespace cloudfront
