#include "retention/task_queue.hpp"

#include <algorithm>
#include <thread>

namespace retention {

void TaskQueue::push(Task task) {
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
    }
    changed_.notify_one();
}

void TaskQueue::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return !tasks_.empty() || running_ == 0 || error_; });
        if (error_ || tasks_.empty()) {
            // Nothing left and nobody running who could add more: done.
            changed_.notify_all();
            return;
        }
        Task task = std::move(tasks_.back());
        tasks_.pop_back();
        ++running_;
        lock.unlock();
        try {
            task();
        } catch (...) {
            lock.lock();
            if (!error_) error_ = std::current_exception();
            --running_;
            changed_.notify_all();
            continue;
        }
        lock.lock();
        --running_;
        if (running_ == 0 && tasks_.empty()) changed_.notify_all();
    }
}

void TaskQueue::run(int workers) {
    std::vector<std::thread> threads;
    const auto extra = static_cast<std::size_t>(std::max(1, workers) - 1);
    threads.reserve(extra);
    for (std::size_t i = 0; i < extra; ++i) threads.emplace_back([this] { work(); });
    work();
    for (auto& thread : threads) thread.join();
    std::exception_ptr error;
    {
        std::lock_guard lock(mutex_);
        error = error_;
        error_ = nullptr;
        tasks_.clear();
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace retention
