#include "watch/syslog_framing.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace vigie::watch {
namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// Offset of the first frame delimiter (LF or NUL) in [p, p + n), or n.
std::size_t find_delimiter(const char* p, std::size_t n) noexcept {
    if (n == 0) return 0;  // p may be null (after finish()), which memchr must not see
    const void* lf = std::memchr(p, '\n', n);
    const std::size_t limit =
        lf != nullptr ? static_cast<std::size_t>(static_cast<const char*>(lf) - p) : n;
    const void* nul = std::memchr(p, '\0', limit);
    return nul != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nul) - p) : limit;
}

}  // namespace

SyslogFrameReader::SyslogFrameReader(SyslogFrameOptions options)
    : max_frame_(std::max<std::size_t>(options.max_frame_bytes, 1)),
      detect_octet_counting_(options.detect_octet_counting) {}

std::size_t SyslogFrameReader::buffered_capacity() const noexcept {
    return carry_[0].capacity() + carry_[1].capacity();
}

void SyslogFrameReader::feed(std::string_view bytes) {
    assert(pos_ >= input_.size() || state_ == State::kFailed);
    input_offset_ += input_.size();
    input_ = bytes;
    pos_ = 0;
    stats_.bytes += bytes.size();
    if (state_ == State::kFailed || finished_) pos_ = input_.size();
}

void SyslogFrameReader::finish() {
    input_offset_ += input_.size();
    input_ = {};
    pos_ = 0;
    finished_ = true;
}

void SyslogFrameReader::carry_append(std::string_view bytes) {
    std::vector<char>& c = carry();
    const std::size_t needed = c.size() + bytes.size();
    if (needed > c.capacity()) {
        // Grow geometrically, but never past the largest frame that can be kept, so a stream of
        // near-limit frames holds max_frame_bytes per buffer, not twice that.
        c.reserve(
            std::max(needed, std::min(std::max<std::size_t>(c.capacity() * 2, 256), max_frame_)));
    }
    c.insert(c.end(), bytes.begin(), bytes.end());
}

void SyslogFrameReader::carry_reset() noexcept {
    carry().clear();
}

bool SyslogFrameReader::emit_message(SyslogFrame& out, std::string_view message,
                                     SyslogFraming framing) {
    out.kind = SyslogFrame::Kind::kMessage;
    out.framing = framing;
    out.message = message;
    out.offset = frame_offset_;
    out.length = stream_offset() - frame_offset_;
    out.why = "";
    ++stats_.messages;
    state_ = State::kFrameStart;
    return true;
}

bool SyslogFrameReader::emit_problem(SyslogFrame& out, SyslogFrame::Kind kind,
                                     SyslogFraming framing, std::uint64_t length, const char* why) {
    out.kind = kind;
    out.framing = framing;
    out.message = {};
    out.offset = frame_offset_;
    out.length = length;
    out.why = why;
    carry_reset();
    switch (kind) {
        case SyslogFrame::Kind::kOversized:
            ++stats_.oversized;
            state_ = State::kFrameStart;
            break;
        case SyslogFrame::Kind::kTruncated:
            ++stats_.truncated;
            state_ = State::kFrameStart;
            break;
        case SyslogFrame::Kind::kFramingError:
            ++stats_.framing_errors;
            state_ = State::kFailed;
            pos_ = input_.size();
            break;
        case SyslogFrame::Kind::kMessage:
            break;
    }
    return true;
}

bool SyslogFrameReader::at_input_end(SyslogFrame& out) {
    if (!finished_) return false;
    const std::uint64_t length = stream_offset() - frame_offset_;
    switch (state_) {
        case State::kCount:
            return emit_problem(out, SyslogFrame::Kind::kTruncated, SyslogFraming::kOctetCounted,
                                length, "the stream ended inside an octet count");
        case State::kCountedBody:
            return emit_problem(out, SyslogFrame::Kind::kTruncated, SyslogFraming::kOctetCounted,
                                length, "the stream ended inside an octet-counted frame");
        case State::kCountedSkip:
            return emit_problem(out, SyslogFrame::Kind::kOversized, SyslogFraming::kOctetCounted,
                                length, "octet count over max_frame_bytes (cut by the end)");
        case State::kLineSkip:
            return emit_problem(out, SyslogFrame::Kind::kOversized, SyslogFraming::kNonTransparent,
                                length, "line frame longer than max_frame_bytes (cut by the end)");
        case State::kLine: {
            // A last line without its LF: rsyslog hands it on at close, so do we.
            std::string_view message = carried();
            if (!message.empty() && message.back() == '\r') message.remove_suffix(1);
            carry_index_ ^= 1;  // the frame stays in the other buffer
            carry_reset();
            if (message.empty()) {
                state_ = State::kFrameStart;
                return false;
            }
            return emit_message(out, message, SyslogFraming::kNonTransparent);
        }
        case State::kFrameStart:
        case State::kFailed:
            return false;
    }
    return false;
}

