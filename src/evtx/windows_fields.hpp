// evtx/windows_fields.hpp - names the fields of a Windows event the way detection rules do.
//
// From the document tree of <Event> it adds core::Event fields:
// - System: each child by its name (EventID, Channel, Computer, EventRecordID, ...) and each
//   attribute as Element_Attribute (Provider_Name, TimeCreated_SystemTime, Execution_ProcessID,
//   Security_UserID, EventID_Qualifiers, ...);
// - EventData: <Data Name="X"> as X; unnamed <Data> as "Data" (every one) and positionally as
//   "Data[1]", "Data[2]", ...; other children (Binary) by their name;
// - UserData and any other section: every leaf element by its name and by its dotted path
//   from the section (UserData.LogFileCleared.SubjectUserName).
// It also sets Event::timestamp from TimeCreated_SystemTime when that is a FILETIME value.
//
//   index_windows_fields(event, ctx);   // EVTX records: names shared through the chunk
//   index_windows_fields(event);        // events parsed from text (json/xml_event_reader):
//                                       // joined names stored in the event, living with it
#pragma once

#include "core/event.hpp"

namespace vigie::evtx {

class ChunkContext;

/// Names made here (Element_Attribute, decoded Data Names) live as long as the chunk.
void index_windows_fields(core::Event& event, ChunkContext& ctx);
/// The same naming; names made here are stored in `event` and live as long as it does.
void index_windows_fields(core::Event& event);

}  // namespace vigie::evtx
