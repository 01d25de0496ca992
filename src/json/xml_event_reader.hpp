// json/xml_event_reader.hpp - Windows event XML -> core::Event, one document or a whole file.
//
//   json::WindowsXmlParser xml;                            // reuse it: one expat parser inside
//   core::Event event;
//   if (auto ok = xml.parse_event(text, event); !ok) return ok.error();   // <Event ...>...</Event>
//   match(event);                                          // valid until xml parses again
//
//   auto in = core::open_input_stream("export.xml");       // Event Viewer, wevtutil qe /f:xml
//   auto stats = xml.read_events(**in, [&](const core::Event& e) { match(e); });
//
// What it reads: the XML that Windows renders for an event, as Windows Event Forwarding and
// OpenWEC's Raw format carry it, `wevtutil qe /f:xml` prints it (one <Event> after another,
// without a root: read_events() accepts that) and Event Viewer saves it (an <Events> root).
// The events get the document tree (elements, attributes, text and CDATA as written;
// whitespace-only text between elements dropped) and the fields the EVTX reader gives the same
// record: the naming is core::index_windows_fields() itself (System children by name,
// attributes as Element_Attribute, EventData by Data Name, unnamed Data as Data and Data[n],
// UserData and RenderingInfo leaves by name and dotted path). Event::timestamp comes from
// TimeCreated SystemTime and Event::record_id from EventRecordID. Values are UTF-8 text:
// where the EVTX reader has typed values (numbers, GUIDs, SIDs, times), their text is equal.
//
// Parsing is expat (streaming, UTF-8 and UTF-16 input, checked well-formedness). Input comes
// from other machines, so: a DOCTYPE is refused (no entity can be declared, so no entity
// expansion attack; only the five predefined entities and character references exist), and
// XmlLimits bound the bytes, the nesting and the nodes of each event; going past one is a
// kLimitExceeded error, malformed XML a kParse error, each with the line and column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "core/event.hpp"
#include "core/input_stream.hpp"
#include "core/result.hpp"

namespace vigie::json {

struct XmlLimits {
    /// Bytes of one event (or of a whole document given to parse_event()); also bounds what
    /// expat buffers for one unfinished token (a huge attribute) while streaming.
    std::size_t max_bytes = std::size_t{4} << 20;
    /// Element nesting, counted from the document root (<Events> included).
    std::size_t max_depth = 64;
    /// Elements, text pieces and attributes of one event.
    std::size_t max_nodes = 50'000;
};

struct XmlReadStats {
    std::uint64_t events = 0;
    /// Set when reading stopped before the end: malformed XML or a limit (XML cannot be
    /// resynchronised after an error). The events before it were visited.
    std::optional<core::Error> stopped;
};

class WindowsXmlParser {
  public:
    explicit WindowsXmlParser(XmlLimits limits = {});
    ~WindowsXmlParser();
    WindowsXmlParser(const WindowsXmlParser&) = delete;
    WindowsXmlParser& operator=(const WindowsXmlParser&) = delete;

    const XmlLimits& limits() const noexcept { return limits_; }

    /// Fills `event` (cleared first) from one document holding one <Event>, possibly inside
    /// an <Events> root. The text is UTF-8 whatever its XML declaration says. Errors:
    /// kParse (malformed, DOCTYPE, no <Event>, a root that is not Event or Events, several
    /// events), kLimitExceeded. The event's views stay valid until this parser parses again.
    core::Result<void> parse_event(std::string_view xml, core::Event& event);

    /// Every <Event> of `input` in order, each given to `visit` (valid during the call only).
    /// The encoding is read from the byte order mark or the XML declaration (UTF-8 default,
    /// UTF-16 as PowerShell redirections write). Fails only when the input cannot be read;
    /// malformed XML or a limit ends the reading and is reported in stats.stopped.
    core::Result<XmlReadStats> read_events(core::InputStream& input,
                                           const std::function<void(const core::Event&)>& visit);

    /// Adds the leaves of `fragment` (the XML content of a UserData element, as OpenWEC's
    /// JSON formats carry it: a string) to `event` as the EVTX reader names UserData leaves,
    /// by name and by path from "UserData". The event's existing tree and fields are kept.
    core::Result<void> add_user_data(std::string_view fragment, core::Event& event);

  private:
    struct State;
    XmlLimits limits_;
    std::unique_ptr<State> state_;
};

/// One-off convenience: parse_event() with a parser of its own (daemons should keep one).
core::Result<void> parse_windows_event_xml(std::string_view xml, core::Event& event,
                                           const XmlLimits& limits = {});

}  // namespace vigie::json
