// evtx/windows_event.hpp - builds the document tree of a Windows event from its parts.
//
// For the EVTX writer's users: tests, the demo log and benchmark inputs. The tree has the shape
// Windows gives events (<Event xmlns><System>...</System><EventData><Data Name=..>), so what is
// written and read back goes through the same paths as real logs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/event.hpp"

namespace vigie::evtx {

struct WindowsEventSpec {
    std::string provider = "Microsoft-Windows-Security-Auditing";
    std::string provider_guid;  ///< "54849625-5478-4994-A5BA-3E3B0328C30D" form; empty: none
    std::uint16_t event_id = 0;
    std::uint8_t version = 0;
    std::uint8_t level = 0;
    std::uint16_t task = 0;
    std::uint8_t opcode = 0;
    std::uint64_t keywords = 0x8020000000000000ULL;
    core::FileTimeTicks time = 0;
    std::uint64_t record_id = 0;
    std::uint32_t process_id = 4;
    std::uint32_t thread_id = 8;
    std::string channel = "Security";
    std::string computer = "HOST";
    std::string user_sid;  ///< "S-1-5-18" form; empty: no Security UserID
    /// EventData as <Data Name="name">value</Data>; an empty name gives an unnamed <Data>.
    std::vector<std::pair<std::string, std::string>> data;
    /// The EventID's Qualifiers attribute (classic providers: Service Control Manager 16384,
    /// MsiInstaller 0); negative: none.
    int qualifiers = -1;
    /// When set, `data` goes into <UserData><user_data xmlns="user_data_namespace"> as elements
    /// named after each pair, not into <EventData> (the Event Log service's LogFileCleared of
    /// Security 1102 and System 104).
    std::string user_data;
    std::string user_data_namespace;
};

/// Clears `event` and fills it from `spec`. Strings are copied into the event.
void build_windows_event(const WindowsEventSpec& spec, core::Event& event);

/// Binary SID for "S-1-5-21-..." text (nullopt-like empty vector when malformed).
std::vector<std::uint8_t> sid_from_string(std::string_view text);
/// 16 GUID bytes in Windows layout for "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX" (empty when
/// malformed).
std::vector<std::uint8_t> guid_from_string(std::string_view text);

}  // namespace vigie::evtx
