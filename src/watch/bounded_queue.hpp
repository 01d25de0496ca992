// watch/bounded_queue.hpp - a multi-producer, multi-consumer queue bounded in bytes.
//
// Producers wait while the queue is full: that is the pipeline's back-pressure (a TCP
// connection stops reading, so the kernel's window closes on the sender; a `_bulk` request
// gives up after its deadline and answers 429). An item larger than the whole capacity is
// still admitted when the queue is empty, so nothing can wait forever. Each item gets a
// sequence number in the order it entered, so that consumers working in parallel can put
// their results back in that order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace vigie::watch {

template <typename T>
class BoundedQueue {
  public:
    using Clock = std::chrono::steady_clock;

    explicit BoundedQueue(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

    /// Waits for room until `deadline` (none: until there is room or the queue is closed).
    /// Returns false, leaving `item` untouched, when the deadline passed or the queue closed.
    bool push(T& item, std::size_t cost, std::optional<Clock::time_point> deadline = {}) {
        std::unique_lock lock(mutex_);
        auto room = [&] { return closed_ || used_ == 0 || used_ + cost <= capacity_; };
        if (deadline) {
            if (!not_full_.wait_until(lock, *deadline, room)) return false;
        } else {
            not_full_.wait(lock, room);
        }
        if (closed_) return false;
        items_.push_back({std::move(item), cost, next_sequence_++});
        used_ += cost;
        not_empty_.notify_one();
        return true;
    }

    /// Waits for an item until `deadline`; nullopt when it passed, or when the queue is closed
    /// and empty.
    std::optional<T> pop(std::optional<Clock::time_point> deadline = {}) {
        std::uint64_t sequence = 0;
        return pop(sequence, deadline);
    }

    /// The same, also giving the item's sequence number (0, 1, 2... in the order of push).
    std::optional<T> pop(std::uint64_t& sequence, std::optional<Clock::time_point> deadline = {}) {
        std::unique_lock lock(mutex_);
        auto ready = [&] { return closed_ || !items_.empty(); };
        if (deadline) {
            if (!not_empty_.wait_until(lock, *deadline, ready)) return std::nullopt;
        } else {
            not_empty_.wait(lock, ready);
        }
        if (items_.empty()) return std::nullopt;
        Entry e = std::move(items_.front());
        items_.pop_front();
        sequence = e.sequence;
        used_ -= e.cost;
        not_full_.notify_all();
        return std::move(e.item);
    }

    /// Wakes every waiter; later pushes fail, pops drain what is left.
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        not_full_.notify_all();
        not_empty_.notify_all();
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }
    std::size_t bytes() const {
        std::lock_guard lock(mutex_);
        return used_;
    }
    std::size_t capacity() const noexcept { return capacity_; }

  private:
    struct Entry {
        T item;
        std::size_t cost;
        std::uint64_t sequence;
    };
    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable not_full_;
    std::condition_variable not_empty_;
    std::deque<Entry> items_;
    std::size_t used_ = 0;
    std::uint64_t next_sequence_ = 0;
    bool closed_ = false;
};

}  // namespace vigie::watch
