// guard/proc_info.hpp - what /proc says about a process, and what a blocked open asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "guard/event_source.hpp"

namespace vigie::guard {

/// Reads a small /proc file whole (at most about `cap` bytes); empty when it cannot.
std::string read_proc_file(const std::string& path, std::size_t cap = 65536);

/// Reads /proc/PID/stat, status and exe; nullopt when the process is gone.
std::optional<ProcessInfo> read_process_info(std::int32_t pid);

/// Whether the thread `tid`, blocked in an open, asked for write access or truncation, from
/// the system call and arguments in /proc/TID/syscall. True when it cannot tell (another
/// system call, io_uring, a thread already gone): a needless sample costs little, a missed
/// one loses evidence.
bool open_asks_for_write(std::int32_t tid);

}  // namespace vigie::guard
