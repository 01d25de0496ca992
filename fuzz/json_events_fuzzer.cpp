// fuzz/json_events_fuzzer.cpp - libFuzzer target over the JSON/JSONL event reader.
//
// JSON exports come from compromised machines too. Bytes are read as given (through the gzip
// or zstd decoder when they start with a magic), once per shape, with a small object limit so
// that the oversized path is reached; every field's text is read, because text values are views
// into the parser's buffers and a bad view only shows when it is read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/input_stream.hpp"
#include "json/event_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vigie;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string sink;
    for (const json::JsonFormat format : {json::JsonFormat::kAuto, json::JsonFormat::kEvtxCrate,
                                          json::JsonFormat::kEcs, json::JsonFormat::kFlat}) {
        auto in = core::memory_input_stream(bytes, "<fuzz>");
        json::JsonReadOptions options;
        options.format = format;
        options.max_object_bytes = 1u << 16;
        (void)json::read_json_events(*in, options,
                                     [&](const core::Event& e, const json::JsonEventInfo&) {
                                         sink.clear();
                                         for (const auto& f : e.fields()) {
                                             sink.append(f.name);
                                             f.value.append_text(sink);
                                             (void)f.value.to_int();
                                         }
                                     });
    }
    return 0;
}
