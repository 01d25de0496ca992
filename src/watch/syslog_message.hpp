// watch/syslog_message.hpp - the header of one syslog frame (RFC 5424 or RFC 3164), and the
// Windows event inside its MSG.
//
// What Windows event forwarders send over syslog, and what is recognised:
//   - RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`, each field `-` when
//     absent; SD is `-` or `[id name="value" ...]...` with `\"`, `\\` and `\]` escaped in values;
//     MSG may start with a UTF-8 BOM. rsyslog's RSYSLOG_SyslogProtocol23Format
//     (`<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID%
//     %STRUCTURED-DATA% %msg%\n`) and NXLog's to_syslog_ietf() produce it.
//   - RFC 3164, as rsyslog's default forwarding template RSYSLOG_TraditionalForwardFormat
//     (`<%PRI%>%TIMESTAMP% %HOSTNAME% %syslogtag:1:32%%msg:::sp-if-no-1st-sp%%msg%`) and NXLog's
//     to_syslog_bsd() produce it: `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[pid]: MSG`, the day padded
//     with a space ("Nov  5"). RSYSLOG_ForwardFormat's RFC 3339 timestamp in the same place is
//     accepted too. The tag is split into app_name and procid. rsyslog cuts the tag to 32
//     characters (`%syslogtag:1:32%`), which can drop its colon: a first word of 32 characters
//     or more is still taken as the tag.
//   - No header at all (NXLog `to_json()` lines, a raw `<Event>` document, garbage): the whole
//     frame is the message, flagged kNoHeader. A valid `<PRI>` followed by something that is no
//     known header gives kPriorityOnly, the rest being the message.
// Trailing CR, LF and NUL are dropped from the message (RSYSLOG_SyslogProtocol23Format ends
// with LF, which octet-counted framing keeps).
//
// parse_syslog_message() fails only on an empty frame: anything else yields a message to look
// into. Every field is a view into the frame: valid as long as the frame's bytes are.
// RFC 3164 timestamps carry no year and no zone: given the time the frame was received, the
// year that puts the timestamp closest to it is chosen and the time is read as UTC; without it
// `time` stays empty. The daemon should prefer the event's own time from the payload anyway.
//
//   auto m = watch::parse_syslog_message(frame.message, received_ticks);  // FILETIME ticks
//   if (!m) return;                                   // empty frame
//   const watch::EventPayload p = watch::find_event_payload(m->message);
//   if (p.kind == watch::EventPayload::Kind::kJson) parse_json_event(p.text, m->hostname);
//   else if (p.kind == watch::EventPayload::Kind::kXml) parse_xml_event(p.text);
//   else count_unusable(m->format);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace vigie::watch {

enum class SyslogFormat : std::uint8_t {
    kRfc5424,
    kRfc3164,
    kPriorityOnly,  ///< `<PRI>` then no recognisable header: the rest is the message
    kNoHeader,      ///< no `<PRI>`: the whole frame is the message
};

const char* syslog_format_name(SyslogFormat format) noexcept;

struct SyslogMessage {
    SyslogFormat format = SyslogFormat::kNoHeader;
    std::uint8_t facility = 0;   ///< PRI / 8 (0 when there is no PRI)
    std::uint8_t severity = 0;   ///< PRI % 8
    std::uint8_t version = 0;    ///< 1 for RFC 5424, 0 otherwise
    std::string_view timestamp;  ///< the timestamp text as sent; empty when absent (`-`)
    std::optional<core::FileTimeTicks> time;  ///< `timestamp` read as UTC ticks, when possible
    std::string_view hostname;                ///< empty when absent (`-`)
    std::string_view app_name;                ///< RFC 3164: the tag without `[pid]` and `:`
    std::string_view procid;                  ///< RFC 3164: the pid between brackets in the tag
    std::string_view msgid;
    std::string_view structured_data;  ///< all SD elements, brackets included; empty for `-`
    std::string_view message;          ///< MSG, BOM and trailing CR/LF/NUL removed
    bool bom = false;                  ///< MSG started with a UTF-8 byte order mark
};

/// Parses the header of one frame. `received_at` (ticks, 0 = unknown) dates RFC 3164
/// timestamps. Error: kParse for a frame that is empty once CR/LF/NUL are trimmed.
core::Result<SyslogMessage> parse_syslog_message(std::string_view frame,
                                                 core::FileTimeTicks received_at = 0);

/// One PARAM-NAME="PARAM-VALUE" of an SD element, the value still escaped.
struct SdParam {
    std::string_view sd_id;
    std::string_view name;
    std::string_view raw_value;  ///< between the quotes, `\"` `\\` `\]` not yet unescaped
};

/// Reads the parameters of SyslogMessage::structured_data one at a time:
///   watch::StructuredDataReader sd(m.structured_data);
///   watch::SdParam p;
///   std::string value;
///   while (sd.next(p)) { value.clear(); watch::append_sd_value(value, p.raw_value); ... }
///   if (sd.malformed()) ...
class StructuredDataReader {
  public:
    explicit StructuredDataReader(std::string_view structured_data) : sd_(structured_data) {}
    /// The next parameter; false at the end or at the first malformed byte.
    bool next(SdParam& out);
    bool malformed() const noexcept { return malformed_; }

  private:
    std::string_view sd_;
    std::size_t pos_ = 0;
    std::string_view sd_id_;
    bool in_element_ = false;
    bool malformed_ = false;
};

/// Appends an SD parameter value with its escapes (`\"`, `\\`, `\]`) resolved. A backslash
/// before any other character is kept, as RFC 5424 section 6.3.3 asks.
void append_sd_value(std::string& out, std::string_view raw_value);

/// The Windows event inside a syslog MSG.
struct EventPayload {
    enum class Kind : std::uint8_t {
        kNone,  ///< neither a JSON object nor an `<Event` document
        kJson,  ///< `text` runs from `{` to the last `}`
        kXml,   ///< `text` runs from `<Event` (or `<?xml`) to the last `</Event>`
    };
    Kind kind = Kind::kNone;
    std::string_view text;  ///< a view into the message
};

/// Finds the event in MSG: skips white space, a BOM and a CEE cookie (`@cee:`), then takes a
/// JSON object or an XML event that starts there, or failing that the first `{"` or `<Event`
/// within the first kMaxPayloadPrefix bytes (a short prefix some forwarders add). The text is
/// not parsed: only its ends are checked (the last `}`, the last `</Event>`).
inline constexpr std::size_t kMaxPayloadPrefix = 256;
EventPayload find_event_payload(std::string_view message);

}  // namespace vigie::watch
