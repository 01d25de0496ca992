// bench/watch/load_generator.cpp - drives a running `vigie watch` over loopback for
// bench/watch/run: events from a JSON-lines file (one Windows event per line, as `vigie dump
// --format jsonl` prints them) sent to its JSON-lines TCP input, in one of two modes.
//
//   watch_load_generator --port P --http-port H --events FILE --count N [--pid PID]
//       Sustained throughput: N events as fast as the daemon takes them, then GET /api/status
//       until events_processed reaches N. With --pid, the daemon's RSS and CPU time are read
//       from /proc four times a second (memory at 10%, 50% and 100% of the replay, and its peak;
//       every sample with --rss-trace FILE).
//
//   watch_load_generator --port P --http-port H --events FILE --rate 5000 --seconds S
//       --marker FILE --marker-every K --alerts FILE [--pid PID]
//       Latency: a steady rate, one event in K replaced by a marker (the first line of
//       --marker: an event a rule of the pack is certain to match, with a record id of its
//       own), the alerts file tailed; the time from sending each marker to reading its alert.
//
// The file is replayed as many times as needed. The daemon stores each detection once by
// (computer, channel, record id, rule), so pass p adds p * 10^10 to every EventRecordID: a
// replayed event is a new event, matched, stored and alerted again, not a duplicate.
// The last line printed is a JSON object of the results.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kPassStride = 10'000'000'000ULL;
// Markers' record ids, far above any replayed one (passes stay under 10^5).
constexpr std::uint64_t kMarkerBase = 9'000'000'000'000'000ULL;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// An event line cut around its EventRecordID, so that any id can be written in its place.
struct EventLine {
    std::string head;  ///< up to and including `"EventRecordID":`
    std::string tail;  ///< after the number, with the line's '\n'
    std::uint64_t record_id = 0;
    bool has_id = false;
};

EventLine cut(std::string_view line) {
    static constexpr std::string_view kKey = "\"EventRecordID\":";
    EventLine e;
    const std::size_t at = line.find(kKey);
    if (at == std::string_view::npos) {
        e.head = std::string(line);
        e.tail.push_back('\n');
        return e;
    }
    std::size_t digits = at + kKey.size();
    std::size_t end = digits;
    while (end < line.size() && line[end] >= '0' && line[end] <= '9') ++end;
    std::from_chars(line.data() + digits, line.data() + end, e.record_id);
    e.head = std::string(line.substr(0, digits));
    e.tail = std::string(line.substr(end));
    e.tail.push_back('\n');
    e.has_id = end > digits;
    return e;
}

void append_event(std::string& out, const EventLine& e, std::uint64_t record_id) {
    out += e.head;
    if (e.has_id) {
        char number[24];
        const auto r = std::to_chars(number, number + sizeof number, record_id);
        out.append(number, r.ptr);
    }
    out += e.tail;
}

std::vector<EventLine> read_events(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<EventLine> events;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) events.push_back(cut(line));
    }
    return events;
}

int connect_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// GET /api/status on a fresh connection (the API closes nothing itself: ask it to).
std::string get_status(int http_port) {
    const int fd = connect_loopback(http_port);
    if (fd < 0) return {};
    const std::string request =
        "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    std::string response;
    if (send_all(fd, request)) {
        char buffer[16384];
        for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;)
            response.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const std::size_t body = response.find("\r\n\r\n");
    return body == std::string::npos ? std::string{} : response.substr(body + 4);
}

// The first number after `"name":` in a JSON text (the totals come before the per-input lists).
std::optional<std::uint64_t> json_number(std::string_view json, std::string_view name) {
    std::string key(1, '"');
    key.append(name);
    key.append("\":");
    const std::size_t at = json.find(key);
    if (at == std::string_view::npos) return std::nullopt;
    std::uint64_t v = 0;
    const char* begin = json.data() + at + key.size();
    const auto r = std::from_chars(begin, json.data() + json.size(), v);
    if (r.ec != std::errc{}) return std::nullopt;
    return v;
}

struct ProcessSample {
    double rss_mb = 0;
    double cpu_seconds = 0;  ///< user + system, all threads
};

std::optional<ProcessSample> sample_process(int pid) {
    ProcessSample s;
    {
        std::ifstream status("/proc/" + std::to_string(pid) + "/status");
        if (!status) return std::nullopt;
        for (std::string line; std::getline(status, line);) {
            if (line.starts_with("VmRSS:"))
                s.rss_mb = std::strtod(line.c_str() + 6, nullptr) / 1024;
        }
    }
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name, which may hold spaces: its closing parenthesis.
    const std::size_t close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
        if (i == 15) {
            stime = std::strtoull(field.c_str(), nullptr, 10);
            break;
        }
    }
    s.cpu_seconds =
        static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    return s;
}

