#include "retention/object_list.hpp"

namespace retention {

void ObjectList::add(std::string_view key, std::uint64_t size) {
    keys_.append(key);
    ends_.push_back(keys_.size());
    sizes_.push_back(size);
}

std::string_view ObjectList::key(std::size_t index) const {
    const std::uint64_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(keys_).substr(begin, ends_[index] - begin);
}

void ObjectList::shrink_to_fit() {
    keys_.shrink_to_fit();
    ends_.shrink_to_fit();
    sizes_.shrink_to_fit();
}

void ObjectList::release() {
    std::string().swap(keys_);
    std::vector<std::uint64_t>().swap(ends_);
    std::vector<std::uint64_t>().swap(sizes_);
}

}  // namespace retention
