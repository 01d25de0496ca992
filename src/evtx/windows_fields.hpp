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
// It also sets Event::timestamp from TimeCreated_SystemTime.
#pragma once

#include "core/event.hpp"

namespace vigie::evtx {

class ChunkContext;

void index_windows_fields(core::Event& event, ChunkContext& ctx);

}  // namespace vigie::evtx
