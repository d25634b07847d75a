// Progress on stderr while listing and deleting, redrawn in place at most ten
// times a second; silent unless stderr is a terminal (and not --quiet or
// --no-progress), so logs and pipes never see it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>

namespace cli {

class Progress {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    Progress(
        std::ostream& out, bool enabled,
        Clock clock = [] { return std::chrono::steady_clock::now(); });

    void listing(std::uint64_t deployments, std::uint64_t objects);
    void deleting(std::uint64_t done, std::uint64_t total);
    // Clears the line, so what follows starts clean.
    void finish();

    static constexpr std::chrono::milliseconds kMinRedraw{100};

private:
    void draw(const std::string& line, bool force);

    std::ostream& out_;
    bool enabled_;
    Clock clock_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point last_draw_{};
    std::chrono::steady_clock::time_point delete_started_{};
    bool drawn_ = false;
    bool deleting_ = false;
};

// "1,234/9,000 objects deleted  350/s  0:22 left"
std::string deleting_line(std::uint64_t done, std::uint64_t total, double seconds);

}  // namespace cli
