// guard/process_control.hpp - stopping an actor: every process of its tree, at once.
//
// The response suspends first (SIGSTOP cannot be caught or ignored, and a stopped process
// writes nothing more), then kills by policy. A process group is signalled as one (kill(-pgid)
// reaches every member in a single call); children that left the group are found by walking
// the process tree from each known member. The guard never signals itself, its own process
// group, its ancestors or init.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "guard/smb_session.hpp"

namespace vigie::guard {

class ProcessControl {
  public:
    virtual ~ProcessControl() = default;
    /// kill(pid, sig); false when the process is gone or refused.
    virtual bool signal(std::int32_t pid, int sig) = 0;
    /// kill(-group, sig).
    virtual bool signal_group(std::int32_t group, int sig) = 0;
    /// Every live process with its parent: (pid, parent pid).
    virtual std::vector<std::pair<std::int32_t, std::int32_t>> processes() = 0;
    /// Processes the guard must never signal: itself and its ancestors, and their group.
    virtual std::int32_t own_pid() = 0;
    virtual std::int32_t own_group() = 0;
    virtual std::vector<std::int32_t> own_ancestors() = 0;
    /// Rejects new SMB connections from a client for `duration`, in the network namespace
    /// of Samba worker `worker` (client_block.hpp).
    virtual core::Result<void> block_client(std::int32_t worker, const SmbClient& client,
                                            std::chrono::seconds duration) = 0;
};

/// The real one: kill(2) and /proc.
class SystemProcessControl final : public ProcessControl {
  public:
    bool signal(std::int32_t pid, int sig) override;
    bool signal_group(std::int32_t group, int sig) override;
    std::vector<std::pair<std::int32_t, std::int32_t>> processes() override;
    std::int32_t own_pid() override;
    std::int32_t own_group() override;
    std::vector<std::int32_t> own_ancestors() override;
    core::Result<void> block_client(std::int32_t worker, const SmbClient& client,
                                    std::chrono::seconds duration) override;
};

/// Sends `sig` to a process group (when it is safe to) and to every process of the trees
/// rooted at `members`, repeating the walk until it finds nobody new (a process forked
/// between two walks is caught by the next). Returns every process signalled.
std::set<std::int32_t> signal_tree(ProcessControl& control, std::int32_t group,
                                   const std::set<std::int32_t>& members, int sig);

}  // namespace vigie::guard
