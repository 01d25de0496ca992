#include "guard/process_control.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "guard/client_block.hpp"

namespace vigie::guard {
namespace {

// Parent pid from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces and
// parentheses, so read after the last ')').
std::int32_t parent_of(std::int32_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE* f = std::fopen(path, "re");
    if (f == nullptr) return 0;
    char buffer[1024];
    const std::size_t n = std::fread(buffer, 1, sizeof buffer - 1, f);
    std::fclose(f);
    buffer[n] = '\0';
    const char* close = std::strrchr(buffer, ')');
    if (close == nullptr) return 0;
    char state = 0;
    int parent = 0;
    if (std::sscanf(close + 1, " %c %d", &state, &parent) != 2) return 0;
    return parent;
}

bool is_protected(ProcessControl& control, std::int32_t pid) {
    if (pid <= 1 || pid == control.own_pid()) return true;
    const auto ancestors = control.own_ancestors();
    return std::find(ancestors.begin(), ancestors.end(), pid) != ancestors.end();
}

}  // namespace

bool SystemProcessControl::signal(std::int32_t pid, int sig) {
    return ::kill(pid, sig) == 0;
}

core::Result<void> SystemProcessControl::block_client(std::int32_t worker, const SmbClient& client,
                                                      std::chrono::seconds duration) {
    return block_smb_client(worker, client, duration);
}

bool SystemProcessControl::signal_group(std::int32_t group, int sig) {
    return ::kill(-group, sig) == 0;
}

std::vector<std::pair<std::int32_t, std::int32_t>> SystemProcessControl::processes() {
    std::vector<std::pair<std::int32_t, std::int32_t>> out;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return out;
    while (const dirent* entry = ::readdir(proc)) {
        char* end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0') continue;
        const auto id = static_cast<std::int32_t>(pid);
        out.emplace_back(id, parent_of(id));
    }
    ::closedir(proc);
    return out;
}

std::int32_t SystemProcessControl::own_pid() {
    return ::getpid();
}

std::int32_t SystemProcessControl::own_group() {
    return ::getpgrp();
}

std::vector<std::int32_t> SystemProcessControl::own_ancestors() {
    std::vector<std::int32_t> out;
    for (std::int32_t pid = ::getppid(); pid > 1 && out.size() < 64; pid = parent_of(pid))
        out.push_back(pid);
    return out;
}

std::set<std::int32_t> signal_tree(ProcessControl& control, std::int32_t group,
                                   const std::set<std::int32_t>& members, int sig) {
    std::set<std::int32_t> signalled;
    // The group first: one call stops every member at the same instant.
    const bool group_safe =
        group > 1 && group != control.own_group() && !is_protected(control, group);
    if (group_safe) control.signal_group(group, sig);
    std::set<std::int32_t> wanted(members.begin(), members.end());
    // Rounds: signal who is wanted, then add their children; a stopped process forks no
    // more, so this ends once a round finds nobody new.
    for (int round = 0; round < 32; ++round) {
        bool added = false;
        for (const std::int32_t pid : wanted) {
            if (signalled.contains(pid) || is_protected(control, pid)) continue;
            if (control.signal(pid, sig)) signalled.insert(pid);
        }
        for (const auto& [pid, parent] : control.processes()) {
            if (signalled.contains(parent) && !wanted.contains(pid)) {
                wanted.insert(pid);
                added = true;
            }
        }
        if (!added) break;
    }
    return signalled;
}

}  // namespace vigie::guard
