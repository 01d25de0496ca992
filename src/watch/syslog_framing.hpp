// watch/syslog_framing.hpp - cutting a syslog TCP byte stream into frames (RFC 6587), in bounded
// memory, whatever the peer sends.
//
// One SyslogFrameReader per connection. It is fed the bytes as they arrive, split anywhere, and
// hands back each complete frame. Both RFC 6587 methods are detected frame by frame, as rsyslog
// does, so a sender may mix them:
//   - a frame that starts with a digit is octet-counted: `LEN SP MSG`, MSG exactly LEN bytes
//     (rsyslog `TCP_Framing="octet-counted"`, NXLog `OutputType Syslog_TLS`);
//   - anything else is non-transparent: MSG up to LF (rsyslog's default, NXLog `LineBased`);
//     with `detect_octet_counting` off, every frame is (the same reader then cuts JSON Lines).
//     A CR before the LF is dropped; a NUL also ends a frame (some senders end frames with NUL,
//     or with LF then NUL); empty frames between delimiters are skipped silently.
//
// Hostile peers: memory never grows with what a peer sends. A line frame longer than
// `max_frame_bytes` is skipped up to its delimiter and reported (kOversized) with its offset
// and length, without being kept. An octet count over the limit makes the reader skip exactly
// that many bytes, report kOversized, then resume. A malformed octet count (a non-digit before
// the space, more than kMaxCountDigits digits, a count of zero) leaves no way to find the next
// frame: it is reported once as kFramingError and the reader then ignores the stream (`failed()`);
// the caller closes that connection. The reader holds at most two frame buffers of
// `max_frame_bytes` (the frame being returned and the next one being assembled), plus nothing
// per byte fed: bytes that complete within one feed() are returned as views of the caller's
// bytes, never copied.
//
// Lifetimes: a frame's `message` views either the bytes given to the last feed() or the
// reader's own buffer. It stays valid until the next feed() or finish() (or the reader's
// destruction) provided the caller leaves the fed bytes unchanged until then: drain next()
// before reading into the same buffer again. Offsets count bytes from the start of the
// connection's stream. The reader is not thread-safe: one connection, one thread at a time.
//
//   watch::SyslogFrameReader reader;                  // one per connection
//   char buf[64 << 10];
//   for (;;) {
//       ssize_t n = ::read(fd, buf, sizeof buf);
//       if (n <= 0) reader.finish(); else reader.feed({buf, std::size_t(n)});
//       watch::SyslogFrame f;
//       while (reader.next(f)) {
//           if (f.kind == watch::SyslogFrame::Kind::kMessage) handle(f.message);
//           else report(f.kind, f.offset, f.length, f.why);  // kFramingError: close after this
//       }
//       if (n <= 0 || reader.failed()) break;
//   }
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace vigie::watch {

enum class SyslogFraming : std::uint8_t {
    kNonTransparent,  ///< MSG ended by LF (CR LF, NUL also accepted)
    kOctetCounted,    ///< `LEN SP MSG`
};

struct SyslogFrame {
    enum class Kind : std::uint8_t {
        kMessage,       ///< a complete frame; `message` holds it
        kOversized,     ///< a frame over max_frame_bytes, skipped whole
        kTruncated,     ///< the stream ended inside an octet-counted frame (finish())
        kFramingError,  ///< a malformed octet count: the stream is lost, close the connection
    };
    Kind kind = Kind::kMessage;
    SyslogFraming framing = SyslogFraming::kNonTransparent;
    /// kMessage: the frame's bytes, without the length prefix or the LF/CR/NUL trailer (an
    /// octet-counted MSG is given exactly as counted). Valid until the next feed(), see above.
    std::string_view message;
    std::uint64_t offset = 0;  ///< stream offset of the frame's first byte (its length prefix)
    std::uint64_t length = 0;  ///< bytes the frame takes in the stream, prefix and trailer included
    const char* why = "";      ///< kOversized, kTruncated, kFramingError: what was wrong
};

struct SyslogFrameOptions {
    std::size_t max_frame_bytes = std::size_t{1} << 20;
    /// false: every frame is an LF-ended line, even one starting with a digit (senders known
    /// never to count octets, or JSON Lines over TCP, where a line may start with anything).
    bool detect_octet_counting = true;
};

struct SyslogFrameStats {
    std::uint64_t bytes = 0;     ///< bytes fed
    std::uint64_t messages = 0;  ///< kMessage frames returned
    std::uint64_t oversized = 0;
    std::uint64_t truncated = 0;
    std::uint64_t framing_errors = 0;  ///< 0 or 1: the first one ends the stream
};

class SyslogFrameReader {
  public:
    /// An octet count longer than this is a framing error (10 digits: counts up to ~10 GB).
    static constexpr std::size_t kMaxCountDigits = 10;

    explicit SyslogFrameReader(SyslogFrameOptions options = {});

    /// The next bytes of the stream. Call next() until it returns false before feeding more
    /// (bytes not yet scanned would be lost: a contract, checked by an assertion). Frames
    /// returned before become invalid. Bytes fed after a framing error or finish() are ignored.
    void feed(std::string_view bytes);

    /// The end of the stream: next() then returns what was pending: a final line frame without
    /// its LF (kMessage, as rsyslog does at close), or kTruncated for an unfinished octet-counted
    /// frame or an oversized frame cut by the end (kOversized). Frames returned before become
    /// invalid.
    void finish();

    /// The next frame or skipped piece; false when the bytes fed so far are used up.
    bool next(SyslogFrame& out);

    /// A framing error was reported: the rest of the stream is ignored.
    bool failed() const noexcept { return state_ == State::kFailed; }
    const SyslogFrameStats& stats() const noexcept { return stats_; }
    /// Bytes of memory held for partial frames (for tests of the memory bound).
    std::size_t buffered_capacity() const noexcept;

  private:
    enum class State : std::uint8_t {
        kFrameStart,   // between frames
        kCount,        // reading the digits of an octet count
        kCountedBody,  // collecting `remaining_` bytes of an octet-counted frame
        kCountedSkip,  // skipping `remaining_` bytes of an oversized octet-counted frame
        kLine,         // collecting a line frame
        kLineSkip,     // skipping an oversized line frame up to its delimiter
        kFailed,       // after a framing error
    };

    std::uint64_t stream_offset() const noexcept { return input_offset_ + pos_; }
    std::vector<char>& carry() noexcept { return carry_[carry_index_]; }
    std::string_view carried() noexcept { return {carry().data(), carry().size()}; }
    /// Appends to the partial frame, in the buffer not holding a returned frame.
    void carry_append(std::string_view bytes);
    void carry_reset() noexcept;
    bool emit_message(SyslogFrame& out, std::string_view message, SyslogFraming framing);
    bool emit_problem(SyslogFrame& out, SyslogFrame::Kind kind, SyslogFraming framing,
                      std::uint64_t length, const char* why);
    bool at_input_end(SyslogFrame& out);

    std::size_t max_frame_;
    bool detect_octet_counting_;
    std::string_view input_;          // bytes of the last feed()
    std::size_t pos_ = 0;             // next unscanned byte of input_
    std::uint64_t input_offset_ = 0;  // stream offset of input_[0]
    State state_ = State::kFrameStart;
    bool finished_ = false;
    std::uint64_t frame_offset_ = 0;  // stream offset of the current frame's first byte
    std::uint64_t count_ = 0;         // octet count being read / bytes left in the counted frame
    std::size_t count_digits_ = 0;
    // Partial-frame buffers: carry() holds the frame being assembled; a frame completed in it
    // is returned from there, and the next partial frame goes to the other buffer, so the
    // returned one stays valid until the next feed(). Vectors, whose reserve() allocates what is
    // asked (a string's grows at least twofold), so each stays within max_frame_bytes.
    std::vector<char> carry_[2];
    int carry_index_ = 0;
    SyslogFrameStats stats_;
};

}  // namespace vigie::watch
