#include "retention/inventory.hpp"

#include <stdexcept>

namespace retention {

namespace {

TimePoint last_modified(const s3::ObjectEntry& entry, const std::string& bucket) {
    auto when = s3::parse_timestamp(entry.last_modified);
    if (!when) {
        throw s3::S3Error(
            s3::ErrorKind::kBadResponse, 200, "",
            "unreadable LastModified '" + entry.last_modified + "' for key '" + entry.key + "'", "",
            "GET s3://" + bucket + "/?list-type=2");
    }
    return *when;
}

}  // namespace

Deployment list_deployment(s3::Client& client, const std::string& name, const std::string& prefix) {
    Deployment deployment;
    deployment.name = name;
    deployment.prefix = prefix;
    std::string token;
    bool first = true;
    do {
        auto page = client.list_objects_v2(prefix, "", token);
        for (auto& entry : page.objects) {
            // The listing was by prefix; a key outside it would be a server bug,
            // and deleting it would be ours. Refuse it here already.
            if (entry.key.compare(0, prefix.size(), prefix) != 0) {
                throw s3::S3Error(
                    s3::ErrorKind::kBadResponse, 200, "",
                    "listing of '" + prefix + "' returned key '" + entry.key + "' outside it", "",
                    "GET s3://" + client.config().bucket + "/?list-type=2");
            }
            TimePoint when = last_modified(entry, client.config().bucket);
            if (first || when > deployment.newest) deployment.newest = when;
            if (first || when < deployment.oldest) deployment.oldest = when;
            first = false;
            ++deployment.objects;
            deployment.bytes += entry.size;
            deployment.contents.push_back({std::move(entry.key), entry.size});
        }
        token = page.is_truncated ? page.next_continuation_token : std::string();
    } while (!token.empty());
    return deployment;
}

Inventory take_inventory(s3::Client& client, const std::string& root) {
    Inventory inventory;
    std::vector<std::string> folders;
    std::string token;
    do {
        auto page = client.list_objects_v2(root, "/", token);
        inventory.root_objects += page.objects.size();
        for (auto& prefix : page.common_prefixes) folders.push_back(std::move(prefix));
        token = page.is_truncated ? page.next_continuation_token : std::string();
    } while (!token.empty());

    for (const auto& folder : folders) {
        // A common prefix is ROOT + NAME + "/"; anything else is not a folder of ours.
        if (folder.size() <= root.size() + 1 || folder.compare(0, root.size(), root) != 0 ||
            folder.back() != '/') {
            continue;
        }
        std::string name = folder.substr(root.size(), folder.size() - root.size() - 1);
        if (name.find('/') != std::string::npos) continue;
        Deployment deployment = list_deployment(client, name, folder);
        // No current objects (only delete markers or noncurrent versions): not a deployment.
        if (deployment.objects == 0) continue;
        inventory.deployments.push_back(std::move(deployment));
    }
    return inventory;
}

}  // namespace retention
