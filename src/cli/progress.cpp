#include "cli/progress.hpp"

#include <cstdio>

#include "cli/plan_output.hpp"

namespace cli {

Progress::Progress(std::ostream& out, bool enabled, Clock clock)
    : out_(out), enabled_(enabled), clock_(std::move(clock)) {}

void Progress::listing(std::uint64_t deployments, std::uint64_t objects) {
    if (!enabled_) return;
    draw("listing: " + counted(deployments, "deployment", "deployments") + ", " +
             counted(objects, "object", "objects") + " found",
         false);
}

std::string deleting_line(std::uint64_t done, std::uint64_t total, double seconds) {
    std::string line = "deleting: " + thousands(done) + "/" + thousands(total) +
                       (total == 1 ? " object" : " objects");
    if (seconds > 0.5 && done > 0) {
        const double rate = static_cast<double>(done) / seconds;
        const auto left = static_cast<long>(static_cast<double>(total - done) / rate);
        char buf[64];
        std::snprintf(buf, sizeof buf, "  %.0f/s  %ld:%02ld left", rate, left / 60, left % 60);
        line += buf;
    }
    return line;
}

void Progress::deleting(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    if (!deleting_) {
        deleting_ = true;
        delete_started_ = clock_();
    }
    const double seconds = std::chrono::duration<double>(clock_() - delete_started_).count();
    const auto now = clock_();
    if (drawn_ && now - last_draw_ < kMinRedraw && done != total) return;
    last_draw_ = now;
    drawn_ = true;
    out_ << "\r\033[K" << deleting_line(done, total, seconds) << std::flush;
}

void Progress::draw(const std::string& line, bool force) {
    std::lock_guard lock(mutex_);
    const auto now = clock_();
    if (!force && drawn_ && now - last_draw_ < kMinRedraw) return;
    last_draw_ = now;
    drawn_ = true;
    out_ << "\r\033[K" << line << std::flush;
}

void Progress::finish() {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    if (drawn_) out_ << "\r\033[K" << std::flush;
    drawn_ = false;
}

}  // namespace cli
