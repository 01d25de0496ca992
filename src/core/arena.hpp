// core/arena.hpp - StringArena: copies of short strings that live until clear().
//
// Events reuse one arena across records: clear() keeps the first block, so steady-state parsing
// allocates nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace vigie::core {

class StringArena {
  public:
    static constexpr std::size_t kBlockSize = 16 * 1024;

    /// Copies `s` and returns a view of the copy, valid until clear() or destruction.
    std::string_view store(std::string_view s);
    void clear() noexcept;

  private:
    struct Block {
        std::unique_ptr<char[]> data;
        std::size_t size;
    };
    std::vector<Block> blocks_;
    std::size_t current_ = 0;  // index of the block being filled
    std::size_t used_ = 0;     // bytes used in blocks_[current_]
};

}  // namespace vigie::core
