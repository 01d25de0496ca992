// fuzz/xml_events_fuzzer.cpp - libFuzzer target over the Windows event XML reader and the
// per-event text entry point (json/event_text.hpp) a daemon feeds with what it receives.
//
// Event XML arrives from other machines. Bytes are read three ways: as one document
// (parse_event), as a file (read_events, with a small per-event limit so the limit paths are
// reached), and through EventTextParser (XML or any JSON shape, OpenWEC's XML inside JSON
// included). Every field's text is read, because values are views into the parsers' buffers
// and a bad view only shows when it is read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/input_stream.hpp"
#include "json/event_text.hpp"
#include "json/xml_event_reader.hpp"

namespace {

void read_all(const vigie::core::Event& e, std::string& sink) {
    sink.clear();
    for (const auto& f : e.fields()) {
        sink.append(f.name);
        f.value.append_text(sink);
        (void)f.value.to_int();
    }
    for (const auto& n : e.nodes()) {
        sink.append(n.name);
        n.value.append_text(sink);
        for (const auto& a : e.attributes(n)) sink.append(a.name);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vigie;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string sink;
    json::XmlLimits limits;
    limits.max_bytes = 1u << 16;
    limits.max_depth = 32;
    limits.max_nodes = 2000;
    static json::WindowsXmlParser parser(limits);  // reused, as a daemon reuses it
    core::Event event;
    if (parser.parse_event(bytes, event)) read_all(event, sink);
    auto in = core::memory_input_stream(bytes, "<fuzz>");
    (void)parser.read_events(*in, [&](const core::Event& e) { read_all(e, sink); });
    json::EventTextOptions options;
    options.xml = limits;
    static json::EventTextParser text(options);
    if (text.build_event(bytes, event)) read_all(event, sink);
    return 0;
}
