// json/object_splitter.hpp - cutting a byte stream into top-level JSON objects, in bounded memory.
//
// Event exports come as JSON Lines, as one big array of objects, or as pretty-printed objects
// one after the other (the Rust evtx crate's `-o json`). All three are the same sequence of
// top-level objects once white space, array brackets and commas between them are skipped, so
// this splitter finds each object's extent (strings and escapes respected) without parsing it;
// the caller parses one object at a time. Memory is bounded by the largest object kept.
//
// Broken input (a line cut by a crashed writer, a stray log line) must cost only what it
// breaks, not the rest of the file. Two facts about the layouts above allow resynchronising:
// a JSON string never holds a raw line break, and a line that starts, after blanks, with `{`
// at or left of the column where the current object started is the start of a new top-level
// object (pretty printers indent what is inside an object; JSON Lines put objects at column 0).
// So an object is reported broken (kBroken) at a raw line break inside one of its strings, or
// when such a line starts before it closed; stray text outside objects (kNotObject) is skipped
// up to the next such line. Objects whose inner lines start with `{` at the object's own column
// (printers that do not indent) are therefore not supported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/input_stream.hpp"
#include "core/result.hpp"

namespace vigie::json {

struct SplitObject {
    enum class Kind {
        kObject,     ///< a balanced {...}; `text` holds it
        kOversized,  ///< a balanced object over the size limit, skipped
        kBroken,     ///< an object that never closes properly (see above), skipped
        kNotObject,  ///< text that is not an object, skipped
    };
    Kind kind = Kind::kObject;
    std::string_view text;     ///< kObject: the object's bytes (valid until the next call)
    std::string why;           ///< kBroken, kNotObject: what is wrong, for messages
    std::uint64_t offset = 0;  ///< byte offset of its first byte in the (decompressed) stream
    std::uint64_t line = 1;    ///< 1-based line of its first byte
    std::uint64_t column = 0;  ///< 0-based column of its first byte
};

class ObjectSplitter {
  public:
    ObjectSplitter(core::InputStream& input, std::size_t max_object_bytes);

    /// The next object (or skipped piece); false at the end of the stream. Errors: the input
    /// could not be read, or it is UTF-16 text (kUnsupported).
    core::Result<bool> next(SplitObject& out);

  private:
    core::Result<bool> fill();  // reads more; false at the end
    void consume(std::size_t n);
    core::Result<void> check_encoding();
    /// Skips to the next line that starts with `{` at a column <= max_column (or the end).
    core::Result<void> resync(std::uint64_t max_column);
    core::Result<bool> scan_object(SplitObject& out);

    core::InputStream& input_;
    std::size_t max_object_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;     // first unconsumed byte
    std::size_t end_ = 0;       // end of valid data
    std::uint64_t offset_ = 0;  // stream offset of buffer_[begin_]
    std::uint64_t line_ = 1;    // line of buffer_[begin_]
    std::uint64_t column_ = 0;  // column of buffer_[begin_]
    bool eof_ = false;
    bool started_ = false;  // the encoding check is done
};

}  // namespace vigie::json
