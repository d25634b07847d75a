#include "cli/audit_log.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "aws/timestamp.hpp"

namespace cli {

std::string audit_line(const std::string& time, const std::string& target,
                       const std::string& bucket, const retention::KeyOutcome& outcome) {
    nlohmann::ordered_json line{
        {"time", time},
        {"target", target},
        {"bucket", bucket},
        {"key", std::string(outcome.key)},
        {"version_id", outcome.version_id.empty() ? nlohmann::ordered_json(nullptr)
                                                  : nlohmann::ordered_json(outcome.version_id)},
        {"deployment", std::string(outcome.deployment)},
        {"outcome", outcome.deleted ? "deleted" : "failed"},
    };
    if (!outcome.deleted) line["code"] = std::string(outcome.code);
    return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

AuditLog::AuditLog(const std::string& path) {
    file_ = std::fopen(path.c_str(), "a");
    if (file_ == nullptr) {
        throw std::runtime_error("cannot open --log-file '" + path + "': " + std::strerror(errno));
    }
}

AuditLog::~AuditLog() {
    if (file_ != nullptr) std::fclose(file_);
}

void AuditLog::record(const std::string& target, const std::string& bucket,
                      const retention::KeyOutcome& outcome) {
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const std::string line = audit_line(aws::format_timestamp(now), target, bucket, outcome) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) note_failure();
}

bool AuditLog::flush() {
    if (std::fflush(file_) != 0) note_failure();
    return !failed();
}

void AuditLog::note_failure() {
    const int code = errno;
    std::lock_guard lock(error_mutex_);
    if (error_.empty()) error_ = std::strerror(code);
    failed_.store(true);
}

std::string AuditLog::error() const {
    std::lock_guard lock(error_mutex_);
    return error_;
}

}  // namespace cli
