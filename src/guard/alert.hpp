// guard/alert.hpp - what the guard tells people: an actor stopped (or, in dry-run, that it
// would have been), with every file it touched and the points each reason gave; and notices
// about the guard itself (lost events, slow responses).
//
// Sinks are printers in the ripgrep sense: the engine builds an Alert, each sink writes it
// its own way (JSON lines for tools, one syslog line for the operator's log stack).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "guard/change_evidence.hpp"

namespace vigie::guard {

struct FileEvidence {
    std::string path;
    int score = 0;
    std::vector<EvidencePart> parts;
};

struct Alert {
    std::string type;    ///< "ransomware", "overflow", "watchdog"
    std::string time;    ///< ISO 8601 UTC
    std::string actor;   ///< actor ID (what `vigie restore --actor` takes)
    std::string scope;   ///< what crossed the threshold: "process tree", "SMB session",
                         ///< "client machine", "user", "protected tree"
    std::string action;  ///< "suspended, killed", "suspended", "none (dry run)"
    std::string message;
    int score = 0;
    int threshold = 0;
    std::int32_t process_group = 0;
    std::uint32_t uid = 0;
    std::string executable;
    std::string command;
    std::vector<std::int32_t> processes;  ///< every process signalled
    std::vector<FileEvidence> files;      ///< files with evidence, highest score first
    std::uint64_t files_touched = 0;      ///< files the actor wrote, renamed or deleted
    std::int64_t response_us = -1;        ///< from reading the deciding event to suspension
    // An SMB session (the actor is a Samba worker serving a client machine):
    std::string client;    ///< the client's address
    std::string smb_user;  ///< the user Samba authenticated ("" when unknown)
    std::string share;     ///< the share(s) it worked on
    std::string block;     ///< "blocked for 600 s", or why the client could not be blocked
};

class AlertSink {
  public:
    virtual ~AlertSink() = default;
    virtual void emit(const Alert& alert) = 0;
};

/// One JSON object per line, appended and flushed per alert.
class JsonlAlertSink final : public AlertSink {
  public:
    static core::Result<std::unique_ptr<JsonlAlertSink>> open(const std::string& path);
    ~JsonlAlertSink() override;
    void emit(const Alert& alert) override;

  private:
    explicit JsonlAlertSink(int fd) : fd_(fd) {}
    int fd_ = -1;
};

/// One line per alert to syslog (facility daemon, priority alert or warning).
class SyslogAlertSink final : public AlertSink {
  public:
    SyslogAlertSink();
    void emit(const Alert& alert) override;
};

/// Keeps alerts in memory (tests, and the console's last alerts).
class MemoryAlertSink final : public AlertSink {
  public:
    void emit(const Alert& alert) override { alerts.push_back(alert); }
    std::vector<Alert> alerts;
};

std::string alert_to_json(const Alert& alert);

/// The one-line human form: "vigie guard: ransomware: actor 4242-9 (python3, uid 1000)
/// stopped: score 135/100 on 3 files: ...".
std::string alert_to_line(const Alert& alert);

}  // namespace vigie::guard
