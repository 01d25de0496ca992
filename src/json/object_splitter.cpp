#include "json/object_splitter.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace vigie::json {
namespace {

bool is_blank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r';
}

bool is_separator(char c) noexcept {
    return is_blank(c) || c == '\n' || c == ',' || c == '[' || c == ']';
}

}  // namespace

ObjectSplitter::ObjectSplitter(core::InputStream& input, std::size_t max_object_bytes)
    : input_(input), max_object_(std::max<std::size_t>(max_object_bytes, 2)), buffer_(64u << 10) {}

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
    const char* p = buffer_.data() + begin_;
    const auto newlines = static_cast<std::uint64_t>(std::count(p, p + n, '\n'));
    if (newlines == 0) {
        column_ += n;
    } else {
        line_ += newlines;
        const char* last = static_cast<const char*>(::memrchr(p, '\n', n));
        column_ = static_cast<std::uint64_t>(p + n - last - 1);
    }
    begin_ += n;
    offset_ += n;
}

core::Result<void> ObjectSplitter::check_encoding() {
    while (end_ - begin_ < 3) {
        auto more = fill();
        if (!more) return more.error();
        if (!*more) break;
    }
    const auto* b = reinterpret_cast<const unsigned char*>(buffer_.data() + begin_);
    const std::size_t n = end_ - begin_;
    if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {  // UTF-8 byte order mark
        consume(3);
        column_ = 0;
        return {};
    }
    // UTF-16 (Windows PowerShell 5 writes it by default): with a byte order mark, or an
    // ASCII `{` or `[` next to a zero byte.
    const bool bom = n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff));
    const bool zero_next_to_bracket = n >= 2 && ((b[1] == 0 && (b[0] == '{' || b[0] == '[')) ||
                                                 (b[0] == 0 && (b[1] == '{' || b[1] == '[')));
    if (bom || zero_next_to_bracket) {
        return core::fail(core::ErrorCode::kUnsupported,
                          "UTF-16 text: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)",
                          {input_.name(), 0, {}, 0});
    }
    return {};
}

core::Result<void> ObjectSplitter::resync(std::uint64_t max_column) {
    // Finish the current line, then look at the start of each following line.
    bool at_line_start = false;
    std::uint64_t indent = 0;
    for (;;) {
        std::size_t i = begin_;
        while (i < end_) {
            if (!at_line_start) {
                const void* nl = std::memchr(buffer_.data() + i, '\n', end_ - i);
                if (nl == nullptr) {
                    i = end_;
                    break;
                }
                i = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
                at_line_start = true;
                indent = 0;
                continue;
            }
            const char c = buffer_[i];
            if (is_blank(c)) {
                ++indent;
                ++i;
                continue;
            }
            if (c == '{' && indent <= max_column) {
                consume(i - begin_);
                return {};
            }
            at_line_start = c == '\n';
            indent = 0;
            if (at_line_start) ++i;
        }
        consume(i - begin_);
        auto more = fill();
        if (!more) return more.error();
        if (!*more) return {};
    }
}

core::Result<bool> ObjectSplitter::next(SplitObject& out) {
    if (!started_) {
        started_ = true;
        if (auto ok = check_encoding(); !ok) return ok.error();
    }
    // Skip separators between objects, and the `Record N` lines `evtx_dump -o json` prints
    // before each record.
    for (;;) {
        while (begin_ < end_ && is_separator(buffer_[begin_])) consume(1);
        if (begin_ < end_ && buffer_[begin_] == 'R') {
            // The whole line is needed to tell; such lines are short.
            const void* nl = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
            if (nl == nullptr && !eof_ && end_ - begin_ < 64) {
                auto more = fill();
                if (!more) return more.error();
                continue;
            }
            const std::size_t len =
                nl != nullptr
                    ? static_cast<std::size_t>(static_cast<const char*>(nl) - &buffer_[begin_])
                    : end_ - begin_;
            std::string_view line(&buffer_[begin_], len);
            while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
            if (line.size() > 7 && line.substr(0, 7) == "Record " &&
                line.find_first_not_of("0123456789", 7) == std::string_view::npos) {
                consume(len);
                continue;
            }
        }
        if (begin_ < end_) break;
        auto more = fill();
        if (!more) return more.error();
        if (!*more) return false;
    }
    out.offset = offset_;
    out.line = line_;
    out.column = column_;
    out.text = {};
    out.why.clear();
    if (buffer_[begin_] != '{') {
        out.kind = SplitObject::Kind::kNotObject;
        out.why = "not a JSON object";
        if (auto ok = resync(out.column); !ok) return ok.error();
        return true;
    }
    return scan_object(out);
}

core::Result<bool> ObjectSplitter::scan_object(SplitObject& out) {
    std::uint64_t depth = 0;
    bool in_string = false, escaped = false, oversized = false;
    bool at_line_start = false;
    std::uint64_t indent = 0;
    std::uint64_t line = out.line;
    std::size_t scanned = 0;  // bytes of this object examined so far (from begin_)
    for (;;) {
        const std::size_t available = end_ - begin_;
        while (scanned < available) {
            const char c = buffer_[begin_ + scanned];
            if (in_string) {
                if (c == '\n') {
                    out.kind = SplitObject::Kind::kBroken;
                    out.why = "line break inside a string (a cut line?)";
                    consume(scanned);
                    if (auto ok = resync(out.column); !ok) return ok.error();
                    return true;
                }
                ++scanned;
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    in_string = false;
                }
                continue;
            }
            if (at_line_start) {
                if (is_blank(c)) {
                    ++indent;
                    ++scanned;
                    continue;
                }
                at_line_start = false;
                if (c == '{' && indent <= out.column) {
                    out.kind = SplitObject::Kind::kBroken;
                    out.why = "not closed before the object on line " + std::to_string(line);
                    consume(scanned);  // the next call starts at that object
                    return true;
                }
            }
            ++scanned;
            switch (c) {
                case '"':
                    in_string = true;
                    break;
                case '{':
                case '[':
                    ++depth;
                    break;
                case '}':
                case ']':
                    if (--depth == 0) {
                        oversized = oversized || scanned > max_object_;
                        if (oversized) {
                            out.kind = SplitObject::Kind::kOversized;
                        } else {
                            out.kind = SplitObject::Kind::kObject;
                            // Stays valid until the next call: consuming does not move bytes.
                            out.text = std::string_view(buffer_.data() + begin_, scanned);
                        }
                        consume(scanned);
                        return true;
                    }
                    break;
                case '\n':
                    at_line_start = true;
                    indent = 0;
                    ++line;
                    break;
                default:
                    break;
            }
        }
        if (scanned > max_object_) {
            // Too large to keep: drop what was scanned, go on looking for its end.
            oversized = true;
            consume(scanned);
            scanned = 0;
        }
        auto more = fill();
        if (!more) return more.error();
        if (!*more) {
            out.kind = SplitObject::Kind::kBroken;
            out.why = "cut off by the end of the input";
            consume(end_ - begin_);
            return true;
        }
    }
}

}  // namespace vigie::json
