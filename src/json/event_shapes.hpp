// json/event_shapes.hpp - one parsed JSON object -> core::Event fields, for each export shape.
//
//   evtx-crate  {"Event":{"System":{...},"EventData":{...}}} as `evtx_dump -o json|jsonl`
//               prints it (also with --separate-json-attributes, and without the "Event"
//               wrapper, as Velociraptor's parse_evtx() writes it): fields named exactly as the
//               EVTX reader names them (evtx/windows_fields.cpp: System children by name,
//               `Element_Attribute` for attributes such as Provider_Name, EventData by Data
//               Name, unnamed Data as Data and Data[n], UserData leaves by name and dotted
//               path), so a rule matches the JSON export of a log as it matches the log.
//   ecs         Winlogbeat / Elastic: winlog.channel -> Channel, winlog.event_id -> EventID,
//               winlog.event_data.* by their own names, ...; for Sysmon events, the ECS fields
//               Winlogbeat's Sysmon module moves event data to (process.command_line, ...) are
//               named back (CommandLine, ...); every key also by its dotted ECS path.
//   flat        one object per event with the fields at the top (NXLog im_msvistalog,
//               Velociraptor and PowerShell exports): each key by its name, nested keys by
//               dotted path (and the children of EventData / UserData also by their own name),
//               well-known aliases (Hostname -> Computer, SourceName -> Provider_Name,
//               RecordNumber -> EventRecordID, ...) added when the Windows name is missing.
//
// Only fields are produced (rules read nothing else); the document tree stays empty.
// Timestamps: TimeCreated/SystemTime, @timestamp, EventTime, ... parsed with
// core::parse_iso8601; a time without a zone (NXLog's EventTime) is taken as UTC.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string_view>

#include "core/event.hpp"

namespace vigie::json {

enum class JsonFormat { kAuto, kEvtxCrate, kEcs, kFlat };

/// "auto", "evtx-json" (or "evtx"), "ecs" (or "winlogbeat"), "flat".
std::optional<JsonFormat> parse_json_format(std::string_view name) noexcept;
const char* json_format_name(JsonFormat format) noexcept;

/// The shape of one object (never kAuto): an "Event" object holding "System", or a top-level
/// "System" object: evtx-crate; a "winlog" object: ecs; anything else: flat.
JsonFormat detect_shape(simdjson::dom::object object);

/// Fills `event` (cleared first) from `object` read as `shape` (kAuto: detected). Text values
/// are views into the parser's buffers, valid until the parser parses again.
void build_event(simdjson::dom::object object, JsonFormat shape, core::Event& event);

}  // namespace vigie::json
