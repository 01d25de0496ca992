#include "json/object_splitter.hpp"

#include <algorithm>
#include <cstring>

namespace vigie::json {

ObjectSplitter::ObjectSplitter(core::SequentialInput& input, std::size_t max_object_bytes)
    : input_(input), max_object_(max_object_bytes), buffer_(64u << 10) {}

core::Result<bool> ObjectSplitter::fill() {
    if (eof_) return false;
    if (begin_ > 0) {  // keep the unconsumed bytes at the front
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    auto n = input_.read(
        {reinterpret_cast<std::uint8_t*>(buffer_.data() + end_), buffer_.size() - end_});
    if (!n) return n.error();
    if (*n == 0) {
        eof_ = true;
        return false;
    }
    end_ += *n;
    return true;
}

void ObjectSplitter::consume(std::size_t n) {
    for (std::size_t i = begin_; i < begin_ + n; ++i) line_ += buffer_[i] == '\n';
    begin_ += n;
    offset_ += n;
}

core::Result<bool> ObjectSplitter::next(SplitObject& out) {
    // Skip separators between objects: white space, array brackets, commas.
    for (;;) {
        while (begin_ < end_) {
            const char c = buffer_[begin_];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' ||
                c == ']') {
                consume(1);
            } else {
                break;
            }
        }
        if (begin_ < end_) break;
        auto more = fill();
        if (!more) return more.error();
        if (!*more) return false;
    }
    out.offset = offset_;
    out.line = line_;
    if (buffer_[begin_] != '{') {
        // Not an object: skip to the end of the line.
        out.kind = SplitObject::Kind::kGarbage;
        for (;;) {
            const char* nl =
                static_cast<const char*>(std::memchr(buffer_.data() + begin_, '\n', end_ - begin_));
            if (nl != nullptr) {
                consume(static_cast<std::size_t>(nl - (buffer_.data() + begin_)) + 1);
                return true;
            }
            consume(end_ - begin_);
            auto more = fill();
            if (!more) return more.error();
            if (!*more) return true;
        }
    }
    // Find the matching close brace.
    int depth = 0;
    bool in_string = false, escaped = false, oversized = false;
    std::size_t scanned = 0;  // bytes of this object examined so far (from begin_)
    for (;;) {
        const std::size_t available = end_ - begin_;
        while (scanned < available) {
            const char c = buffer_[begin_ + scanned++];
            if (in_string) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    in_string = false;
                }
                continue;
            }
            if (c == '"') {
                in_string = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    oversized = oversized || scanned > max_object_;
                    out.kind =
                        oversized ? SplitObject::Kind::kOversized : SplitObject::Kind::kObject;
                    out.text = std::string_view(buffer_.data() + begin_, scanned);
                    // The view stays valid: the next call moves data only after this object is
                    // consumed, and consuming does not move bytes.
                    consume(scanned);
                    return true;
                }
            }
        }
        if (scanned > max_object_) {
            // Too large to keep: drop what was scanned, keep scanning for its end.
            oversized = true;
            consume(scanned);
            scanned = 0;
        }
        auto more = fill();
        if (!more) return more.error();
        if (!*more) {  // the stream ends inside the object
            out.kind = SplitObject::Kind::kGarbage;
            consume(end_ - begin_);
            return true;
        }
    }
}

}  // namespace vigie::json
