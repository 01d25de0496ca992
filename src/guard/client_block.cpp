#include "guard/client_block.hpp"

#include <fmt/format.h>

#include "guard/subprocess.hpp"

namespace vigie::guard {

std::string nft_table_script() {
    // Rejected with a TCP reset rather than dropped: the client fails at once instead of
    // retrying for a minute per file, and the server keeps no half-open connections.
    return fmt::format(
        "table {0} {{\n"
        "  set blocked_v4 {{ type ipv4_addr; flags timeout; }}\n"
        "  set blocked_v6 {{ type ipv6_addr; flags timeout; }}\n"
        "  set smb_ports {{ type inet_service; elements = {{ 139, 445 }}; }}\n"
        "  chain input {{\n"
        "    type filter hook input priority -10; policy accept;\n"
        "    ip saddr @blocked_v4 tcp dport @smb_ports reject with tcp reset\n"
        "    ip6 saddr @blocked_v6 tcp dport @smb_ports reject with tcp reset\n"
        "  }}\n"
        "}}\n",
        kBlockTable);
}

std::string nft_block_script(const SmbClient& client, std::chrono::seconds duration) {
    const bool ipv6 = client.address.find(':') != std::string::npos;
    std::string script;
    if (client.local_port != 0)
        script +=
            fmt::format("add element {} smb_ports {{ {} }}\n", kBlockTable, client.local_port);
    script += fmt::format("add element {} {} {{ {} timeout {}s }}\n", kBlockTable,
                          ipv6 ? "blocked_v6" : "blocked_v4", client.address,
                          std::max<std::int64_t>(1, duration.count()));
    return script;
}

core::Result<void> block_smb_client(std::int32_t namespace_pid, const SmbClient& client,
                                    std::chrono::seconds duration) {
    if (client.address.empty() ||
        client.address.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos)
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("not an address: '{}'", client.address));
    ProgramOptions options;
    options.network_namespace_of = namespace_pid;
    options.timeout = std::chrono::milliseconds(3000);
    auto listed = run_program({"nft", "list", "table", "inet", "vigie_guard"}, options);
    if (!listed) return std::move(listed).error();
    if (listed->exit_code != 0) {
        options.input = nft_table_script();
        auto made = run_program({"nft", "-f", "-"}, options);
        if (!made) return std::move(made).error();
        if (made->exit_code != 0)
            return core::fail(core::ErrorCode::kIo, fmt::format("nft: cannot create table {}: {}",
                                                                kBlockTable, made->errors));
    }
    options.input = nft_block_script(client, duration);
    auto added = run_program({"nft", "-f", "-"}, options);
    if (!added) return std::move(added).error();
    if (added->exit_code != 0)
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("nft: cannot block {}: {}", client.address, added->errors));
    return {};
}

}  // namespace vigie::guard
