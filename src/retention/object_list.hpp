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
    // A version (or delete marker) of key, to be deleted by its id.
    // latest: the version is the key's current one (IsLatest), so deleting it
    // removes the object (for a delete marker: the key is already gone).
    void add_version(std::string_view key, std::uint64_t size, std::string_view version_id,
                     bool delete_marker, bool latest = false);
    [[nodiscard]] std::size_t size() const { return sizes_.size(); }
    [[nodiscard]] bool empty() const { return sizes_.empty(); }
    [[nodiscard]] std::string_view key(std::size_t index) const;
    [[nodiscard]] std::uint64_t object_size(std::size_t index) const { return sizes_[index]; }
    // Empty for a current object (no version id stored).
    [[nodiscard]] std::string_view version_id(std::size_t index) const;
    [[nodiscard]] bool is_delete_marker(std::size_t index) const;
    // A version that is its key's current object (not a delete marker).
    [[nodiscard]] bool is_current_object(std::size_t index) const;
    [[nodiscard]] bool has_versions() const { return !version_ends_.empty(); }
    // Gives back spare capacity once the listing is complete.
    void shrink_to_fit();
    // Bytes of memory the list holds (capacity, not size): what a key budget counts.
    [[nodiscard]] std::size_t memory() const;
    // The list as bytes (appended to out), and back: how a list goes to the
    // spill file and returns. parse() throws std::runtime_error on bytes that
    // serialize() did not make.
    void serialize(std::string& out) const;
    static ObjectList parse(std::string_view bytes);
    // Drops every entry and its memory (kept deployments need none after planning).
    void release();

private:
    void append(std::string_view key, std::uint64_t size);

    std::string keys_;
    std::vector<std::uint64_t> ends_;  // end offset of each key in keys_
    std::vector<std::uint64_t> sizes_;
    // Only for lists of versions: ids back to back, and per version its flags
    // (kDeleteMarker, kLatest).
    std::string version_ids_;
    std::vector<std::uint64_t> version_ends_;
    std::vector<std::uint8_t> version_flags_;
};

}  // namespace retention
