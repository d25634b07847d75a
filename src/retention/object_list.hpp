// The objects listed under one deployment, stored compactly: every key back
// to back in one buffer. A bucket of a million objects must plan and delete
// in well under 100 MiB, and a std::string per key costs twice the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace retention {

class ObjectList {
public:
    void add(std::string_view key, std::uint64_t size);
    [[nodiscard]] std::size_t size() const { return sizes_.size(); }
    [[nodiscard]] bool empty() const { return sizes_.empty(); }
    [[nodiscard]] std::string_view key(std::size_t index) const;
    [[nodiscard]] std::uint64_t object_size(std::size_t index) const { return sizes_[index]; }
    // Gives back spare capacity once the listing is complete.
    void shrink_to_fit();
    // Drops every entry and its memory (kept deployments need none after planning).
    void release();

private:
    std::string keys_;
    std::vector<std::uint64_t> ends_;  // end offset of each key in keys_
    std::vector<std::uint64_t> sizes_;
};

}  // namespace retention
