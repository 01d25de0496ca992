// json/event_text.hpp - one received event as text (a JSON object of any shape, or Windows
// event XML) -> core::Event: the entry point for a daemon that gets events over the network.
//
//   json::EventTextParser parser;              // one per connection or thread; reuse it
//   core::Event event;
//   for (std::string_view line : received) {  // OpenWEC (Json, JsonRaw, Nxlog, Raw), NXLog CE
//       auto format = parser.build_event(line, event);   // to_json(), Winlogbeat, WEF XML
//       if (!format) { count_bad(format.error()); continue; }
//       match(event);                          // valid until the next build_event()
//       ++per_format[json::json_format_name(*format)];
//   }
//
// The text is recognised by its first byte after a UTF-8 byte order mark and whitespace: `<`
// is XML (one <Event>, as WEF and OpenWEC's Raw format carry it; xml_event_reader.hpp), `{` a
// JSON object whose shape is recognised (event_shapes.hpp: OpenWEC's Json and JsonRaw, NXLog
// and OpenWEC's Nxlog as flat, Winlogbeat as ecs, evtx_dump output as evtx-crate). A JSON
// object that simdjson rejects only for numbers out of range, bytes that are not UTF-8 or raw
// control characters is repaired first (repair.hpp), as the file reader does.
//
// The parser keeps its simdjson parser, its expat parser and their buffers across calls, so
// steady-state parsing allocates little. The event's names and values are views into those
// buffers and into the event: valid until the next build_event() on the same parser, or the
// event's next use. Not thread-safe: one parser per thread.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/result.hpp"
#include "json/event_shapes.hpp"
#include "json/xml_event_reader.hpp"

namespace vigie::json {

struct EventTextOptions {
    XmlLimits xml;                                       ///< for XML, and XML inside JSON
    std::size_t max_json_bytes = std::size_t{16} << 20;  ///< larger objects are refused
    JsonFormat format = JsonFormat::kAuto;               ///< JSON objects: force a shape
};

class EventTextParser {
  public:
    explicit EventTextParser(EventTextOptions options = {});

    /// Fills `event` (cleared first) from `text` and returns what it was read as: kXml for an
    /// XML document, else the JSON shape. Errors: kParse (neither an object nor XML, malformed,
    /// OpenWEC JsonRaw whose data is not an event), kLimitExceeded (too large, too deep).
    core::Result<JsonFormat> build_event(std::string_view text, core::Event& event);

  private:
    EventTextOptions options_;
    simdjson::dom::parser json_;
    std::vector<char> padded_;
    std::string repaired_;
    WindowsXmlParser xml_;
};

}  // namespace vigie::json
