// guard/client_block.hpp - keeping a client machine off the file server for a while.
//
// Ending an SMB session is not enough: Windows reconnects within a second and the encryption
// goes on. The guard therefore rejects new SMB connections from the client's address with an
// nftables rule, in the network namespace of the Samba worker (the host's, or a container's),
// before it ends the session. Addresses live in sets with a timeout, so the kernel lifts the
// block itself; a guard restart loses nothing, and an operator lifts it early with
// `nft delete element inet vigie_guard blocked_v4 { ADDRESS }`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "guard/smb_session.hpp"

namespace vigie::guard {

/// The nftables table the guard owns.
inline constexpr const char* kBlockTable = "inet vigie_guard";

/// The script that creates the table, its sets and its rules (run once per namespace).
std::string nft_table_script();

/// The script that adds `client` to the blocked set, with the port it reached among the
/// rejected ones.
std::string nft_block_script(const SmbClient& client, std::chrono::seconds duration);

/// Rejects new TCP connections from `client.address` to the SMB ports (139, 445 and the one
/// it used) for `duration`, in the network namespace of process `namespace_pid`.
core::Result<void> block_smb_client(std::int32_t namespace_pid, const SmbClient& client,
                                    std::chrono::seconds duration);

}  // namespace vigie::guard