bool SyslogFrameReader::next(SyslogFrame& out) {
    for (;;) {
        const char* data = input_.data();
        const std::size_t size = input_.size();
        switch (state_) {
            case State::kFailed:
                return false;

            case State::kFrameStart:
                if (pos_ >= size) return at_input_end(out);
                frame_offset_ = stream_offset();
                if (detect_octet_counting_ && is_digit(data[pos_])) {
                    state_ = State::kCount;
                    count_ = 0;
                    count_digits_ = 0;
                } else {
                    state_ = State::kLine;
                }
                break;

            case State::kCount:
                while (pos_ < size) {
                    const char c = data[pos_++];
                    if (is_digit(c)) {
                        if (count_digits_ == kMaxCountDigits) {
                            return emit_problem(out, SyslogFrame::Kind::kFramingError,
                                                SyslogFraming::kOctetCounted,
                                                stream_offset() - frame_offset_,
                                                "octet count with too many digits");
                        }
                        count_ = count_ * 10 + static_cast<std::uint64_t>(c - '0');
                        ++count_digits_;
                        continue;
                    }
                    if (c != ' ') {
                        return emit_problem(
                            out, SyslogFrame::Kind::kFramingError, SyslogFraming::kOctetCounted,
                            stream_offset() - frame_offset_, "octet count not followed by a space");
                    }
                    if (count_ == 0) {
                        return emit_problem(out, SyslogFrame::Kind::kFramingError,
                                            SyslogFraming::kOctetCounted,
                                            stream_offset() - frame_offset_, "octet count of zero");
                    }
                    state_ = count_ > max_frame_ ? State::kCountedSkip : State::kCountedBody;
                    break;
                }
                if (state_ == State::kCount) return at_input_end(out);
                break;

            case State::kCountedBody: {
                const std::size_t avail = size - pos_;
                if (carry().empty() && avail >= count_) {
                    const std::string_view message(data + pos_, count_);
                    pos_ += count_;
                    return emit_message(out, message, SyslogFraming::kOctetCounted);
                }
                const std::size_t take = std::min<std::uint64_t>(avail, count_ - carry().size());
                carry_append({data + pos_, take});
                pos_ += take;
                if (carry().size() == count_) {
                    const std::string_view message = carried();
                    carry_index_ ^= 1;
                    carry_reset();
                    return emit_message(out, message, SyslogFraming::kOctetCounted);
                }
                return at_input_end(out);
            }

            case State::kCountedSkip: {
                const std::size_t take = std::min<std::uint64_t>(size - pos_, count_);
                pos_ += take;
                count_ -= take;
                if (count_ == 0) {
                    return emit_problem(
                        out, SyslogFrame::Kind::kOversized, SyslogFraming::kOctetCounted,
                        stream_offset() - frame_offset_, "octet count over max_frame_bytes");
                }
                return at_input_end(out);
            }

            case State::kLine: {
                const std::size_t avail = size - pos_;
                const std::size_t d = find_delimiter(data + pos_, avail);
                if (d == avail) {
                    if (carry().size() + avail > max_frame_) {
                        carry_reset();
                        state_ = State::kLineSkip;
                    } else {
                        carry_append({data + pos_, avail});
                    }
                    pos_ = size;
                    return at_input_end(out);
                }
                std::string_view message(data + pos_, d);
                pos_ += d + 1;
                if (carry().size() + d > max_frame_) {
                    return emit_problem(
                        out, SyslogFrame::Kind::kOversized, SyslogFraming::kNonTransparent,
                        stream_offset() - frame_offset_, "line frame longer than max_frame_bytes");
                }
                if (!carry().empty()) {
                    carry_append(message);
                    message = carried();
                    carry_index_ ^= 1;  // the frame stays valid in the other buffer
                    carry_reset();
                }
                if (!message.empty() && message.back() == '\r') message.remove_suffix(1);
                if (message.empty()) {  // blank line, or the NUL after an LF
                    state_ = State::kFrameStart;
                    break;
                }
                return emit_message(out, message, SyslogFraming::kNonTransparent);
            }

            case State::kLineSkip: {
                const std::size_t avail = size - pos_;
                const std::size_t d = find_delimiter(data + pos_, avail);
                if (d == avail) {
                    pos_ = size;
                    return at_input_end(out);
                }
                pos_ += d + 1;
                return emit_problem(out, SyslogFrame::Kind::kOversized,
                                    SyslogFraming::kNonTransparent, stream_offset() - frame_offset_,
                                    "line frame longer than max_frame_bytes");
            }
        }
    }
}

}  // namespace vigie::watch
