// watch/alert_dispatcher.hpp - delivering the alerts the engine committed to its outbox (the
// `alerts` table): to a JSON-lines file, to syslog, to a command, to a webhook.
//
//   auto alerts = watch::AlertDispatcher::open(state_dir, sinks, log);
//   engine->set_alert_listener([&] { alerts->notify(); });
//   alerts->start();   ...   alerts->stop();       // delivers what is committed, then returns
//
// Alerts are committed with the detections that raise them, so none is lost when the daemon
// is killed; delivery then runs beside the pipeline so that a slow webhook never holds up
// matching. The file gets each alert exactly once: the dispatcher records, with the last
// delivered alert, the file's size; at start a file longer than recorded (written, then
// killed before recording) is cut back and those alerts written again. A file shorter than
// recorded was rotated: writing goes on at its end. Syslog, the command and the webhook get
// each alert at least once (a kill between sending and recording repeats at most one batch);
// a command or webhook that fails is logged and counted, and the alert stays in the file and
// behind /api/detections.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.hpp"
#include "watch/state_store.hpp"

namespace vigie::watch {

struct AlertSinks {
    std::string file;     ///< JSON lines; empty: none
    bool syslog = false;  ///< syslog(3), facility daemon, tag "vigie-watch"
    std::string command;  ///< run by /bin/sh -c per alert, the JSON on its standard input
    std::string webhook;  ///< http://HOST:PORT/PATH or https://...: POST of the JSON
    /// The command and the webhook reach people (mail, chat): host alerts only, one per rise,
    /// unless detections are asked for too. The file and syslog get every alert.
    bool notify_detections = false;
    int timeout_ms = 10000;
};

class AlertDispatcher {
  public:
    static core::Result<std::unique_ptr<AlertDispatcher>> open(
        const std::string& state_dir, AlertSinks sinks, std::function<void(std::string_view)> log);
    ~AlertDispatcher();

    void start();
    /// Something new was committed.
    void notify();
    /// Delivers what is committed, then stops.
    void stop();
    /// Reopens the file (after logrotate moved it).
    void reopen();

    std::uint64_t delivered() const noexcept { return delivered_count_; }
    std::uint64_t failures() const noexcept { return failures_; }
    std::int64_t last_delivered_seq() const noexcept { return last_seq_; }

  private:
    AlertDispatcher(StateReader reader, AlertSinks sinks, std::function<void(std::string_view)> log)
        : reader_(std::move(reader)), sinks_(std::move(sinks)), log_(std::move(log)) {}
    core::Result<void> open_file();
    void loop();
    bool deliver_some();
    bool run_command(std::string_view json);
    bool post_webhook(std::string_view json);

    StateReader reader_;
    AlertSinks sinks_;
    std::function<void(std::string_view)> log_;
    int fd_ = -1;
    std::atomic<std::int64_t> last_seq_{0};
    std::atomic<std::uint64_t> delivered_count_{0};
    std::atomic<std::uint64_t> failures_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
    bool stopping_ = false;
    bool reopen_ = false;
    std::thread thread_;
};

}  // namespace vigie::watch
