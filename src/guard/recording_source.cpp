#include "guard/recording_source.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "guard/replay_format.hpp"

namespace vigie::guard {

core::Result<std::unique_ptr<RecordingSource>> RecordingSource::open(EventSource& inner,
                                                                     const std::string& path) {
    std::FILE* out = std::fopen(path.c_str(), "we");
    if (out == nullptr)
        return core::fail(core::ErrorCode::kIo,
                          fmt::format("cannot write the recording: {}", std::strerror(errno)),
                          core::Location::in_file(path));
    return std::unique_ptr<RecordingSource>(new RecordingSource(inner, out));
}

RecordingSource::~RecordingSource() {
    std::fclose(out_);
}

core::Result<void> RecordingSource::read(std::vector<FsEvent>& out,
                                         std::chrono::milliseconds timeout) {
    return inner_.read(out, timeout);
}

core::Result<std::size_t> RecordingSource::read_file(const FsEvent& event, std::uint64_t offset,
                                                     std::span<std::uint8_t> out) {
    auto got = inner_.read_file(event, offset, out);
    if (got && *got > 0) {
        auto& chunk = reads_[event.source_handle][offset];
        chunk.assign(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*got));
    }
    return got;
}

std::optional<ProcessInfo> RecordingSource::process(std::int32_t pid) {
    auto info = inner_.process(pid);
    if (info && processes_written_.emplace(info->pid, info->start_ticks).second)
        std::fprintf(out_, "%s\n", process_line(*info).c_str());
    return info;
}

core::Result<SmbSessionDetails> RecordingSource::smb_session(std::int32_t worker) {
    auto details = inner_.smb_session(worker);
    if (details) {
        if (auto info = inner_.process(worker))
            std::fprintf(out_, "%s\n", process_line(*info, &*details).c_str());
    }
    return details;
}

void RecordingSource::release(const FsEvent& event) {
    // Reads of one event: the head from offset 0 (consecutive reads joined), then the tail.
    std::vector<std::uint8_t> head;
    std::vector<std::uint8_t> tail;
    std::uint64_t tail_offset = 0;
    if (auto it = reads_.find(event.source_handle); it != reads_.end()) {
        for (auto& [offset, bytes] : it->second) {
            if (offset == head.size()) {
                head.insert(head.end(), bytes.begin(), bytes.end());
            } else if (tail.empty() || offset == tail_offset + tail.size()) {
                if (tail.empty()) tail_offset = offset;
                tail.insert(tail.end(), bytes.begin(), bytes.end());
            }
        }
        reads_.erase(it);
    }
    // An open and the close that follows it share an operation: a replay that denies the
    // open drops the close, as the kernel would have.
    std::uint64_t operation = 0;
    const auto key = std::make_pair(event.file.device, event.file.inode);
    if (event.kind == FsEventKind::kOpen && event.for_writing) {
        operation = open_operation_[key] = ++operations_;
    } else if (event.kind == FsEventKind::kCloseWrite) {
        if (auto it = open_operation_.find(key); it != open_operation_.end()) {
            operation = it->second;
            open_operation_.erase(it);
        }
    }
    const bool has_bytes =
        event.kind == FsEventKind::kOpen || event.kind == FsEventKind::kCloseWrite;
    RecordedBytes recorded{head, tail_offset, tail};
    const std::string apply = event.kind == FsEventKind::kCloseWrite ? event.path : std::string();
    std::fprintf(out_, "%s\n",
                 event_line(event, operation, apply, has_bytes ? &recorded : nullptr).c_str());
    std::fflush(out_);
    inner_.release(event);
}

}  // namespace vigie::guard
