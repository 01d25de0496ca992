#include "app/dump_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/output.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/xml_render.hpp"

namespace vigie::app {
namespace {

void print_stats(const std::string& path, const evtx::FileStats& s) {
    fmt::print(
        stderr,
        "{}: records {}, recovered {}, records failed {}, chunks {}, chunks skipped {}, "
        "chunks beyond header {}, checksum failures {}, records with constructs skipped {}\n",
        path, s.records, s.recovered, s.records_failed, s.chunks, s.chunks_skipped,
        s.chunks_beyond_header, s.checksum_failures, s.records_partial);
    for (const std::string& p : s.problems) fmt::print(stderr, "{}:   {}\n", path, p);
    for (const auto& [what, count] : s.skipped_in_words()) {
        fmt::print(stderr, "{}:   skipped {} x {}\n", path, count, what);
    }
}

}  // namespace

int run_dump(const DumpOptions& options) {
    const bool xml = options.format == "xml";
    evtx::ReadOptions read;
    read.recover = options.recover;
    read.threads = evtx::resolve_threads(options.threads);
    read.index_fields = false;  // printing needs the document tree only
    StdoutWriter out;
    int status = 0;
    for (const std::string& path : options.files) {
        auto file = evtx::EvtxFile::open(path);
        if (!file) {
            fmt::print(stderr, "vigie: {}\n", file.error().to_string());
            status = 2;
            continue;
        }
        auto emit = [&](std::string&& chunk_out) { out.write(chunk_out); };
        const evtx::FileStats stats =
            xml ? evtx::for_each_event<std::string>(
                      *file, read,
                      [&](const core::Event& event, const evtx::RecordInfo&, std::string& chunk_out,
                          unsigned) {
                          evtx::render_xml(event, chunk_out);
                          chunk_out.push_back('\n');
                      },
                      emit)
                : evtx::for_each_json_line(*file, read, emit);
        if (options.stats) print_stats(path, stats);
        if (out.closed()) break;
    }
    return status;
}

}  // namespace vigie::app
