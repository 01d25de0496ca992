#include "core/arena.hpp"

#include <algorithm>
#include <cstring>

namespace vigie::core {

std::string_view StringArena::store(std::string_view s) {
    if (s.empty()) return {};
    while (current_ < blocks_.size() && used_ + s.size() > blocks_[current_].size) {
        ++current_;
        used_ = 0;
    }
    if (current_ == blocks_.size()) {
        const std::size_t size = std::max(kBlockSize, s.size());
        blocks_.push_back(Block{std::make_unique<char[]>(size), size});
        used_ = 0;
    }
    char* dst = blocks_[current_].data.get() + used_;
    std::memcpy(dst, s.data(), s.size());
    used_ += s.size();
    return {dst, s.size()};
}

void StringArena::clear() noexcept {
    // Keep one block for reuse; give back what a rare huge event took.
    if (blocks_.size() > 1) blocks_.resize(1);
    current_ = 0;
    used_ = 0;
}

}  // namespace vigie::core
