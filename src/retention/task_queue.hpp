// Work that makes more work: a deployment's listing finds sub-folders, each
// a listing of its own, to be fetched by whichever connection is idle.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace retention {

class TaskQueue {
public:
    using Task = std::function<void()>;

    // Adds a task; from any thread, a running task included. The newest task
    // runs first, so a deployment's sub-folders are done before the next
    // deployment starts (fewer listings under way, less memory).
    void push(Task task);

    // Runs every task pushed before or during the call on up to `workers`
    // threads (the caller's among them) until none is left. The first
    // exception stops tasks from starting, is rethrown, and leaves the
    // tasks not started dropped.
    void run(int workers);

private:
    void work();

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Task> tasks_;
    std::size_t running_ = 0;
    std::exception_ptr error_;
};

}  // namespace retention
