// json/event_shapes.hpp - one parsed JSON object -> core::Event fields, for each export shape.
//
//   evtx-crate  {"Event":{"System":{...},"EventData":{...}}} (or without the "Event" wrapper, as
//               Velociraptor writes it): fields named exactly as the EVTX reader names them
//               (System children, `Element_Attribute` for attributes such as Provider_Name,
//               EventData by name, unnamed Data as Data and Data[n], UserData leaves by name and
//               dotted path), so a rule matches the JSON export of a log as it matches the log.
//   ecs         Winlogbeat / Elastic: winlog.channel -> Channel, winlog.event_id -> EventID,
//               winlog.event_data.* by their own names, ...; every key also by its dotted path.
//   flat        one object per event with the fields at the top (NXLog, other exporters):
//               each key by its name, nested keys by dotted path, well-known aliases
//               (Hostname -> Computer, SourceName -> Provider_Name, ...) added when missing.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string_view>

#include "core/event.hpp"

namespace vigie::json {

enum class JsonFormat { kAuto, kEvtxCrate, kEcs, kFlat };

/// "auto", "evtx-json", "ecs", "flat".
std::optional<JsonFormat> parse_json_format(std::string_view name) noexcept;
const char* json_format_name(JsonFormat format) noexcept;

/// The shape of one object (never kAuto).
JsonFormat detect_shape(simdjson::dom::object object);

/// Fills `event` (cleared first) from `object` read as `shape`. Views into the parser's
/// buffers: valid until the parser parses again.
void build_event(simdjson::dom::object object, JsonFormat shape, core::Event& event);

}  // namespace vigie::json