struct Options {
    int port = 0;
    int http_port = 0;
    int pid = 0;
    std::string events;
    std::uint64_t count = 0;
    double rate = 0;
    double seconds = 0;
    std::string marker;
    std::uint64_t marker_every = 500;
    std::string alerts;
    double alert_wait_seconds = 20;
    std::string rss_trace;
};

std::optional<Options> parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view name = argv[i];
        const std::string value = argv[i + 1];
        if (name == "--port")
            o.port = std::stoi(value);
        else if (name == "--http-port")
            o.http_port = std::stoi(value);
        else if (name == "--pid")
            o.pid = std::stoi(value);
        else if (name == "--events")
            o.events = value;
        else if (name == "--count")
            o.count = std::stoull(value);
        else if (name == "--rate")
            o.rate = std::stod(value);
        else if (name == "--seconds")
            o.seconds = std::stod(value);
        else if (name == "--marker")
            o.marker = value;
        else if (name == "--marker-every")
            o.marker_every = std::stoull(value);
        else if (name == "--alerts")
            o.alerts = value;
        else if (name == "--alert-wait")
            o.alert_wait_seconds = std::stod(value);
        else if (name == "--rss-trace")
            o.rss_trace = value;
        else
            return std::nullopt;
    }
    if (argc % 2 == 0 || o.port == 0 || o.http_port == 0 || o.events.empty()) return std::nullopt;
    if (o.count == 0 && (o.rate <= 0 || o.seconds <= 0 || o.marker.empty() || o.alerts.empty()))
        return std::nullopt;
    return o;
}

// Writes events `from` to `to` of the endless replay (pass = index / file size) into `out`.
void render(std::string& out, const std::vector<EventLine>& events, std::uint64_t from,
            std::uint64_t to) {
    for (std::uint64_t i = from; i < to; ++i) {
        const EventLine& e = events[i % events.size()];
        append_event(out, e, e.record_id + (i / events.size()) * kPassStride);
    }
}

struct MemoryPoint {
    double seconds = 0;
    std::uint64_t processed = 0;
    ProcessSample process;
};

