// Where the keys of a run wait between planning and deleting: in memory up to
// a fixed budget, beyond it in an unlinked temporary file. Planning must see
// every key (a deployment's age and size are over all of them) and deleting
// must send exactly those keys, but a bucket of ten million objects cannot
// hold them all in a CronJob's memory. Spilling keeps the request budget of
// a run the same at every size (nothing is listed twice); see the README.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "retention/object_list.hpp"

namespace retention {

// Bytes of listed keys held in memory by default, across every deployment of
// a run, before listings spill to disk. About 50 bytes a key: ~300,000 keys.
inline constexpr std::size_t kDefaultKeyBudget = std::size_t{16} << 20;
// A listing seals its keys into a chunk (spilled once the budget is spent)
// when they reach this much: large enough that the file is written in
// sequential pieces, small enough that sixteen listings' open chunks stay a
// small part of the memory (at 256 KiB the 10M benchmark peaked 9 MiB higher).
inline constexpr std::size_t kSpillChunk = std::size_t{64} << 10;

// A run of keys written to the spill file.
struct SpilledChunk {
    std::uint64_t offset = 0;
    std::uint64_t bytes = 0;
    std::uint64_t entries = 0;
};

// A run of a deployment's keys, in listing order: sealed in memory while the
// budget lasts, else in the spill file. Keys are sealed in chunks of about
// kSpillChunk so that no buffer, and no copy of one, grows with a deployment.
struct KeyChunk {
    std::shared_ptr<const ObjectList> in_memory;  // null: on disk
    SpilledChunk on_disk;
    [[nodiscard]] std::uint64_t entries() const {
        return in_memory ? in_memory->size() : on_disk.entries;
    }
};

class KeyStore {
public:
    // directory: where the temporary file goes (made on the first spill,
    // unlinked at once, so nothing is left behind even after a crash).
    explicit KeyStore(std::size_t budget = kDefaultKeyBudget, std::string directory = "");
    KeyStore(const KeyStore&) = delete;
    KeyStore& operator=(const KeyStore&) = delete;
    KeyStore(KeyStore&&) = delete;
    KeyStore& operator=(KeyStore&&) = delete;
    ~KeyStore();

    // Accounts bytes held (or, negative, given back) by key lists in memory.
    // Thread-safe.
    void hold(std::int64_t bytes);
    [[nodiscard]] bool over_budget() const;
    [[nodiscard]] std::size_t budget() const { return budget_; }
    [[nodiscard]] std::int64_t held() const { return held_.load(); }

    // Appends the list to the file. Thread-safe. Throws std::runtime_error
    // when the file cannot be made or written (disk full).
    SpilledChunk spill(const ObjectList& list);
    // Reads a chunk back. Thread-safe.
    [[nodiscard]] ObjectList load(const SpilledChunk& chunk) const;
    [[nodiscard]] std::uint64_t spilled_bytes() const;

private:
    std::size_t budget_;
    std::string directory_;
    std::atomic<std::int64_t> held_{0};
    mutable std::mutex mutex_;  // the file and its end
    int fd_ = -1;
    std::uint64_t end_ = 0;
};

// The directory for temporary files: $TMPDIR, else /tmp.
std::string temp_directory();

}  // namespace retention
