#include "watch/stream_framer.hpp"

#include <fmt/format.h>

#include "watch/syslog_message.hpp"

namespace vigie::watch {

void JsonLineFramer::emit(std::string_view line, FrameSink& sink) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto blank = line.find_first_not_of(" \t\r");
    if (blank == std::string_view::npos) return;
    sink.event(line);
}

void JsonLineFramer::feed(std::string_view bytes, FrameSink& sink) {
    while (!bytes.empty()) {
        const std::size_t newline = bytes.find('\n');
        if (skipping_) {
            if (newline == std::string_view::npos) {
                offset_ += bytes.size();
                return;
            }
            sink.reject(skip_start_, fmt::format("line longer than {} bytes", max_));
            skipping_ = false;
            offset_ += newline + 1;
            bytes.remove_prefix(newline + 1);
            continue;
        }
        if (newline == std::string_view::npos) {
            if (partial_.size() + bytes.size() > max_) {
                skipping_ = true;
                skip_start_ = offset_;
                offset_ += partial_.size() + bytes.size();
                partial_.clear();
                partial_.shrink_to_fit();
                return;
            }
            partial_.append(bytes);
            return;
        }
        const std::string_view piece = bytes.substr(0, newline);
        const std::size_t line_size = partial_.size() + piece.size();
        if (line_size > max_) {
            sink.reject(offset_, fmt::format("line longer than {} bytes", max_));
        } else if (partial_.empty()) {
            emit(piece, sink);
        } else {
            partial_.append(piece);
            emit(partial_, sink);
        }
        offset_ += line_size + 1;
        partial_.clear();
        bytes.remove_prefix(newline + 1);
    }
}

void JsonLineFramer::finish(FrameSink& sink) {
    if (skipping_) {
        sink.reject(skip_start_, fmt::format("line longer than {} bytes", max_));
    } else if (!partial_.empty()) {
        emit(partial_, sink);
    }
    skipping_ = false;
    partial_.clear();
}

SyslogStreamFramer::SyslogStreamFramer(std::size_t max_frame_bytes)
    : reader_(SyslogFrameOptions{max_frame_bytes, true}) {}

void SyslogStreamFramer::feed(std::string_view bytes, FrameSink& sink) {
    reader_.feed(bytes);
    drain(sink);
}

void SyslogStreamFramer::finish(FrameSink& sink) {
    reader_.finish();
    drain(sink);
}

void SyslogStreamFramer::drain(FrameSink& sink) {
    SyslogFrame frame;
    while (reader_.next(frame)) {
        if (frame.kind != SyslogFrame::Kind::kMessage) {
            sink.reject(frame.offset, frame.why);
            continue;
        }
        auto message = parse_syslog_message(frame.message);
        if (!message) {
            sink.reject(frame.offset, message.error().message);
            continue;
        }
        const EventPayload payload = find_event_payload(message->message);
        if (payload.kind == EventPayload::Kind::kNone) {
            sink.reject(frame.offset, "no JSON object or <Event> in the syslog message");
            continue;
        }
        sink.event(payload.text);
    }
}

}  // namespace vigie::watch