int run_throughput(const Options& o, const std::vector<EventLine>& events) {
    const int fd = connect_loopback(o.port);
    if (fd < 0) {
        std::fprintf(stderr, "load generator: cannot connect to port %d\n", o.port);
        return 2;
    }
    const std::uint64_t base = json_number(get_status(o.http_port), "events_processed").value_or(0);
    const std::optional<ProcessSample> before = o.pid > 0 ? sample_process(o.pid) : std::nullopt;
    std::vector<MemoryPoint> memory;
    if (before) memory.push_back({0, 0, *before});

    const auto start = Clock::now();
    std::atomic<double> send_seconds{0};
    std::atomic<bool> send_failed{false};
    std::thread sender([&] {
        std::string buffer;
        constexpr std::uint64_t kEventsPerSend = 512;
        for (std::uint64_t i = 0; i < o.count; i += kEventsPerSend) {
            buffer.clear();
            render(buffer, events, i, std::min(o.count, i + kEventsPerSend));
            if (!send_all(fd, buffer)) {
                send_failed = true;
                break;
            }
        }
        send_seconds = seconds_since(start);
    });

    std::uint64_t processed = 0;
    // Four samples a second: a replay of a million events can last five seconds.
    constexpr auto kSampleEvery = std::chrono::milliseconds(250);
    auto next_sample = start + kSampleEvery;
    std::uint64_t last_progress = 0;
    auto last_change = Clock::now();
    while (processed < o.count) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const std::string status = get_status(o.http_port);
        const std::uint64_t total = json_number(status, "events_processed").value_or(base);
        processed = total - base;
        if (processed != last_progress) {
            last_progress = processed;
            last_change = Clock::now();
        } else if (seconds_since(last_change) > 60) {
            std::fprintf(stderr, "load generator: stalled at %llu of %llu events\n",
                         static_cast<unsigned long long>(processed),
                         static_cast<unsigned long long>(o.count));
            break;
        }
        if (o.pid > 0 && Clock::now() >= next_sample) {
            if (auto s = sample_process(o.pid))
                memory.push_back({seconds_since(start), processed, *s});
            next_sample += kSampleEvery;
        }
    }
    const double seconds = seconds_since(start);
    sender.join();
    ::close(fd);
    std::optional<ProcessSample> after = o.pid > 0 ? sample_process(o.pid) : std::nullopt;
    if (after) memory.push_back({seconds, processed, *after});
    if (!o.rss_trace.empty()) {
        std::ofstream trace(o.rss_trace);
        trace << "seconds events_processed rss_mb cpu_seconds\n";
        for (const MemoryPoint& m : memory)
            trace << m.seconds << ' ' << m.processed << ' ' << m.process.rss_mb << ' '
                  << m.process.cpu_seconds << '\n';
    }

    const std::string status = get_status(o.http_port);
    std::printf(
        "{\"mode\":\"throughput\",\"events\":%llu,\"processed\":%llu,\"seconds\":%.3f,"
        "\"send_seconds\":%.3f,\"events_per_s\":%.0f",
        static_cast<unsigned long long>(o.count), static_cast<unsigned long long>(processed),
        seconds, send_seconds.load(), static_cast<double>(processed) / seconds);
    for (const char* name : {"events_rejected", "detections", "alerts", "duplicates"})
        std::printf(",\"%s\":%llu", name,
                    static_cast<unsigned long long>(json_number(status, name).value_or(0)));
    if (before && after) {
        const double cpu = after->cpu_seconds - before->cpu_seconds;
        std::printf(",\"daemon_cpu_seconds\":%.2f,\"events_per_cpu_s\":%.0f", cpu,
                    cpu > 0 ? static_cast<double>(processed) / cpu : 0.0);
        // Memory where the replay had reached 10%, 50% and 100% of its events.
        // The first sample taken once the replay had reached the share (never the idle one).
        auto at = [&](double share) {
            const double target = share * static_cast<double>(o.count);
            for (std::size_t i = 1; i < memory.size(); ++i) {
                if (static_cast<double>(memory[i].processed) >= target)
                    return memory[i].process.rss_mb;
            }
            return memory.back().process.rss_mb;
        };
        double peak = 0;
        for (const MemoryPoint& m : memory) peak = std::max(peak, m.process.rss_mb);
        std::printf(
            ",\"rss_start_mb\":%.1f,\"rss_10_mb\":%.1f,\"rss_50_mb\":%.1f,"
            "\"rss_100_mb\":%.1f,\"rss_max_mb\":%.1f,\"rss_samples\":%zu",
            before->rss_mb, at(0.1), at(0.5), at(1.0), peak, memory.size());
    }
    std::printf("}\n");
    return processed >= o.count && !send_failed ? 0 : 1;
}

// Reads the alerts file as it grows; the first time each marker's record id is seen.
class AlertTail {
  public:
    AlertTail(std::string path, std::uint64_t markers) : path_(std::move(path)), seen_(markers) {}

    void run(const std::atomic<bool>& stop) {
        std::FILE* f = nullptr;
        std::string pending;
        char buffer[65536];
        while (!stop) {
            if (f == nullptr) f = std::fopen(path_.c_str(), "rb");
            std::size_t n = 0;
            if (f != nullptr) {
                n = std::fread(buffer, 1, sizeof buffer, f);
                if (n == 0) std::clearerr(f);
            }
            if (n == 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(500));
                continue;
            }
            const auto now = Clock::now();
            pending.append(buffer, n);
            std::size_t line_start = 0;
            for (std::size_t nl; (nl = pending.find('\n', line_start)) != std::string::npos;
                 line_start = nl + 1) {
                const std::string_view line(pending.data() + line_start, nl - line_start);
                const auto id = json_number(line, "record_id");
                if (!id || *id < kMarkerBase || *id - kMarkerBase >= seen_.size()) continue;
                std::lock_guard lock(mutex_);
                auto& slot = seen_[*id - kMarkerBase];
                if (!slot) slot = now;
            }
            pending.erase(0, line_start);
        }
        if (f != nullptr) std::fclose(f);
    }

    std::optional<Clock::time_point> seen(std::uint64_t marker) {
        std::lock_guard lock(mutex_);
        return seen_[marker];
    }

  private:
    std::string path_;
    std::mutex mutex_;
    std::vector<std::optional<Clock::time_point>> seen_;
};

