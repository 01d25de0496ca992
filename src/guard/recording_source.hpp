// guard/recording_source.hpp - records what a real source gives the engine, for replay.
//
// Wraps any EventSource: every event, the bytes the engine read for it and each process it
// asked about are written as JSON lines in the format ReplaySource::load reads. A stream
// recorded on a file server replays on a laptop, in a test, or after a change of weights.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "core/result.hpp"
#include "guard/event_source.hpp"

namespace vigie::guard {

class RecordingSource final : public EventSource {
  public:
    static core::Result<std::unique_ptr<RecordingSource>> open(EventSource& inner,
                                                               const std::string& path);
    ~RecordingSource() override;

    core::Result<void> read(std::vector<FsEvent>& out, std::chrono::milliseconds timeout) override;
    void answer(const FsEvent& event, bool allow) override { inner_.answer(event, allow); }
    core::Result<std::size_t> read_file(const FsEvent& event, std::uint64_t offset,
                                        std::span<std::uint8_t> out) override;
    std::string file_reference(const FsEvent& event) override {
        return inner_.file_reference(event);
    }
    /// Writes the event's line, with what was read of it, then releases it.
    void release(const FsEvent& event) override;
    std::optional<ProcessInfo> process(std::int32_t pid) override;
    /// Asks the inner source; a known session is written as the worker's line again, with
    /// its user and share.
    core::Result<SmbSessionDetails> smb_session(std::int32_t worker) override;
    core::Result<void> watch_directory(const std::string& path) override {
        return inner_.watch_directory(path);
    }
    core::Result<int> quiet_directory(const std::string& path) override {
        return inner_.quiet_directory(path);
    }
    std::vector<std::string> changed_since(const std::string& root, std::int64_t since_unix_ns,
                                           std::size_t limit) override {
        return inner_.changed_since(root, since_unix_ns, limit);
    }

  private:
    RecordingSource(EventSource& inner, std::FILE* out) : inner_(inner), out_(out) {}

    EventSource& inner_;
    std::FILE* out_;
    std::uint64_t operations_ = 0;
    /// Bytes read per event (by the event's source handle): offset -> bytes.
    std::map<std::uint64_t, std::map<std::uint64_t, std::vector<std::uint8_t>>> reads_;
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> open_operation_;
    std::set<std::pair<std::int32_t, std::uint64_t>> processes_written_;
};

}  // namespace vigie::guard
