// fuzz/json_events_fuzzer.cpp - libFuzzer target over the JSON/JSONL event reader.
//
// Bytes are read as plain text, and again through the decompressors when they start with a
// gzip or zstd magic. Every shape is forced in turn and every field's text is read, so values
// that point into the parser's buffers are exercised.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/sequential_input.hpp"
#include "json/event_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vigie;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string sink;
    for (const json::JsonFormat format : {json::JsonFormat::kAuto, json::JsonFormat::kEvtxCrate,
                                          json::JsonFormat::kEcs, json::JsonFormat::kFlat}) {
        auto in = core::memory_sequential(bytes, "<fuzz>");
        json::JsonReadOptions options;
        options.format = format;
        options.max_object_bytes = 1u << 16;
        (void)json::read_json_events(*in, options,
                                     [&](const core::Event& e, const json::JsonEventInfo&) {
                                         sink.clear();
                                         for (const auto& f : e.fields()) {
                                             sink.append(f.name);
                                             f.value.append_text(sink);
                                         }
                                     });
    }
    return 0;
}