double percentile(std::vector<double> sorted, double p) {
    if (sorted.empty()) return 0;
    const std::size_t rank =
        static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

int run_paced(const Options& o, const std::vector<EventLine>& events) {
    const std::vector<EventLine> marker_lines = read_events(o.marker);
    if (marker_lines.empty() || !marker_lines.front().has_id) {
        std::fprintf(stderr, "load generator: %s has no event with an EventRecordID\n",
                     o.marker.c_str());
        return 2;
    }
    const EventLine& marker = marker_lines.front();
    const auto total = static_cast<std::uint64_t>(o.rate * o.seconds);
    const std::uint64_t markers = total / o.marker_every + 1;
    const int fd = connect_loopback(o.port);
    if (fd < 0) {
        std::fprintf(stderr, "load generator: cannot connect to port %d\n", o.port);
        return 2;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::uint64_t base = json_number(get_status(o.http_port), "events_processed").value_or(0);
    const std::optional<ProcessSample> before = o.pid > 0 ? sample_process(o.pid) : std::nullopt;

    AlertTail tail(o.alerts, markers);
    std::atomic<bool> stop_tail{false};
    std::thread tailer([&] { tail.run(stop_tail); });

    // Every millisecond, the events due by then; a marker in place of every K-th event.
    std::vector<Clock::time_point> marker_sent(markers);
    std::uint64_t sent = 0, marker_count = 0, background = 0;
    std::string buffer;
    const auto start = Clock::now();
    bool failed = false;
    while (sent < total && !failed) {
        const auto due = std::min(total, static_cast<std::uint64_t>(seconds_since(start) * o.rate));
        buffer.clear();
        std::optional<std::uint64_t> marker_in_buffer;
        for (; sent < due; ++sent) {
            if (sent % o.marker_every == o.marker_every / 2) {
                append_event(buffer, marker, kMarkerBase + marker_count);
                marker_in_buffer = marker_count++;
            } else {
                render(buffer, events, background, background + 1);
                ++background;
            }
        }
        if (!buffer.empty()) {
            failed = !send_all(fd, buffer);
            // At most one marker per millisecond's send at the rates used (K >> rate / 1000).
            if (marker_in_buffer) marker_sent[*marker_in_buffer] = Clock::now();
        }
        std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<std::int64_t>(
                                                  static_cast<double>(sent + 1) / o.rate * 1e6)));
    }
    const double send_seconds = seconds_since(start);

    // Then until every marker has its alert, or the wait ends.
    const auto wait_start = Clock::now();
    std::uint64_t found = 0;
    while (seconds_since(wait_start) < o.alert_wait_seconds) {
        found = 0;
        for (std::uint64_t m = 0; m < marker_count; ++m) found += tail.seen(m).has_value();
        if (found == marker_count) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop_tail = true;
    tailer.join();
    ::close(fd);

    std::vector<double> latencies;
    for (std::uint64_t m = 0; m < marker_count; ++m) {
        if (auto t = tail.seen(m))
            latencies.push_back(
                std::chrono::duration<double, std::milli>(*t - marker_sent[m]).count());
    }
    std::sort(latencies.begin(), latencies.end());
    const std::string status = get_status(o.http_port);
    const std::uint64_t processed = json_number(status, "events_processed").value_or(base) - base;
    std::printf(
        "{\"mode\":\"latency\",\"rate\":%.0f,\"events\":%llu,\"processed\":%llu,"
        "\"send_seconds\":%.3f,\"achieved_rate\":%.0f,\"markers\":%llu,\"alerted\":%zu,"
        "\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f",
        o.rate, static_cast<unsigned long long>(sent), static_cast<unsigned long long>(processed),
        send_seconds, static_cast<double>(sent) / send_seconds,
        static_cast<unsigned long long>(marker_count), latencies.size(),
        percentile(latencies, 0.50), percentile(latencies, 0.99),
        latencies.empty() ? 0.0 : latencies.back());
    if (before) {
        if (auto after = sample_process(o.pid)) {
            const double cpu = after->cpu_seconds - before->cpu_seconds;
            std::printf(",\"daemon_cpu_seconds\":%.2f,\"daemon_cpu_share\":%.3f", cpu,
                        cpu / send_seconds);
        }
    }
    std::printf("}\n");
    return !failed && latencies.size() == marker_count ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::optional<Options> o = parse(argc, argv);
    if (!o) {
        std::fprintf(
            stderr,
            "usage: watch_load_generator --port P --http-port H --events FILE\n"
            "         (--count N | --rate R --seconds S --marker FILE --alerts FILE\n"
            "          [--marker-every K] [--alert-wait S]) [--pid PID] [--rss-trace FILE]\n");
        return 2;
    }
    const std::vector<EventLine> events = read_events(o->events);
    if (events.empty()) {
        std::fprintf(stderr, "load generator: no event in %s\n", o->events.c_str());
        return 2;
    }
    return o->count > 0 ? run_throughput(*o, events) : run_paced(*o, events);
}
