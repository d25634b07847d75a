#include "retention/object_list.hpp"

#include <algorithm>
#include <cstring>
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

std::size_t ObjectList::memory() const {
    return keys_.capacity() + version_ids_.capacity() +
           sizeof(std::uint64_t) *
               (ends_.capacity() + sizes_.capacity() + version_ends_.capacity()) +
           version_flags_.capacity();
}

namespace {

// The spill format: a header of counts, then each array's bytes as they lie
// in memory. The file is this process's own scratch space, read back only by
// it, so native byte order and no versioning are enough.
struct Header {
    std::uint64_t entries = 0;
    std::uint64_t key_bytes = 0;
    std::uint64_t versions = 0;  // 0, or entries for a list of versions
    std::uint64_t version_id_bytes = 0;
};

template <typename T>
void put_array(std::string& out, const std::vector<T>& values) {
    // An empty vector's data() may be null, which no byte-copying call may get.
    if (values.empty()) return;
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    std::string_view take(std::uint64_t count) {
        if (count > bytes_.size() - at_) throw std::runtime_error("spilled key list is truncated");
        const std::string_view out = bytes_.substr(at_, count);
        at_ += count;
        return out;
    }
    template <typename T>
    void array(std::vector<T>& values, std::uint64_t count) {
        if (count > (bytes_.size() - at_) / sizeof(T)) {
            throw std::runtime_error("spilled key list is truncated");
        }
        values.resize(count);
        const std::string_view raw = take(count * sizeof(T));
        if (!raw.empty()) std::memcpy(values.data(), raw.data(), raw.size());
    }
    [[nodiscard]] bool done() const { return at_ == bytes_.size(); }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

}  // namespace

void ObjectList::serialize(std::string& out) const {
    const Header header{sizes_.size(), keys_.size(), version_ends_.size(), version_ids_.size()};
    out.append(reinterpret_cast<const char*>(&header), sizeof header);
    out.append(keys_);
    put_array(out, ends_);
    put_array(out, sizes_);
    out.append(version_ids_);
    put_array(out, version_ends_);
    put_array(out, version_flags_);
}

ObjectList ObjectList::parse(std::string_view bytes) {
    Reader reader(bytes);
    Header header;
    const std::string_view raw = reader.take(sizeof header);
    std::memcpy(&header, raw.data(), sizeof header);
    ObjectList list;
    list.keys_ = reader.take(header.key_bytes);
    reader.array(list.ends_, header.entries);
    reader.array(list.sizes_, header.entries);
    list.version_ids_ = reader.take(header.version_id_bytes);
    reader.array(list.version_ends_, header.versions);
    reader.array(list.version_flags_, header.versions);
    const bool consistent =
        reader.done() && (header.versions == 0 || header.versions == header.entries) &&
        (list.ends_.empty() || list.ends_.back() == header.key_bytes) &&
        (list.version_ends_.empty() || list.version_ends_.back() == header.version_id_bytes) &&
        std::is_sorted(list.ends_.begin(), list.ends_.end()) &&
        std::is_sorted(list.version_ends_.begin(), list.version_ends_.end());
    if (!consistent) throw std::runtime_error("spilled key list is corrupt");
    return list;
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
