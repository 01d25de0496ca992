// guard/replay_format.hpp - the JSON-lines format of recorded event streams, shared by the
// recorder (recording_source.hpp) and the replay twin (replay_source.hpp).
//
//   {"process":4242,"parent":1,"group":4242,"session":4242,"uid":0,"start":9,"exe":"...","comm":"..."}
//   (a Samba worker adds "smb", "client", "client_port", "local_port", "smb_user", "share")
//   {"kind":"close_write","pid":4242,"dir":false,"write":true,"dev":2049,"ino":131,"size":5120,
//    "op":0,"path":"/srv/a.docx","old_path":"","apply":"/srv/a.docx","head":"<base64>",
//    "tail_offset":65536,"tail":"<base64>"}
//
// head holds the file's bytes from offset 0 as the engine read them, tail its last bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "guard/event_source.hpp"

namespace vigie::guard {

std::string to_base64(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

/// A process; a Samba worker's line also carries its client and, when known, its session's
/// user and share ("smb":true,"client":"10.0.0.7","client_port":50122,"local_port":445,
/// "smb_user":"nobody","share":"docs").
std::string process_line(const ProcessInfo& process, const SmbSessionDetails* session = nullptr);

struct RecordedBytes {
    std::span<const std::uint8_t> head;
    std::uint64_t tail_offset = 0;
    std::span<const std::uint8_t> tail;
};

std::string event_line(const FsEvent& event, std::uint64_t operation, const std::string& apply_path,
                       const RecordedBytes* bytes);

}  // namespace vigie::guard
