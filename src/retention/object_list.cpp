#include "retention/object_list.hpp"

#include <stdexcept>

namespace retention {

namespace {

constexpr std::uint8_t kDeleteMarker = 1;
constexpr std::uint8_t kLatest = 2;

}  // namespace

void ObjectList::add(std::string_view key, std::uint64_t size) {
    if (!version_ends_.empty()) {
        throw std::logic_error("ObjectList: a current object added to a list of versions");
    }
    append(key, size);
}

void ObjectList::append(std::string_view key, std::uint64_t size) {
    keys_.append(key);
    ends_.push_back(keys_.size());
    sizes_.push_back(size);
}

void ObjectList::add_version(std::string_view key, std::uint64_t size, std::string_view version_id,
                             bool delete_marker, bool latest) {
    // A list holds either current objects or versions, never both.
    if (version_ends_.size() != sizes_.size()) {
        throw std::logic_error("ObjectList: versions added to a list of current objects");
    }
    append(key, size);
    version_ids_.append(version_id);
    version_ends_.push_back(version_ids_.size());
    version_flags_.push_back(
        static_cast<std::uint8_t>((delete_marker ? kDeleteMarker : 0) | (latest ? kLatest : 0)));
}

std::string_view ObjectList::version_id(std::size_t index) const {
    if (version_ends_.empty()) return {};
    const std::uint64_t begin = index == 0 ? 0 : version_ends_[index - 1];
    return std::string_view(version_ids_).substr(begin, version_ends_[index] - begin);
}

bool ObjectList::is_delete_marker(std::size_t index) const {
    return !version_flags_.empty() && (version_flags_[index] & kDeleteMarker) != 0;
}

bool ObjectList::is_current_object(std::size_t index) const {
    if (version_flags_.empty()) return true;  // a list of current objects
    return version_flags_[index] == kLatest;
}

std::string_view ObjectList::key(std::size_t index) const {
    const std::uint64_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(keys_).substr(begin, ends_[index] - begin);
}

void ObjectList::shrink_to_fit() {
    keys_.shrink_to_fit();
    ends_.shrink_to_fit();
    sizes_.shrink_to_fit();
    version_ids_.shrink_to_fit();
    version_ends_.shrink_to_fit();
    version_flags_.shrink_to_fit();
}

void ObjectList::release() {
    std::string().swap(keys_);
    std::vector<std::uint64_t>().swap(ends_);
    std::vector<std::uint64_t>().swap(sizes_);
    std::string().swap(version_ids_);
    std::vector<std::uint64_t>().swap(version_ends_);
    std::vector<std::uint8_t>().swap(version_flags_);
}

}  // namespace retention
