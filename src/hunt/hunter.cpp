#include "hunt/hunter.hpp"

#include <algorithm>

#include "core/ordered_parallel.hpp"
#include "evtx/file_reader.hpp"
#include "hunt/event_matcher.hpp"
#include "hunt/json_source.hpp"

namespace vigie::hunt {
namespace {

// A file this large is split by chunks over all threads rather than given to one thread.
constexpr std::uint64_t kLargeFileBytes = 16u << 20;

// Counts what the hunt's options leave out, then hands the event to the shared matcher.
class Worker {
  public:
    Worker(const MatchPlan& plan, const HuntOptions& options) : options_(options), matcher_(plan) {}

    // Matches one event; appends its detections to `out`.
    void process(const core::Event& e, std::uint32_t file, std::uint64_t order,
                 std::vector<Detection>& out) {
        if (e.timestamp != 0 && ((options_.from && e.timestamp < *options_.from) ||
                                 (options_.to && e.timestamp > *options_.to))) {
            ++outside_range_;
            return;
        }
        ++events_;
        matcher_.process(e, file, order, out);
    }

    void merge_into(HuntStats& stats) {
        stats.events += events_;
        stats.events_outside_range += outside_range_;
        stats.rule_evaluations += matcher_.rule_evaluations() - evaluations_taken_;
        evaluations_taken_ = matcher_.rule_evaluations();
        matcher_.take_event_types(stats.event_types);
        matcher_.take_filter_removals(stats.filter_removals);
        events_ = outside_range_ = 0;
    }

  private:
    const HuntOptions& options_;
    EventMatcher matcher_;
    std::uint64_t events_ = 0;
    std::uint64_t outside_range_ = 0;
    std::uint64_t evaluations_taken_ = 0;
};

struct FileResult {
    FileReport report;
    std::vector<Detection> detections;
};

void add_evtx_stats(FileReport& r, const evtx::FileStats& s) {
    r.chunks_skipped += s.chunks_skipped;
    r.records_failed += s.records_failed;
    r.checksum_failures += s.checksum_failures;
    r.records_partial += s.records_partial;
    r.constructs_skipped = s.skipped_in_words();
    for (const std::string& p : s.problems) {
        if (r.problems.size() < 8) r.problems.push_back(p);
    }
}

core::Result<evtx::EvtxFile> open_evtx(const InputFile& input) {
    if (input.compression == Compression::kNone) return evtx::EvtxFile::open(input.path);
    auto source = open_decompressed(input);
    if (!source) return source.error();
    return evtx::EvtxFile::open(std::move(*source));
}

// One file on the calling thread.
FileResult hunt_small_file(const InputFile& input, std::uint32_t index, Worker& worker,
                           const HuntOptions& options) {
    FileResult result;
    result.report.path = input.path;
    if (input.kind == InputKind::kJson || input.kind == InputKind::kXml) {
        auto visit = [&](const core::Event& e, std::uint64_t order) {
            ++result.report.events;
            worker.process(e, index, order, result.detections);
        };
        auto stats = input.kind == InputKind::kJson
                         ? read_json_input(input, options.json_format, visit)
                         : read_xml_input(input, visit);
        if (!stats) {
            result.report.error = stats.error();
        } else {
            result.report.objects_skipped = stats->skipped;
            result.report.problems = std::move(stats->problems);
        }
        return result;
    }
    auto file = open_evtx(input);
    if (!file) {
        result.report.error = file.error();
        return result;
    }
    evtx::ReadOptions read;
    read.threads = 1;
    read.recover = options.recover;
    const evtx::FileStats s = evtx::for_each_event<int>(
        *file, read,
        [&](const core::Event& e, const evtx::RecordInfo& info, int&, unsigned) {
            ++result.report.events;
            worker.process(e, index, (info.chunk_index << 16) | info.offset_in_chunk,
                           result.detections);
        },
        [](int&&) {});
    add_evtx_stats(result.report, s);
    return result;
}

}  // namespace

HuntStats run_hunt(const sigma::RuleSet& rules, const std::vector<InputFile>& inputs,
                   const HuntOptions& options,
                   const std::function<void(Detection&&)>& on_detection) {
    const MatchPlan plan(rules, options.min_level);
    const unsigned threads = evtx::resolve_threads(options.threads);
    std::vector<std::unique_ptr<Worker>> workers;
    for (unsigned t = 0; t < threads; ++t)
        workers.push_back(std::make_unique<Worker>(plan, options));

    HuntStats stats;
    stats.filter_removals.assign(rules.filters().size(), 0);
    auto deliver = [&](FileResult&& r, std::uint64_t size) {
        stats.detections += r.detections.size();
        r.report.detections += r.detections.size();
        for (Detection& d : r.detections) on_detection(std::move(d));
        stats.files.push_back(std::move(r.report));
        if (options.progress_bytes != nullptr) options.progress_bytes->fetch_add(size);
    };

    // Runs of small files go to the pool one file per task; large EVTX files use every thread.
    std::size_t i = 0;
    while (i < inputs.size()) {
        std::size_t end = i;
        while (end < inputs.size() && !(inputs[end].kind == InputKind::kEvtx &&
                                        inputs[end].size >= kLargeFileBytes && threads > 1)) {
            ++end;
        }
        if (end > i) {
            core::ordered_parallel<FileResult>(
                end - i, threads, std::size_t{2} * threads,
                [&](std::size_t k, unsigned worker) {
                    return hunt_small_file(inputs[i + k], static_cast<std::uint32_t>(i + k),
                                           *workers[worker], options);
                },
                [&](std::size_t k, FileResult&& r) { deliver(std::move(r), inputs[i + k].size); });
            i = end;
            continue;
        }
        // One large EVTX file, chunks in parallel.
        const InputFile& input = inputs[i];
        const auto index = static_cast<std::uint32_t>(i);
        FileResult result;
        result.report.path = input.path;
        auto file = open_evtx(input);
        if (!file) {
            result.report.error = file.error();
        } else {
            evtx::ReadOptions read;
            read.threads = threads;
            read.recover = options.recover;
            std::vector<std::uint64_t> events(threads, 0);
            const evtx::FileStats s = evtx::for_each_event<std::vector<Detection>>(
                *file, read,
                [&](const core::Event& e, const evtx::RecordInfo& info, std::vector<Detection>& out,
                    unsigned worker) {
                    ++events[worker];
                    workers[worker]->process(e, index,
                                             (info.chunk_index << 16) | info.offset_in_chunk, out);
                },
                [&](std::vector<Detection>&& out) {
                    for (Detection& d : out) result.detections.push_back(std::move(d));
                    if (result.detections.size() > 4096) {
                        stats.detections += result.detections.size();
                        result.report.detections += result.detections.size();
                        for (Detection& d : result.detections) on_detection(std::move(d));
                        result.detections.clear();
                    }
                });
            add_evtx_stats(result.report, s);
            for (const std::uint64_t n : events) result.report.events += n;
        }
        deliver(std::move(result), input.size);
        ++i;
    }
    for (auto& w : workers) w->merge_into(stats);
    return stats;
}

}  // namespace vigie::hunt
