#include "guard/smb_session.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <vector>

#include "guard/proc_info.hpp"
#include "guard/subprocess.hpp"

namespace vigie::guard {
namespace {

bool parse_hex(std::string_view text, std::uint32_t& out) {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out, 16);
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

// "0200E70A:01BD" (IPv4) or 32 hex digits ":port" (IPv6): each 32-bit word of the address
// printed as a host-order number, the port in host order.
bool parse_endpoint(std::string_view text, bool ipv6, std::string& address, std::uint16_t& port) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view hex = text.substr(0, colon);
    std::uint32_t port_value = 0;
    if (!parse_hex(text.substr(colon + 1), port_value) || port_value > 0xffff) return false;
    port = static_cast<std::uint16_t>(port_value);
    const std::size_t words = ipv6 ? 4 : 1;
    if (hex.size() != words * 8) return false;
    std::uint32_t raw[4] = {};
    for (std::size_t i = 0; i < words; ++i)
        if (!parse_hex(hex.substr(i * 8, 8), raw[i])) return false;
    char buffer[INET6_ADDRSTRLEN] = {};
    if (!ipv6) return (address = ::inet_ntop(AF_INET, raw, buffer, sizeof buffer)), true;
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d: the plain form is the
    // one people and firewalls know.
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw);
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(bytes, bytes + 12, kMapped))
        return (address = ::inet_ntop(AF_INET, bytes + 12, buffer, sizeof buffer)), true;
    return (address = ::inet_ntop(AF_INET6, raw, buffer, sizeof buffer)), true;
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

}  // namespace

bool is_samba_server_program(std::string_view executable) {
    const auto slash = executable.rfind('/');
    const std::string_view name =
        slash == std::string_view::npos ? executable : executable.substr(slash + 1);
    return name == "smbd";
}

bool is_samba_server_name(std::string_view command) {
    return command == "smbd" || command.starts_with("smbd[");
}

std::optional<SmbClient> find_established_peer(std::string_view text,
                                               const std::set<std::uint64_t>& socket_inodes,
                                               bool ipv6) {
    constexpr std::string_view kEstablished = "01";
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const auto fields = split_fields(text.substr(pos, end - pos));
        pos = end + 1;
        // sl local rem st tx:rx tr:when retr uid timeout inode ...
        if (fields.size() < 10 || fields[3] != kEstablished) continue;
        std::uint64_t inode = 0;
        const auto r =
            std::from_chars(fields[9].data(), fields[9].data() + fields[9].size(), inode);
        if (r.ec != std::errc() || !socket_inodes.contains(inode)) continue;
        SmbClient client;
        std::string local_address;
        if (!parse_endpoint(fields[1], ipv6, local_address, client.local_port) ||
            !parse_endpoint(fields[2], ipv6, client.address, client.port))
            continue;
        return client;
    }
    return std::nullopt;
}

std::optional<SmbClient> samba_worker_client(std::int32_t pid) {
    std::set<std::uint64_t> sockets;
    const std::string fd_dir = fmt::format("/proc/{}/fd", pid);
    DIR* dir = ::opendir(fd_dir.c_str());
    if (dir == nullptr) return std::nullopt;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] == '.') continue;
        char target[64] = {};
        const std::string link = fd_dir + "/" + entry->d_name;
        const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
        std::uint64_t inode = 0;
        if (n > 0 && std::sscanf(target, "socket:[%lu]", &inode) == 1) sockets.insert(inode);
    }
    ::closedir(dir);
    if (sockets.empty()) return std::nullopt;
    // The worker's own view of the network: right in whatever namespace Samba runs.
    for (const bool ipv6 : {false, true}) {
        const std::string table =
            read_proc_file(fmt::format("/proc/{}/net/{}", pid, ipv6 ? "tcp6" : "tcp"), 16u << 20);
        if (auto peer = find_established_peer(table, sockets, ipv6)) return peer;
    }
    return std::nullopt;
}

std::string samba_config_of(std::int32_t pid) {
    const std::string cmdline = read_proc_file(fmt::format("/proc/{}/cmdline", pid), 65536);
    std::vector<std::string_view> args;
    for (std::size_t pos = 0; pos < cmdline.size();) {
        auto end = cmdline.find('\0', pos);
        if (end == std::string::npos) end = cmdline.size();
        args.emplace_back(cmdline.data() + pos, end - pos);
        pos = end + 1;
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if ((a == "-s" || a == "--configfile") && i + 1 < args.size())
            return std::string(args[i + 1]);
        if (a.starts_with("--configfile=")) return std::string(a.substr(13));
        if (a.starts_with("-s") && a.size() > 2) return std::string(a.substr(2));
    }
    return {};
}

core::Result<SmbSessionDetails> parse_smbstatus_json(std::string_view json, std::int32_t pid) {
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json);
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS)
        return core::fail(core::ErrorCode::kParse, "smbstatus: the output is not JSON");
    const std::string wanted = std::to_string(pid);
    auto server_pid = [](simdjson::dom::element entry) {
        std::string_view value;
        if (entry["server_id"]["pid"].get(value) != simdjson::SUCCESS) return std::string();
        return std::string(value);
    };
    SmbSessionDetails details;
    bool found = false;
    simdjson::dom::object sessions;
    if (doc["sessions"].get(sessions) == simdjson::SUCCESS) {
        for (auto [key, session] : sessions) {
            if (server_pid(session) != wanted) continue;
            found = true;
            std::string_view user;
            // A connection shows a second entry while a new login is negotiated.
            if (session["username"].get(user) == simdjson::SUCCESS && !user.starts_with("(")) {
                details.user = std::string(user);
                break;
            }
        }
    }
    simdjson::dom::object tcons;
    if (doc["tcons"].get(tcons) == simdjson::SUCCESS) {
        std::set<std::string> shares;
        for (auto [key, tcon] : tcons) {
            std::string_view service;
            if (server_pid(tcon) == wanted && tcon["service"].get(service) == simdjson::SUCCESS)
                shares.insert(std::string(service));
        }
        for (const std::string& share : shares)
            details.share += (details.share.empty() ? "" : ",") + share;
        found = found || !shares.empty();
    }
    if (!found)
        return core::fail(core::ErrorCode::kNotFound,
                          fmt::format("smbstatus: no session of process {}", pid));
    return details;
}

core::Result<SmbSessionDetails> query_smb_session(std::int32_t pid,
                                                  std::chrono::milliseconds timeout) {
    std::vector<std::string> argv{"smbstatus", "--json"};
    if (const std::string config = samba_config_of(pid); !config.empty()) {
        argv.push_back("--configfile");
        argv.push_back(config);
    }
    ProgramOptions options;
    options.timeout = timeout;
    auto run = run_program(argv, options);
    if (!run) return std::move(run).error();
    if (run->exit_code != 0)
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("smbstatus: exit {}: {}", run->exit_code, run->errors));
    return parse_smbstatus_json(run->output, pid);
}

}  // namespace vigie::guard
