#include "hunt/timeline_sorter.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>

namespace vigie::hunt {
namespace {

std::size_t approximate_size(const Detection& d) {
    std::size_t n = sizeof(Detection) + d.computer.size() + d.channel.size();
    for (const auto& [k, v] : d.fields) n += k.size() + v.size() + 64;
    return n;
}

void put_u64(std::string& out, std::uint64_t v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof(v));
}
void put_string(std::string& out, const std::string& s) {
    put_u64(out, s.size());
    out.append(s);
}

bool read_exact(std::FILE* f, void* dst, std::size_t n) {
    return std::fread(dst, 1, n, f) == n;
}

bool get_u64(std::FILE* f, std::uint64_t& v) {
    return read_exact(f, &v, sizeof(v));
}

bool get_string(std::FILE* f, std::string& s) {
    std::uint64_t n = 0;
    if (!get_u64(f, n) || n > (1u << 30)) return false;
    s.resize(n);
    return n == 0 || read_exact(f, s.data(), n);
}

void serialize(const Detection& d, std::string& out) {
    put_u64(out, d.timestamp);
    put_u64(out, d.record_id);
    put_u64(out, static_cast<std::uint64_t>(d.event_id));
    put_u64(out, (static_cast<std::uint64_t>(d.rule) << 32) | d.file);
    put_u64(out, d.order);
    put_string(out, d.computer);
    put_string(out, d.channel);
    put_u64(out, d.fields.size());
    for (const auto& [k, v] : d.fields) {
        put_string(out, k);
        put_string(out, v);
    }
}

// False at the end of the run (or on a damaged temporary file).
bool deserialize(std::FILE* f, Detection& d) {
    std::uint64_t event_id = 0, rule_file = 0, n = 0;
    if (!get_u64(f, d.timestamp) || !get_u64(f, d.record_id) || !get_u64(f, event_id) ||
        !get_u64(f, rule_file) || !get_u64(f, d.order) || !get_string(f, d.computer) ||
        !get_string(f, d.channel) || !get_u64(f, n) || n > 4096) {
        return false;
    }
    d.event_id = static_cast<std::int64_t>(event_id);
    d.rule = static_cast<std::uint32_t>(rule_file >> 32);
    d.file = static_cast<std::uint32_t>(rule_file & 0xFFFFFFFFu);
    d.fields.resize(n);
    for (auto& [k, v] : d.fields) {
        if (!get_string(f, k) || !get_string(f, v)) return false;
    }
    return true;
}

}  // namespace

TimelineSorter::TimelineSorter(std::size_t memory_budget_bytes) : budget_(memory_budget_bytes) {}

TimelineSorter::~TimelineSorter() {
    for (std::FILE* f : runs_) std::fclose(f);
}

core::Result<void> TimelineSorter::add(Detection&& d) {
    buffered_bytes_ += approximate_size(d);
    buffer_.push_back(std::move(d));
    ++count_;
    if (buffered_bytes_ > budget_) return spill();
    return {};
}

core::Result<void> TimelineSorter::spill() {
    std::sort(buffer_.begin(), buffer_.end());
    std::FILE* f = std::tmpfile();
    if (f == nullptr) {
        return core::fail(core::ErrorCode::kIo,
                          std::string("cannot create a temporary file to sort detections: ") +
                              std::strerror(errno));
    }
    std::string block;
    for (const Detection& d : buffer_) {
        serialize(d, block);
        if (block.size() > (1u << 20)) {
            if (std::fwrite(block.data(), 1, block.size(), f) != block.size()) break;
            block.clear();
        }
    }
    if (std::fwrite(block.data(), 1, block.size(), f) != block.size() || std::fflush(f) != 0) {
        std::fclose(f);
        return core::fail(core::ErrorCode::kIo, "cannot write detections to a temporary file");
    }
    std::rewind(f);
    runs_.push_back(f);
    buffer_.clear();
    buffer_.shrink_to_fit();
    buffered_bytes_ = 0;
    return {};
}

core::Result<void> TimelineSorter::finish(const std::function<void(const Detection&)>& sink) {
    std::sort(buffer_.begin(), buffer_.end());
    if (runs_.empty()) {
        for (const Detection& d : buffer_) sink(d);
        buffer_.clear();
        return {};
    }
    // K-way merge of the runs and the in-memory rest.
    struct Head {
        Detection d;
        std::size_t source;  // run index, or runs_.size() for the memory buffer
    };
    auto later = [](const Head& a, const Head& b) { return b.d < a.d; };
    std::priority_queue<Head, std::vector<Head>, decltype(later)> heap(later);
    std::size_t memory_next = 0;
    auto refill = [&](std::size_t source) {
        Head h;
        h.source = source;
        if (source == runs_.size()) {
            if (memory_next >= buffer_.size()) return;
            h.d = std::move(buffer_[memory_next++]);
        } else if (!deserialize(runs_[source], h.d)) {
            return;
        }
        heap.push(std::move(h));
    };
    for (std::size_t s = 0; s <= runs_.size(); ++s) refill(s);
    while (!heap.empty()) {
        Head h = heap.top();  // a copy: moving out of the heap's top would break its order
        heap.pop();
        sink(h.d);
        refill(h.source);
    }
    for (std::FILE* f : runs_) std::fclose(f);
    runs_.clear();
    buffer_.clear();
    return {};
}

}  // namespace vigie::hunt
