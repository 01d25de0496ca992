#include "guard/alert.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/value.hpp"

namespace vigie::guard {
namespace {

void field(std::string& out, std::string_view name, std::string_view value) {
    out += '"';
    out += name;
    out += "\":\"";
    core::append_json_escaped(out, value);
    out += "\",";
}

template <typename Number>
void number(std::string& out, std::string_view name, Number value) {
    fmt::format_to(std::back_inserter(out), "\"{}\":{},", name, value);
}

}  // namespace

std::string alert_to_json(const Alert& a) {
    std::string out = "{";
    field(out, "type", a.type);
    field(out, "time", a.time);
    if (!a.actor.empty()) field(out, "actor", a.actor);
    if (!a.scope.empty()) field(out, "scope", a.scope);
    if (!a.action.empty()) field(out, "action", a.action);
    field(out, "message", a.message);
    if (a.threshold > 0) {
        number(out, "score", a.score);
        number(out, "threshold", a.threshold);
        number(out, "process_group", a.process_group);
        number(out, "uid", a.uid);
        field(out, "executable", a.executable);
        field(out, "command", a.command);
        if (!a.client.empty()) {
            field(out, "client", a.client);
            field(out, "smb_user", a.smb_user);
            field(out, "share", a.share);
            field(out, "block", a.block);
        }
        out += "\"processes\":[";
        for (std::size_t i = 0; i < a.processes.size(); ++i)
            fmt::format_to(std::back_inserter(out), "{}{}", i ? "," : "", a.processes[i]);
        out += "],";
        number(out, "files_touched", a.files_touched);
        number(out, "response_us", a.response_us);
        out += "\"files\":[";
        for (std::size_t i = 0; i < a.files.size(); ++i) {
            const FileEvidence& f = a.files[i];
            out += i ? ",{" : "{";
            field(out, "path", f.path);
            number(out, "score", f.score);
            out += "\"evidence\":[";
            for (std::size_t k = 0; k < f.parts.size(); ++k) {
                out += k ? ",{" : "{";
                field(out, "reason", f.parts[k].key);
                field(out, "detail", f.parts[k].reason);
                fmt::format_to(std::back_inserter(out), "\"points\":{}}}", f.parts[k].points);
            }
            out += "]}";
        }
        out += "],";
    }
    out.back() = '}';
    return out;
}

std::string alert_to_line(const Alert& a) {
    if (a.threshold == 0) return fmt::format("vigie guard: {}: {}", a.type, a.message);
    std::string files;
    for (std::size_t i = 0; i < a.files.size() && i < 5; ++i)
        files += (i ? ", " : "") + a.files[i].path;
    if (a.files.size() > 5) files += fmt::format(" and {} more", a.files.size() - 5);
    if (!a.client.empty())
        return fmt::format(
            "vigie guard: {}: SMB session {} of client {} (user {}, share {}) {}; client {}: "
            "score {}/{} ({}) on {} files: {}",
            a.type, a.actor, a.client, a.smb_user.empty() ? "?" : a.smb_user,
            a.share.empty() ? "?" : a.share, a.action, a.block, a.score, a.threshold, a.scope,
            a.files_touched, files);
    return fmt::format(
        "vigie guard: {}: actor {} ({}, uid {}) {}: score {}/{} ({}) on {} files: {}", a.type,
        a.actor, a.command.empty() ? a.executable : a.command, a.uid, a.action, a.score,
        a.threshold, a.scope, a.files_touched, files);
}

core::Result<std::unique_ptr<JsonlAlertSink>> JsonlAlertSink::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("cannot open the alert file: {}", std::strerror(errno)),
                          core::Location::in_file(path));
    return std::unique_ptr<JsonlAlertSink>(new JsonlAlertSink(fd));
}

JsonlAlertSink::~JsonlAlertSink() {
    if (fd_ >= 0) ::close(fd_);
}

void JsonlAlertSink::emit(const Alert& alert) {
    std::string line = alert_to_json(alert);
    line += '\n';
    // One write per line: readers tailing the file never see half an alert.
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
    ::fdatasync(fd_);
}

SyslogAlertSink::SyslogAlertSink() {
    ::openlog("vigie-guard", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void SyslogAlertSink::emit(const Alert& alert) {
    const int priority = alert.type == "ransomware" ? LOG_ALERT : LOG_WARNING;
    ::syslog(priority, "%s", alert_to_line(alert).c_str());
}

}  // namespace vigie::guard
