// fuzz/evtx_file_fuzzer.cpp - libFuzzer target over the EVTX reader and both renderers.
//
// EVTX files come from compromised machines, so every byte here is hostile. The target drives
// the same path `vigie dump` takes, and renders and reads every value, because values are lazy
// views into the chunk: an out-of-range offset only shows when a value is turned into text. The
// JSON dump writes from compiled templates is checked against the tree's on every chunk.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/byte_source.hpp"
#include "evtx/chunk_reader.hpp"
#include "evtx/file_reader.hpp"
#include "evtx/format.hpp"
#include "evtx/json_render.hpp"
#include "evtx/xml_render.hpp"

namespace {

using namespace vigie;

void consume(const core::Event& event, evtx::JsonRenderer& json, std::string& out) {
    out.clear();
    json.render(event, out);
    evtx::render_xml(event, out);
    for (auto& f : event.fields()) out += f.value.text();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    evtx::JsonRenderer json;
    std::string out;

    // Whole-file mode. recover=true also walks slack space and chunks past the header's count,
    // the least-travelled code; one thread keeps crashes reproducible.
    if (auto file = evtx::EvtxFile::open(core::memory_source(bytes, "<fuzz>"))) {
        evtx::ReadOptions options;
        options.recover = true;
        options.threads = 1;
        evtx::for_each_event<std::string>(
            *file, options,
            [&](const core::Event& e, const evtx::RecordInfo&, std::string& chunk_out, unsigned) {
                consume(e, json, chunk_out);
            },
            [](std::string&&) {});
    }

    // Chunk mode: the file path needs a 4 KiB header before the first chunk, so mutations spent
    // there never reach BinXML; reading the first 64 KiB as a chunk puts every mutation into
    // records. A fresh reader per input so no state (templates, seen records) crosses runs.
    if (size >= evtx::kChunkSize) {
        evtx::ChunkReader reader;
        reader.read(bytes.first(evtx::kChunkSize), 0, /*recover=*/true, /*beyond_header=*/false,
                    [&](const core::Event& e, const evtx::RecordInfo&) { consume(e, json, out); });

        // dump writes records from compiled JSON programs (evtx/json_program.hpp): it must give
        // the tree's JSON byte for byte, and the same counts.
        evtx::ChunkReader programs, trees;
        trees.set_index_fields(false);
        evtx::JsonRenderer renderer;
        std::string fast, slow;
        const auto chunk = bytes.first(evtx::kChunkSize);
        const auto a = programs.read_json(chunk, 0, false, false, fast);
        const auto b =
            trees.read(chunk, 0, false, false, [&](const core::Event& e, const evtx::RecordInfo&) {
                renderer.render(e, slow);
                slow.push_back('\n');
            });
        if (fast != slow || a.records != b.records || a.records_failed != b.records_failed ||
            a.constructs_skipped != b.constructs_skipped || a.first_error != b.first_error)
            __builtin_trap();
    }
    return 0;
}
