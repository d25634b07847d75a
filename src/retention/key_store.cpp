#include "retention/key_store.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace retention {

namespace {

std::runtime_error file_error(const std::string& what, const std::string& where) {
    return std::runtime_error(what + " the key spill file in '" + where +
                              "': " + std::strerror(errno));
}

}  // namespace

std::string temp_directory() {
    const char* dir = std::getenv("TMPDIR");
    return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

KeyStore::KeyStore(std::size_t budget, std::string directory)
    : budget_(budget), directory_(directory.empty() ? temp_directory() : std::move(directory)) {}

KeyStore::~KeyStore() {
    if (fd_ >= 0) ::close(fd_);
}

void KeyStore::hold(std::int64_t bytes) { held_.fetch_add(bytes); }

bool KeyStore::over_budget() const { return held_.load() > static_cast<std::int64_t>(budget_); }

SpilledChunk KeyStore::spill(const ObjectList& list) {
    std::string bytes;
    list.serialize(bytes);
    std::lock_guard lock(mutex_);
    if (fd_ < 0) {
        std::string path = directory_ + "/s3-cleanup-keys-XXXXXX";
        std::vector<char> name(path.begin(), path.end());
        name.push_back('\0');
        fd_ = ::mkstemp(name.data());
        if (fd_ < 0) throw file_error("cannot create", directory_);
        // Unlinked at once: the open descriptor is the only way to it, and the
        // space is freed when the process ends, however it ends.
        ::unlink(name.data());
    }
    SpilledChunk chunk{end_, bytes.size(), list.size()};
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                                   static_cast<off_t>(end_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw file_error("cannot write", directory_);
        done += static_cast<std::size_t>(n);
    }
    end_ += bytes.size();
    return chunk;
}

ObjectList KeyStore::load(const SpilledChunk& chunk) const {
    int fd = -1;
    {
        std::lock_guard lock(mutex_);
        fd = fd_;
    }
    if (fd < 0 || chunk.offset + chunk.bytes > spilled_bytes()) {
        throw std::runtime_error("a spilled key list is not in the spill file");
    }
    std::string bytes(chunk.bytes, '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done,
                                  static_cast<off_t>(chunk.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw file_error("cannot read", directory_);
        done += static_cast<std::size_t>(n);
    }
    ObjectList list = ObjectList::parse(bytes);
    if (list.size() != chunk.entries) throw std::runtime_error("spilled key list is corrupt");
    return list;
}

std::uint64_t KeyStore::spilled_bytes() const {
    std::lock_guard lock(mutex_);
    return end_;
}

}  // namespace retention
