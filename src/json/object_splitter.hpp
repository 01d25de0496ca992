// json/object_splitter.hpp - cutting a byte stream into top-level JSON objects, in bounded memory.
//
// Event exports come as JSON Lines, as one big array of objects, or as pretty-printed objects
// one after the other (the Rust evtx crate's `-o json`). All three are the same sequence of
// top-level objects once array brackets and commas between them are skipped, so this splitter
// finds each object's extent (strings and escapes respected) without parsing it; the caller
// parses one object at a time. An object longer than the limit is skipped whole and reported;
// stray text between objects is skipped up to the next line and reported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/sequential_input.hpp"

namespace vigie::json {

struct SplitObject {
    enum class Kind { kObject, kOversized, kGarbage };
    Kind kind = Kind::kObject;
    std::string_view text;     ///< kObject: the object's bytes (valid until the next call)
    std::uint64_t offset = 0;  ///< byte offset of its first byte in the (decompressed) stream
    std::uint64_t line = 1;    ///< 1-based line of its first byte
};

class ObjectSplitter {
  public:
    ObjectSplitter(core::SequentialInput& input, std::size_t max_object_bytes);

    /// The next object; false at the end of the stream.
    core::Result<bool> next(SplitObject& out);

  private:
    core::Result<bool> fill();  // reads more; false at the end
    void consume(std::size_t n);

    core::SequentialInput& input_;
    std::size_t max_object_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;     // first unconsumed byte
    std::size_t end_ = 0;       // end of valid data
    std::uint64_t offset_ = 0;  // stream offset of buffer_[begin_]
    std::uint64_t line_ = 1;    // line of buffer_[begin_]
    bool eof_ = false;
};

}  // namespace vigie::json
