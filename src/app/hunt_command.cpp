#include "app/hunt_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "app/output.hpp"
#include "app/rule_loading.hpp"
#include "core/time.hpp"
#include "hunt/correlator.hpp"
#include "hunt/host_picture.hpp"
#include "hunt/host_report.hpp"
#include "hunt/hunter.hpp"
#include "hunt/input_files.hpp"
#include "hunt/summary.hpp"
#include "hunt/timeline_sorter.hpp"
#include "hunt/writers.hpp"
#include "report/html_report.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::app {
namespace {

// A one-line progress bar on standard error, redrawn a few times a second.
class ProgressBar {
  public:
    ProgressBar(std::atomic<std::uint64_t>& done, std::uint64_t total)
        : done_(done), total_(total), start_(std::chrono::steady_clock::now()) {
        thread_ = std::thread([this] { loop(); });
    }
    ~ProgressBar() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();
        fmt::print(stderr, "\r\x1b[2K");
    }

  private:
    void loop() {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; })) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
            const std::uint64_t done = done_.load();
            const double fraction = total_ > 0 ? static_cast<double>(done) / total_ : 0;
            const int width = 30;
            const int filled = static_cast<int>(fraction * width);
            fmt::print(stderr, "\r[{}{}] {:3.0f}%  {:.0f}/{:.0f} MB  {:.0f} MB/s ",
                       std::string(filled, '#'), std::string(width - filled, ' '), fraction * 100,
                       done / 1e6, total_ / 1e6, seconds > 0 ? done / 1e6 / seconds : 0.0);
            std::fflush(stderr);
        }
    }

    std::atomic<std::uint64_t>& done_;
    std::uint64_t total_;
    std::chrono::steady_clock::time_point start_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

class FileOutput {
  public:
    bool open(const std::string& path) {
        if (path.empty() || path == "-") return true;
        file_ = std::fopen(path.c_str(), "wb");
        return file_ != nullptr;
    }
    ~FileOutput() {
        if (file_ != nullptr) std::fclose(file_);
    }
    bool write(std::string_view bytes) {
        if (file_ == nullptr) return stdout_.write(bytes);
        return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size();
    }
    bool is_terminal() const { return file_ == nullptr && isatty(STDOUT_FILENO); }

  private:
    std::FILE* file_ = nullptr;
    StdoutWriter stdout_;
};

void print_file_stats(const hunt::FileReport& f) {
    fmt::print(stderr,
               "{}: events {}, detections {}, chunks skipped {}, records failed {}, JSON objects "
               "skipped {}, checksum failures {}, records with constructs skipped {}\n",
               f.path, f.events, f.detections, f.chunks_skipped, f.records_failed,
               f.objects_skipped, f.checksum_failures, f.records_partial);
    for (const std::string& p : f.problems) fmt::print(stderr, "{}:   {}\n", f.path, p);
    for (const auto& [what, count] : f.constructs_skipped) {
        fmt::print(stderr, "{}:   skipped {} x {}\n", f.path, count, what);
    }
}

core::FileTimeTicks now_filetime() {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    const auto ticks =
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count() / 100;
    return static_cast<core::FileTimeTicks>(ticks) +
           core::kFileTimeUnixEpochSeconds * core::kTicksPerSecond;
}

// Writes the page next to its final name, then renames it: a reader never opens half a report.
bool write_report(const report::ReportInput& in, const std::string& path) {
    auto page = report::render_html_report(in);
    if (!page) {
        fmt::print(stderr, "vigie: report: {}\n", page.error().to_string());
        return false;
    }
    const std::string partial = path + ".partial";
    std::FILE* file = std::fopen(partial.c_str(), "wb");
    bool ok = file != nullptr && std::fwrite(page->data(), 1, page->size(), file) == page->size();
    if (file != nullptr) ok = std::fclose(file) == 0 && ok;
    if (ok) ok = std::rename(partial.c_str(), path.c_str()) == 0;
    if (!ok) {
        std::remove(partial.c_str());
        fmt::print(stderr, "vigie: cannot write the report to {}\n", path);
    }
    return ok;
}

}  // namespace

std::string default_language() {
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') continue;
        return std::string_view(value).starts_with("fr") ? "fr" : "en";
    }
    return "en";
}

