// --log-file: one JSON line per key (or version) the run tried to delete,
// appended and flushed batch by batch, so a run can be audited -- and, on a
// versioned bucket without --purge-versions, undone by removing the delete
// markers it lists.
#pragma once

#include <cstdio>
#include <memory>
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

    void record(const std::string& bucket, const retention::KeyOutcome& outcome);
    // Makes what was recorded durable; false when writing failed.
    bool flush();
    bool failed() const { return failed_; }

private:
    std::FILE* file_ = nullptr;
    bool failed_ = false;
};

// The JSON line (without newline) for one outcome at `time` (RFC 3339).
std::string audit_line(const std::string& time, const std::string& bucket,
                       const retention::KeyOutcome& outcome);

}  // namespace cli
