#include "guard/proc_info.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "guard/smb_session.hpp"

namespace vigie::guard {

std::string read_proc_file(const std::string& path, std::size_t cap) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    std::string out;
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
        if (out.size() > cap) break;
    }
    ::close(fd);
    return out;
}

std::optional<ProcessInfo> read_process_info(std::int32_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    const std::string stat = read_proc_file(path);
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    //  stime cutime cstime priority nice threads itrealvalue starttime ..."; comm may hold
    // spaces and parentheses, so fields are read after the last ')'.
    const auto open = stat.find('(');
    const auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open)
        return std::nullopt;
    ProcessInfo info;
    info.pid = pid;
    info.command = stat.substr(open + 1, close - open - 1);
    char state = 0;
    int parent = 0, group = 0, session = 0;
    unsigned long long start = 0;
    if (std::sscanf(stat.c_str() + close + 1,
                    " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                    &state, &parent, &group, &session, &start) != 5)
        return std::nullopt;
    info.parent = parent;
    info.process_group = group;
    info.session = session;
    info.start_ticks = start;
    std::snprintf(path, sizeof path, "/proc/%d/status", pid);
    const std::string status = read_proc_file(path);
    if (const auto tgid = status.find("Tgid:"); tgid != std::string::npos)
        info.process =
            static_cast<std::int32_t>(std::strtol(status.c_str() + tgid + 5, nullptr, 10));
    if (const auto uid = status.find("\nUid:"); uid != std::string::npos)
        info.uid = static_cast<std::uint32_t>(std::strtoul(status.c_str() + uid + 5, nullptr, 10));
    std::snprintf(path, sizeof path, "/proc/%d/exe", pid);
    char exe[4096];
    const ssize_t n = ::readlink(path, exe, sizeof exe - 1);
    if (n > 0) info.executable.assign(exe, static_cast<std::size_t>(n));
    if (is_samba_server_program(info.executable) ||
        (info.executable.empty() && is_samba_server_name(info.command))) {
        info.smb_worker = true;
        if (auto client = samba_worker_client(pid)) info.smb_client = std::move(*client);
    }
    return info;
}

bool open_asks_for_write(std::int32_t tid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/syscall", tid);
    const std::string line = read_proc_file(path);
    // "257 0xffffff9c 0x7ffc... 0x241 0x1b6 ...": the number, then the arguments in hex.
    unsigned long long args[4] = {};
    long number = -1;
    if (std::sscanf(line.c_str(), "%ld %llx %llx %llx %llx", &number, &args[0], &args[1], &args[2],
                    &args[3]) < 1)
        return true;
    unsigned long long flags = 0;
    switch (number) {
#ifdef SYS_open
        case SYS_open:
            flags = args[1];
            break;
#endif
        case SYS_openat:
            flags = args[2];
            break;
        case SYS_open_by_handle_at:
            flags = args[2];
            break;
#ifdef SYS_creat
        case SYS_creat:
            return true;
#endif
        case SYS_execve:
        case SYS_execveat:
            return false;
        default:
            return true;  // openat2 (flags behind a pointer), io_uring, ...
    }
    return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC) != 0;
}

}  // namespace vigie::guard
