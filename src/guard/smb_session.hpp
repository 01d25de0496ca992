// guard/smb_session.hpp - who is behind a Samba worker: the client machine, its user, the share.
//
// On a file server every write to a share comes from an smbd worker, one process per client
// connection, all children of one daemon (and often of one process group). Stopping that group
// would cut every user off; the attacker is the client machine. So the guard keys SMB work by
// worker (one connection: one client's session) and sums it per client address.
//  - The address comes from the worker's established TCP socket: its descriptors name socket
//    inodes, the worker's own /proc/PID/net/tcp{,6} (its network namespace) gives the peer.
//    Cheap enough for the first event of every worker.
//  - The user and the share come from Samba's state, `smbstatus --json` with the worker's own
//    configuration file: about 80 ms, so asked once per session, when the guard has stopped
//    it (its session is still registered then; no other writer waits for the answer).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vigie::guard {

/// The far end of a worker's connection.
struct SmbClient {
    std::string address;           ///< "10.0.0.7" or "fd00::7"
    std::uint16_t port = 0;        ///< the client's port
    std::uint16_t local_port = 0;  ///< the server's port it reached (445, 139, or configured)
};

/// What Samba knows of a worker's session.
struct SmbSessionDetails {
    std::string user;   ///< "DOMAIN\\name" or the unix name Samba shows
    std::string share;  ///< the share (tree connection) name; several joined by ","
};

/// Whether an executable path is Samba's file server (smbd).
bool is_samba_server_program(std::string_view executable);
/// The same from the process name (comm): what is left of a worker that is exiting, whose
/// executable link /proc can no longer read.
bool is_samba_server_name(std::string_view command);

/// The established TCP peer of process `pid`, from /proc; nullopt for a process without one
/// (smbd's parent, its helpers) or gone.
std::optional<SmbClient> samba_worker_client(std::int32_t pid);

/// Finds the established connection among `socket_inodes` in a /proc/net/tcp (or tcp6) text.
std::optional<SmbClient> find_established_peer(std::string_view proc_net_tcp,
                                               const std::set<std::uint64_t>& socket_inodes,
                                               bool ipv6);

/// The configuration file a Samba process was started with ("-s F", "--configfile[=]F"),
/// from its command line; "" for Samba's default.
std::string samba_config_of(std::int32_t pid);

/// The user and shares of worker `pid` in `smbstatus --json` output.
core::Result<SmbSessionDetails> parse_smbstatus_json(std::string_view json, std::int32_t pid);

/// Runs `smbstatus --json` (with the worker's configuration) and parses it; gives up after
/// `timeout` (Samba's databases may be locked by a stuck process).
core::Result<SmbSessionDetails> query_smb_session(std::int32_t pid,
                                                  std::chrono::milliseconds timeout);

}  // namespace vigie::guard
