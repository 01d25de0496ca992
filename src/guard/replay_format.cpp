#include "guard/replay_format.hpp"

#include <fmt/format.h>

#include <cstring>

#include "core/value.hpp"

namespace vigie::guard {
namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void quoted(std::string& out, std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":\"";
    core::append_json_escaped(out, value);
    out += '"';
}

}  // namespace

std::string to_base64(std::span<const std::uint8_t> in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const std::uint32_t v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
        for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
    }
    if (i < in.size()) {
        std::uint32_t v = in[i] << 16;
        if (i + 1 < in.size()) v |= in[i + 1] << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> from_base64(std::string_view in) {
    std::vector<std::uint8_t> out;
    std::uint32_t bits = 0;
    int count = 0;
    for (const char c : in) {
        if (c == '=') break;
        const char* at = c == '\0' ? nullptr : std::strchr(kAlphabet, c);
        if (at == nullptr) return std::nullopt;
        bits = (bits << 6) | static_cast<std::uint32_t>(at - kAlphabet);
        if ((count += 6) >= 8) {
            count -= 8;
            out.push_back(static_cast<std::uint8_t>((bits >> count) & 0xff));
        }
    }
    return out;
}

std::string process_line(const ProcessInfo& p, const SmbSessionDetails* session) {
    std::string line = fmt::format(
        "{{\"process\":{},\"parent\":{},\"group\":{},\"session\":{},\"uid\":{},"
        "\"start\":{}",
        p.pid, p.parent, p.process_group, p.session, p.uid, p.start_ticks);
    quoted(line, "exe", p.executable);
    quoted(line, "comm", p.command);
    if (p.process != 0 && p.process != p.pid) line += fmt::format(",\"tgid\":{}", p.process);
    if (p.smb_worker) {
        line += fmt::format(",\"smb\":true,\"client_port\":{},\"local_port\":{}", p.smb_client.port,
                            p.smb_client.local_port);
        quoted(line, "client", p.smb_client.address);
    }
    if (session != nullptr) {
        quoted(line, "smb_user", session->user);
        quoted(line, "share", session->share);
    }
    return line + '}';
}

std::string event_line(const FsEvent& e, std::uint64_t operation, const std::string& apply_path,
                       const RecordedBytes* bytes) {
    std::string line = fmt::format(
        "{{\"kind\":\"{}\",\"pid\":{},\"dir\":{},\"write\":{},\"dev\":{},\"ino\":{},\"size\":{},"
        "\"op\":{}",
        fs_event_kind_name(e.kind), e.pid, e.is_directory, e.for_writing, e.file.device,
        e.file.inode, e.size, operation);
    quoted(line, "path", e.path);
    quoted(line, "old_path", e.old_path);
    quoted(line, "apply", apply_path);
    if (bytes != nullptr) {
        line += ",\"head\":\"" + to_base64(bytes->head) + '"';
        if (!bytes->tail.empty())
            line += fmt::format(",\"tail_offset\":{},\"tail\":\"{}\"", bytes->tail_offset,
                                to_base64(bytes->tail));
    }
    return line + '}';
}

}  // namespace vigie::guard
