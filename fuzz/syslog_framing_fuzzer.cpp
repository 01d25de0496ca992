// fuzz/syslog_framing_fuzzer.cpp - libFuzzer target over the syslog TCP frame reader and the
// syslog header parser.
//
// A syslog port is open to every machine on the network. The input's first two bytes pick the
// frame limit, whether octet counting is detected, and the seed of the chunk sizes; the rest is the
// stream, fed once whole and once in pseudo-random chunks (each chunk copied, then overwritten
// after it is drained, as a reused read buffer is). Both runs must yield the same frames; every
// frame must lie inside the stream and under the limit; memory must stay within two frame buffers.
// Each frame's header is parsed and every field, SD parameter and payload is read, checking each
// view lies inside its frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "watch/syslog_framing.hpp"
#include "watch/syslog_message.hpp"

namespace {

using vigie::watch::SyslogFrame;

struct Seen {
    SyslogFrame::Kind kind;
    std::string message;
    std::uint64_t offset, length;
    bool operator==(const Seen&) const = default;
};

void check(bool ok) {
    if (!ok) std::abort();
}

void check_inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return;
    check(part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void read_message(std::string_view frame) {
    auto m = vigie::watch::parse_syslog_message(frame, 133'000'000'000'000'000ULL);
    if (!m) return;
    for (const std::string_view field : {m->timestamp, m->hostname, m->app_name, m->procid,
                                         m->msgid, m->structured_data, m->message}) {
        check_inside(field, frame);
    }
    vigie::watch::StructuredDataReader sd(m->structured_data);
    vigie::watch::SdParam p;
    std::string value;
    while (sd.next(p)) {
        check_inside(p.sd_id, m->structured_data);
        check_inside(p.name, m->structured_data);
        check_inside(p.raw_value, m->structured_data);
        value.clear();
        vigie::watch::append_sd_value(value, p.raw_value);
        check(value.size() <= p.raw_value.size());
    }
    const auto payload = vigie::watch::find_event_payload(m->message);
    check_inside(payload.text, m->message);
}

std::vector<Seen> run(std::string_view stream, const vigie::watch::SyslogFrameOptions& options,
                      std::uint32_t seed, bool chunked) {
    const std::size_t max_frame = options.max_frame_bytes;
    vigie::watch::SyslogFrameReader reader(options);
    std::vector<Seen> seen;
    std::uint64_t last_end = 0;
    auto drain = [&] {
        SyslogFrame f;
        while (reader.next(f)) {
            check(f.offset >= last_end);
            check(f.offset + f.length <= stream.size());
            last_end = f.offset + f.length;
            if (f.kind == SyslogFrame::Kind::kMessage) {
                check(f.message.size() <= max_frame);
                check(!f.message.empty());
                if (chunked) read_message(f.message);
            }
            seen.push_back({f.kind, std::string(f.message), f.offset, f.length});
        }
        check(reader.buffered_capacity() <= 2 * max_frame + 64);
    };
    std::string chunk;
    std::size_t pos = 0;
    while (pos < stream.size()) {
        seed = seed * 1103515245u + 12345u;
        const std::size_t n = chunked ? 1 + (seed >> 16) % 97 : stream.size();
        chunk.assign(stream.substr(pos, n));
        reader.feed(chunk);
        drain();
        chunk.assign(chunk.size(), '\x7f');
        pos += n;
    }
    reader.finish();
    drain();
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    vigie::watch::SyslogFrameOptions options;
    options.max_frame_bytes = 1 + data[0] * 16u;  // 1 .. 4081: the limit is often reached
    options.detect_octet_counting = (data[1] & 0x80) == 0;
    const std::uint32_t seed = data[1] & 0x7f;
    const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);
    const auto whole = run(stream, options, seed, false);
    const auto chunked = run(stream, options, seed, true);
    check(whole == chunked);
    return 0;
}