int run_hunt_command(const HuntCommandOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    // Options.
    hunt::HuntOptions hunt_options;
    hunt_options.threads = options.threads;
    hunt_options.recover = options.recover;
    hunt_options.json_format = options.input_format;
    if (auto level = sigma::parse_level(options.min_level)) {
        hunt_options.min_level = *level;
    } else {
        fmt::print(stderr, "vigie: unknown level '{}'\n", options.min_level);
        return 2;
    }
    for (const auto& [text, slot] :
         {std::pair{&options.from, &hunt_options.from}, std::pair{&options.to, &hunt_options.to}}) {
        if (text->empty()) continue;
        auto t = core::parse_iso8601(*text);
        if (!t) {
            fmt::print(stderr, "vigie: '{}' is not a time (use 2019-11-15T20:00:00Z)\n", *text);
            return 2;
        }
        *slot = *t;
    }

    const auto language =
        hunt::parse_language(options.language.empty() ? default_language() : options.language);
    if (!language) {
        fmt::print(stderr, "vigie: unknown language '{}' (use en or fr)\n", options.language);
        return 2;
    }

    // Rules.
    const auto loaded = load_hunting_rules(options.rules, options.filters, options.placeholders);
    if (!loaded) return 2;
    const sigma::RuleSet& rules = *loaded->rules;

    // Inputs.
    const hunt::InputList inputs = hunt::collect_inputs(options.paths);
    bool had_error = !inputs.errors.empty();
    for (const core::Error& e : inputs.errors) fmt::print(stderr, "vigie: {}\n", e.to_string());
    std::uint64_t total_bytes = 0;
    for (const auto& f : inputs.files) total_bytes += f.size;

    FileOutput out;
    if (!out.open(options.output)) {
        fmt::print(stderr, "vigie: cannot write {}\n", options.output);
        return 2;
    }
    hunt::WriterContext context{&rules, &inputs.files, out.is_terminal()};
    auto writer = hunt::make_writer(options.format, context,
                                    [&](std::string_view bytes) { return out.write(bytes); });
    if (!writer) {
        fmt::print(stderr, "vigie: unknown format '{}'\n", options.format);
        return 2;
    }

    // Hunt, then write the timeline in time order.
    const bool terminal = isatty(STDERR_FILENO);
    std::atomic<std::uint64_t> progress{0};
    hunt_options.progress_bytes = &progress;
    hunt::TimelineSorter timeline;
    hunt::Summary summary;
    core::Result<void> sort_status;
    hunt::HuntStats stats;
    {
        std::unique_ptr<ProgressBar> bar;
        if (terminal && options.progress && total_bytes > 0) {
            bar = std::make_unique<ProgressBar>(progress, total_bytes);
        }
        stats = hunt::run_hunt(rules, inputs.files, hunt_options, [&](hunt::Detection&& d) {
            if (sort_status) sort_status = timeline.add(std::move(d));
        });
    }
    if (!sort_status) {
        fmt::print(stderr, "vigie: {}\n", sort_status.error().to_string());
        return 2;
    }
    // In time order: correlations, then what is shown at the requested level.
    hunt::Correlator correlator(rules);
    hunt::HostPictureBuilder hosts;
    const bool timeline_out = !options.hosts && !options.hosts_brief && !options.report_only;
    std::vector<hunt::Detection> shown;  // kept for the HTML report only
    auto show = [&](hunt::Detection&& d) {
        const sigma::RuleInfo& info = rules.rule_info(d.rule);
        if (info.level < hunt_options.min_level) return;
        summary.add(d, rules);
        hosts.add(d, info, rules.correlation(d.rule) != nullptr);
        if (timeline_out) writer->write(d);
        if (!options.report.empty()) shown.push_back(std::move(d));
    };
    if (auto r = timeline.finish([&](const hunt::Detection& d) {
            hosts.learn_address(d);
            correlator.add(d, show);
        });
        !r) {
        fmt::print(stderr, "vigie: {}\n", r.error().to_string());
        return 2;
    }
    writer->finish();
    const hunt::HostPicture picture = hosts.finish();
    if (options.hosts) {
        out.write(options.format == "jsonl" ? hunt::render_hosts_jsonl(picture)
                                            : hunt::render_hosts_text(picture, *language));
    } else if (options.hosts_brief) {
        out.write(hunt::render_hosts_brief(picture, *language));
    }
    for (const hunt::FileReport& f : stats.files) had_error = had_error || f.error.has_value();
    if (!options.report.empty()) {
        report::ReportInput in;
        in.rules = &rules;
        in.picture = &picture;
        in.detections = &shown;
        in.stats = &stats;
        in.inputs = &inputs.files;
        in.rule_sources = options.rules;
        if (in.rule_sources.empty()) in.rule_sources = {VIGIE_DEFAULT_RULES};
        in.input_bytes = total_bytes;
        in.tool_version = "vigie " VIGIE_VERSION;
        in.generated_at = now_filetime();
        in.from = hunt_options.from.value_or(0);
        in.to = hunt_options.to.value_or(0);
        in.language = *language;
        if (!write_report(in, options.report)) return 2;
        if (options.report_only) {
            std::size_t emergencies = 0;
            for (const hunt::HostReport& h : picture.hosts)
                emergencies += hunt::is_emergency(h.urgency);
            fmt::print(stderr,
                       fmt::runtime(*language == hunt::Language::kFrench
                                        ? "vigie : rapport écrit dans {} ({} détections, {} "
                                          "machines, {} en urgence)\n"
                                        : "vigie: report written to {} ({} detections, {} hosts, "
                                          "{} in emergency)\n"),
                       options.report, shown.size(), picture.hosts.size(), emergencies);
        }
    }

    if (options.stats) {
        for (const hunt::FileReport& f : stats.files) print_file_stats(f);
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!options.no_summary && (options.summary || terminal)) {
        fmt::print(stderr, "{}{}",
                   summary.render(stats, rules, elapsed, total_bytes, inputs.skipped.size()),
                   hunt::render_hosts_brief(picture, *language));
    } else {
        for (const hunt::FileReport& f : stats.files) {
            if (f.error) fmt::print(stderr, "vigie: {}\n", f.error->to_string());
        }
    }
    if (had_error) return 2;
    return summary.detections() > 0 ? 0 : 1;
}

}  // namespace vigie::app
