// --log-file: one JSON line per key (or version) the run tried to delete,
// appended and flushed batch by batch, so a run can be audited -- and, on a
// versioned bucket without --purge-versions, undone by removing the delete
// markers it lists.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "retention/executor.hpp"

namespace cli {

class AuditLog {
public:
    // Opens PATH for appending; throws std::runtime_error naming the path.
    explicit AuditLog(const std::string& path);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // target: the root the key was planned under (s3://BUCKET/ROOT/), so a
    // run over many targets can be told apart line by line.
    void record(const std::string& target, const std::string& bucket,
                const retention::KeyOutcome& outcome);
    // Makes what was recorded durable; false when writing failed.
    bool flush();
    // Set once a line could not be written: the executor stops on it. Read
    // from every worker, written under the executor's lock.
    bool failed() const { return failed_.load(); }
    // Why the first failed write failed (strerror), empty before.
    std::string error() const;

private:
    void note_failure();

    std::FILE* file_ = nullptr;
    std::atomic<bool> failed_{false};
    mutable std::mutex error_mutex_;
    std::string error_;
};

// The JSON line (without newline) for one outcome at `time` (RFC 3339).
std::string audit_line(const std::string& time, const std::string& target,
                       const std::string& bucket, const retention::KeyOutcome& outcome);

}  // namespace cli
