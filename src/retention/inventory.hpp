// Finds the deployments under a root: the folders of a Delimiter listing, then
// each folder's objects from listing exactly ROOT + NAME + "/".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "retention/deployment.hpp"
#include "s3/client.hpp"

namespace retention {

struct Inventory {
    std::vector<Deployment> deployments;
    std::uint64_t root_objects = 0;  // keys directly under the root: never deployments
};

// root is empty or ends with '/'.
Inventory take_inventory(s3::Client& client, const std::string& root);

// Lists every object under prefix into a Deployment (name given). A folder
// whose listing comes back empty has no current objects.
Deployment list_deployment(s3::Client& client, const std::string& name, const std::string& prefix);

}  // namespace retention
