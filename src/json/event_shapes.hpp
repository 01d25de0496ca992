// json/event_shapes.hpp - one parsed JSON object -> core::Event fields, for each export shape.
//
//   evtx-crate  {"Event":{"System":{...},"EventData":{...}}} as `evtx_dump -o json|jsonl`
//               prints it (also with --separate-json-attributes, and without the "Event"
//               wrapper, as Velociraptor's parse_evtx() writes it): fields named exactly as the
//               EVTX reader names them (core/windows_fields.hpp: System children by name,
//               `Element_Attribute` for attributes such as Provider_Name, EventData by Data
//               Name, unnamed Data as Data and Data[n], UserData leaves by name and dotted
//               path), so a rule matches the JSON export of a log as it matches the log.
//   ecs         Winlogbeat / Elastic: winlog.channel -> Channel, winlog.event_id -> EventID,
//               winlog.event_data.* by their own names, ...; for Sysmon events, the ECS fields
//               Winlogbeat's Sysmon module moves event data to (process.command_line, ...) are
//               named back (CommandLine, ...); every key also by its dotted ECS path.
//   openwec     OpenWEC's Json format: {"System":{"Provider":{"Name":..,"Guid":..},"EventID":..,
//               "TimeCreated":"..Z","Execution":{"ProcessID":..},"UserID":..,...},"EventData":
//               {named.., "Data":[unnamed..]},"UserData":"<raw XML>","RenderingInfo":{..},
//               "OpenWEC":{..}}: the EVTX reader's names again (System objects' members as
//               Element_Attribute, TimeCreated -> TimeCreated_SystemTime, UserID ->
//               Security_UserID, EventIDQualifiers -> EventID_Qualifiers; the UserData string
//               parsed as XML, its leaves by name and path); OpenWEC's metadata by dotted path
//               (OpenWEC.IpAddress, OpenWEC.Subscription.Name, ...). EventData comes from a
//               hash map in OpenWEC: the same fields, in another order.
//   openwec-raw OpenWEC's JsonRaw format: {"meta":{..},"data":"<Event ...>...</Event>"}: the
//               XML read by xml_event_reader.hpp, then meta as OpenWEC.* fields.
//   flat        one object per event with the fields at the top (NXLog im_msvistalog and
//               OpenWEC's Nxlog format, Velociraptor and PowerShell exports): each key by its
//               name, nested keys by dotted path (and the children of EventData / UserData
//               also by their own name), well-known aliases (Hostname -> Computer, SourceName
//               -> Provider_Name, RecordNumber -> EventRecordID, ExecutionProcessID ->
//               Execution_ProcessID, ActivityID -> Correlation_ActivityID, OpcodeValue ->
//               Opcode, ...) added when the Windows name is missing; a numeric Keywords (NXLog
//               prints the 64-bit mask as a signed decimal) as the EVTX reader's 0x hex; a
//               "Data" array as Data and Data[n]; a UserData string of XML as its leaves.
//
// Only fields are produced (rules read nothing else); the document tree stays empty, except
// for openwec-raw, whose XML gives the tree. Timestamps: TimeCreated/SystemTime, @timestamp,
// EventTime, ... parsed with core::parse_iso8601; a time without a zone (NXLog's EventTime,
// in the sending machine's local time) is taken as UTC.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string_view>

#include "core/event.hpp"
#include "core/result.hpp"
#include "json/xml_event_reader.hpp"

namespace vigie::json {

/// kXml is not JSON: what event_text.hpp reports for a text that is an XML document.
enum class JsonFormat { kAuto, kEvtxCrate, kEcs, kFlat, kOpenWec, kOpenWecRaw, kXml };

/// "auto", "evtx-json" (or "evtx"), "ecs" (or "winlogbeat"), "flat" (or "nxlog"), "openwec",
/// "openwec-raw".
std::optional<JsonFormat> parse_json_format(std::string_view name) noexcept;
const char* json_format_name(JsonFormat format) noexcept;

/// The shape of one object (never kAuto): "meta" and a "data" string: openwec-raw; a "System"
/// object written by OpenWEC ("OpenWEC" beside it, or System/TimeCreated a string, or
/// System/Provider/Name): openwec; an "Event" object holding "System", or another top-level
/// "System" object: evtx-crate; a "winlog" object: ecs; anything else: flat.
JsonFormat detect_shape(simdjson::dom::object object);

/// Fills `event` (cleared first) from `object` read as `shape` (kAuto: detected), using `xml`
/// for the XML some shapes carry. Text values are views into the JSON parser's buffers and
/// the event, valid until either parses again. Fails only for openwec-raw whose "data" is not
/// a Windows event (XML errors as xml_event_reader.hpp gives them); the other shapes take
/// what they find.
core::Result<void> build_event(simdjson::dom::object object, JsonFormat shape, core::Event& event,
                               WindowsXmlParser& xml);
/// The same with an XML parser made when a shape needs one (callers with many events should
/// keep a parser and use the overload above).
void build_event(simdjson::dom::object object, JsonFormat shape, core::Event& event);

}  // namespace vigie::json
