// watch/stream_framer.hpp - cutting a connection's byte stream into event texts.
//
//   watch::JsonLineFramer framer(max_line_bytes);
//   framer.feed(bytes_just_read, sink);     // any split points; sink.event(text) per line
//   framer.finish(sink);                    // at end of stream: a last line without newline
//
// A framer is per connection and holds at most one partial frame, so memory is bounded by
// the frame limit whatever a peer sends. Pieces that are not events (an oversized line, a
// broken frame) go to sink.reject with their byte offset in the stream; a framer that cannot
// find the next frame any more (broken octet counting) says so with `broken()`, and the
// connection is closed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "watch/syslog_framing.hpp"

namespace vigie::watch {

class FrameSink {
  public:
    virtual ~FrameSink() = default;
    virtual void event(std::string_view text) = 0;
    virtual void reject(std::uint64_t offset, std::string_view reason) = 0;
};

class StreamFramer {
  public:
    virtual ~StreamFramer() = default;
    virtual void feed(std::string_view bytes, FrameSink& sink) = 0;
    virtual void finish(FrameSink& sink) = 0;
    virtual bool broken() const { return false; }
};

/// One event per line (LF, CRLF tolerated); blank lines skipped. A line longer than
/// `max_line_bytes` is dropped up to its newline and rejected once.
class JsonLineFramer final : public StreamFramer {
  public:
    explicit JsonLineFramer(std::size_t max_line_bytes) : max_(max_line_bytes) {}
    void feed(std::string_view bytes, FrameSink& sink) override;
    void finish(FrameSink& sink) override;

  private:
    void emit(std::string_view line, FrameSink& sink);
    std::size_t max_;
    std::string partial_;
    std::uint64_t offset_ = 0;  // stream offset of partial_'s first byte
    bool skipping_ = false;     // inside an oversized line
    std::uint64_t skip_start_ = 0;
};

/// Syslog over TCP (RFC 6587 octet counting or newline framing, per frame, as rsyslog
/// detects it) carrying one event per message: the RFC 5424 or 3164 header is read and
/// dropped, and the JSON object or <Event> XML document in MSG is the event. A message that
/// holds no event (a relay's own log line) is rejected and counted like any bad piece.
class SyslogStreamFramer final : public StreamFramer {
  public:
    explicit SyslogStreamFramer(std::size_t max_frame_bytes);
    void feed(std::string_view bytes, FrameSink& sink) override;
    void finish(FrameSink& sink) override;
    bool broken() const override { return reader_.failed(); }

  private:
    void drain(FrameSink& sink);
    SyslogFrameReader reader_;
};

}  // namespace vigie::watch
