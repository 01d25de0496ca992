#include "json/xml_event_reader.hpp"

#include <expat.h>
#include <fmt/format.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "core/windows_fields.hpp"

namespace vigie::json {
namespace {

bool is_xml_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool all_space(std::string_view s) noexcept {
    for (char c : s) {
        if (!is_xml_space(c)) return false;
    }
    return true;
}

// XML 1.0 forbids control characters other than tab, line feed and carriage return, even as
// character references, yet Windows event data holds them (garbage in a 4661 PrivilegeList,
// anything an attacker puts in a command line); a strict parser would drop the whole event,
// an easy way to hide one. UTF-8 input is therefore passed through a copy where each such
// byte c becomes the private-use character U+F700+c (EF 9C 80+c, never part of another UTF-8
// sequence), and text and attribute values map it back: values stay byte for byte what the
// EVTX reader gives. NUL is refused: no Windows renderer writes it.
constexpr unsigned char kMappedLead0 = 0xEF, kMappedLead1 = 0x9C, kMappedBase = 0x80;

bool is_forbidden_control(unsigned char c) noexcept {
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// Appends `in` to `out` with forbidden controls mapped; false (and `nul_at` set) at a NUL byte.
bool map_controls(std::string_view in, std::string& out, std::size_t& nul_at) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        if (!is_forbidden_control(c)) {
            out.push_back(in[i]);
        } else if (c == 0) {
            nul_at = i;
            return false;
        } else {
            out.push_back(static_cast<char>(kMappedLead0));
            out.push_back(static_cast<char>(kMappedLead1));
            out.push_back(static_cast<char>(kMappedBase + c));
        }
    }
    return true;
}

// Eight bytes at a time: a word is looked at byte by byte only when one of its bytes is below
// 0x20 (tabs and line breaks are, and are allowed).
bool has_forbidden_control(std::string_view in) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= in.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, in.data() + i, 8);
        if (((w - kOnes * 0x20) & ~w & kHigh) == 0) continue;
        for (std::size_t k = i; k < i + 8; ++k) {
            if (is_forbidden_control(static_cast<unsigned char>(in[k]))) return true;
        }
    }
    for (; i < in.size(); ++i) {
        if (is_forbidden_control(static_cast<unsigned char>(in[i]))) return true;
    }
    return false;
}

// Appends `in` with the mapped characters turned back into their control bytes.
void append_unmapped(std::string& out, std::string_view in) {
    std::size_t i = 0;
    while (i < in.size()) {
        const std::size_t lead = in.find(static_cast<char>(kMappedLead0), i);
        if (lead == std::string_view::npos || lead + 2 >= in.size()) break;
        const auto b1 = static_cast<unsigned char>(in[lead + 1]);
        const auto b2 = static_cast<unsigned char>(in[lead + 2]);
        if (b1 == kMappedLead1 && b2 >= kMappedBase && b2 < kMappedBase + 0x20) {
            out.append(in.substr(i, lead - i));
            out.push_back(static_cast<char>(b2 - kMappedBase));
            i = lead + 3;
        } else {
            out.append(in.substr(i, lead + 1 - i));
            i = lead + 1;
        }
    }
    out.append(in.substr(i));
}

// `wevtutil qe /f:xml` prints events one after another with no root element, and PowerShell
// saves that redirected output as UTF-16. Expat accepts one root only, so read_events() puts an
// <Events> root of its own around such a stream, encoded like the stream, after its byte
// order mark and XML declaration.
struct RootlessStream {
    std::size_t insert_at = 0;  // byte offset where "<Events>" goes
    std::string open, close;    // "<Events>" and "</Events>" in the stream's encoding
};

std::optional<RootlessStream> rootless_stream(std::string_view head) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(head[i]); };
    std::size_t pos = 0;
    int unit = 1;
    bool big_endian = false;
    if (head.size() >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {
        pos = 3;
    } else if (head.size() >= 2 && byte(0) == 0xFF && byte(1) == 0xFE) {
        pos = 2;
        unit = 2;
    } else if (head.size() >= 2 && byte(0) == 0xFE && byte(1) == 0xFF) {
        pos = 2;
        unit = 2;
        big_endian = true;
    } else if (head.size() >= 2 && byte(0) == '<' && byte(1) == 0) {
        unit = 2;
    } else if (head.size() >= 2 && byte(0) == 0 && byte(1) == '<') {
        unit = 2;
        big_endian = true;
    }
    // The ASCII character at byte offset i, or -1 (past the end, or not ASCII).
    auto at = [&](std::size_t i) -> int {
        if (i + static_cast<std::size_t>(unit) > head.size()) return -1;
        if (unit == 1) return byte(i) < 0x80 ? byte(i) : -1;
        const unsigned lo = big_endian ? byte(i + 1) : byte(i);
        const unsigned hi = big_endian ? byte(i) : byte(i + 1);
        return hi == 0 && lo < 0x80 ? static_cast<int>(lo) : -1;
    };
    auto starts = [&](std::size_t i, std::string_view word) {
        for (std::size_t k = 0; k < word.size(); ++k) {
            if (at(i + k * unit) != word[k]) return false;
        }
        return true;
    };
    auto skip_space = [&] {
        while (at(pos) == ' ' || at(pos) == '\t' || at(pos) == '\n' || at(pos) == '\r') pos += unit;
    };
    skip_space();
    if (starts(pos, "<?xml")) {
        while (at(pos) != -1 && !starts(pos, "?>")) pos += unit;
        if (at(pos) == -1) return std::nullopt;
        pos += 2 * unit;
        skip_space();
    }
    if (!starts(pos, "<Event")) return std::nullopt;
    const int next = at(pos + 6 * unit);
    if (next != ' ' && next != '>' && next != '/' && next != '\t' && next != '\n' && next != '\r') {
        return std::nullopt;  // <Events> or another name
    }
    RootlessStream r;
    r.insert_at = pos;
    auto encode = [&](std::string_view ascii) {
        std::string out;
        for (char c : ascii) {
            if (unit == 2 && big_endian) out.push_back('\0');
            out.push_back(c);
            if (unit == 2 && !big_endian) out.push_back('\0');
        }
        return out;
    };
    r.open = encode("<Events>");
    r.close = encode("</Events>");
    return r;
}

}  // namespace

// Everything one expat parser needs between callbacks. One document or stream at a time.
struct WindowsXmlParser::State {
    // What the document holds so far, outside the event being built.
    enum class Mode { kSingle, kStream, kFragment };

    explicit State(const XmlLimits& l) : limits(l), parser(XML_ParserCreate(nullptr)) {}
    ~State() {
        if (parser != nullptr) XML_ParserFree(parser);
    }

    const XmlLimits& limits;
    XML_Parser parser;

    Mode mode = Mode::kSingle;
    core::Event* event = nullptr;  // the event being filled
    const std::function<void(const core::Event&)>* visit = nullptr;
    std::uint64_t events = 0;
    std::optional<core::Error> error;  // set by a callback before it stops the parser

    std::size_t depth = 0;          // open elements in the document
    std::size_t event_depth = 0;    // depth of the <Event> element being built, 0: none
    std::size_t skip_depth = 0;     // inside an element that is ignored (not in an event)
    std::size_t nodes = 0;          // of the event being built
    std::uint64_t event_start = 0;  // byte index of its start tag
    std::uint64_t progress = 0;     // byte index of the last callback
    bool root_seen = false;

    core::Event scratch;  // add_user_data() builds its fragment here
    bool mapped = false;  // the input went through map_controls(): map values back
    std::string mapped_input;
    std::string unmapped;  // an attribute value with its controls restored

    std::string text;  // character data not yet added as a node
    bool text_is_cdata = false;
    // Per open element of the event: whether it has child nodes (elements or text).
    std::vector<char> has_children;

    std::uint64_t byte_index() const {
        const XML_Index i = XML_GetCurrentByteIndex(parser);
        return i < 0 ? 0 : static_cast<std::uint64_t>(i);
    }

    void stop(core::ErrorCode code, std::string what) {
        if (!error) {
            error = core::fail(
                code, fmt::format("line {}, column {}: {}", XML_GetCurrentLineNumber(parser),
                                  XML_GetCurrentColumnNumber(parser), what));
        }
        XML_StopParser(parser, XML_FALSE);
    }

    bool charge_node() {
        if (++nodes <= limits.max_nodes) return true;
        stop(core::ErrorCode::kLimitExceeded,
             fmt::format("event has more than {} nodes", limits.max_nodes));
        return false;
    }

    bool check_event_bytes() {
        progress = byte_index();
        if (event_depth == 0 || progress - event_start <= limits.max_bytes) return true;
        stop(core::ErrorCode::kLimitExceeded,
             fmt::format("event larger than {} bytes", limits.max_bytes));
        return false;
    }

    // Adds the pending character data as a node of the innermost open element. Whitespace
    // between elements (indentation) is not content: it is dropped once the element turns
    // out to hold elements, and kept in leaves (<Data> </Data> is a space).
    void flush_text(bool element_follows_or_ends_with_children) {
        if (text.empty()) return;
        if (!text_is_cdata && element_follows_or_ends_with_children && all_space(text)) {
            text.clear();
            return;
        }
        if (!charge_node()) return;
        const core::Value v = core::Value::utf8(event->store(text));
        if (text_is_cdata) {
            event->add_cdata(v);
        } else {
            event->add_text(v);
        }
        has_children.back() = 1;
        text.clear();
        text_is_cdata = false;
    }

    void begin_event() {
        event->clear();
        nodes = 0;
        event_depth = depth;
        event_start = byte_index();
        has_children.clear();
        text.clear();
        text_is_cdata = false;
    }

    void finish_event() {
        event_depth = 0;
        if (mode == Mode::kFragment) return;  // add_user_data() indexes it
        index_event(*event);
        ++events;
        if (mode == Mode::kSingle) {
            if (events > 1) stop(core::ErrorCode::kParse, "document holds more than one <Event>");
            return;
        }
        if (visit != nullptr) (*visit)(*event);
    }

    static void index_event(core::Event& event) {
        core::index_windows_fields(event);
        // The EVTX reader takes both from binary values; here they are text.
        if (const core::Value* t = event.field("TimeCreated_SystemTime")) {
            if (auto ticks = core::parse_iso8601(t->utf8_view())) event.timestamp = *ticks;
        }
        if (const core::Value* r = event.field("EventRecordID")) {
            if (auto n = r->to_int(); n && *n >= 0)
                event.record_id = static_cast<std::uint64_t>(*n);
        }
    }

    void start_element(const XML_Char* name, const XML_Char** attributes) {
        ++depth;
        progress = byte_index();
        if (depth > limits.max_depth) {
            stop(core::ErrorCode::kLimitExceeded,
                 fmt::format("elements nested deeper than {}", limits.max_depth));
            return;
        }
        const std::string_view element(name);
        if (event_depth == 0) {
            if (skip_depth != 0) return;
            if (depth == 1) {
                if (root_seen && mode == Mode::kSingle) {
                    stop(core::ErrorCode::kParse, "document holds more than one <Event>");
                    return;
                }
                root_seen = true;
                if (mode == Mode::kFragment) {
                    // The wrapper add_user_data() put around the fragment: <Event><UserData>.
                    begin_event();
                    event->open_element("Event");
                    has_children.push_back(0);
                } else if (element == "Events") {
                    return;
                } else if (element != "Event") {
                    stop(core::ErrorCode::kParse,
                         fmt::format("root element is <{}>, not <Event> or <Events>",
                                     element.substr(0, 64)));
                    return;
                }
            }
            if (mode != Mode::kFragment) {
                if (element != "Event") {
                    skip_depth = depth;  // other content of an <Events> root
                    return;
                }
                begin_event();
            }
        } else {
            flush_text(true);
            if (error) return;
            has_children.back() = 1;
        }
        if (!check_event_bytes() || !charge_node()) return;
        event->open_element(event->store(element));
        has_children.push_back(0);
        for (const XML_Char** a = attributes; *a != nullptr; a += 2) {
            if (!charge_node()) return;
            std::string_view value(a[1]);
            if (mapped) {
                unmapped.clear();
                append_unmapped(unmapped, value);
                value = unmapped;
            }
            event->add_attribute(event->store(a[0]), core::Value::utf8(event->store(value)));
        }
    }

    void end_element() {
        const std::size_t closing = depth--;
        progress = byte_index();
        if (event_depth == 0) {
            if (skip_depth == closing) skip_depth = 0;
            return;
        }
        if (!check_event_bytes()) return;
        const bool had_children = has_children.back() != 0;
        flush_text(had_children);
        if (error) return;
        // <a></a> holds an empty text, as the EVTX reader gives an empty value; <a/> nothing.
        // Expat reports no bytes for the end of an empty-element tag.
        if (!had_children && has_children.back() == 0 && XML_GetCurrentByteCount(parser) > 0) {
            if (!charge_node()) return;
            event->add_text(core::Value::utf8(std::string_view()));
        }
        event->close_element();
        has_children.pop_back();
        if (closing == event_depth) finish_event();
        // The fragment wrapper: close the outer <Event> with <UserData>.
        if (mode == Mode::kFragment && closing == 1 && !has_children.empty()) {
            event->close_element();
            has_children.pop_back();
        }
    }

    void character_data(std::string_view s) {
        progress = byte_index();
        if (event_depth == 0) return;  // text between events
        if (text.size() + s.size() > limits.max_bytes) {
            stop(core::ErrorCode::kLimitExceeded,
                 fmt::format("text larger than {} bytes", limits.max_bytes));
            return;
        }
        if (mapped) {
            append_unmapped(text, s);
        } else {
            text.append(s);
        }
        check_event_bytes();
    }

    void start_cdata() {
        if (event_depth == 0) return;
        flush_text(false);
        text_is_cdata = true;
    }

    void end_cdata() {
        if (event_depth == 0) return;
        // An empty CDATA section still is a node, as the EVTX reader keeps it.
        if (text.empty() && charge_node()) {
            event->add_cdata(core::Value::utf8(std::string_view()));
            has_children.back() = 1;
        }
        flush_text(false);
        text_is_cdata = false;
    }

    void processing_instruction(const XML_Char* target, const XML_Char* data) {
        if (event_depth == 0) return;  // <?xml-stylesheet?> and the like around events
        flush_text(true);
        if (error || !charge_node()) return;
        const std::string_view d(data);
        event->add_processing_instruction(
            event->store(target), d.empty() ? core::Value() : core::Value::utf8(event->store(d)));
        has_children.back() = 1;
    }

    // Expat calls back through C function pointers with this State as user data.
    static State& self(void* user) { return *static_cast<State*>(user); }
    static void on_start(void* u, const XML_Char* name, const XML_Char** attributes) {
        self(u).start_element(name, attributes);
    }
    static void on_end(void* u, const XML_Char*) { self(u).end_element(); }
    static void on_text(void* u, const XML_Char* s, int len) {
        self(u).character_data(std::string_view(s, static_cast<std::size_t>(len)));
    }
    static void on_cdata_start(void* u) { self(u).start_cdata(); }
    static void on_cdata_end(void* u) { self(u).end_cdata(); }
    static void on_pi(void* u, const XML_Char* target, const XML_Char* data) {
        self(u).processing_instruction(target, data);
    }
    static void on_doctype(void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
        self(u).stop(core::ErrorCode::kParse, "DOCTYPE declarations are not accepted");
    }
    static void on_entity_decl(void* u, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                               const XML_Char*, const XML_Char*, const XML_Char*) {
        self(u).stop(core::ErrorCode::kParse, "entity declarations are not accepted");
    }

    // Ready for a new document: expat's reset clears the handlers, so they are set again.
    void start(Mode m, core::Event& e, const char* encoding) {
        XML_ParserReset(parser, encoding);
        XML_SetUserData(parser, this);
        XML_SetElementHandler(parser, on_start, on_end);
        XML_SetCharacterDataHandler(parser, on_text);
        XML_SetCdataSectionHandler(parser, on_cdata_start, on_cdata_end);
        XML_SetProcessingInstructionHandler(parser, on_pi);
        XML_SetStartDoctypeDeclHandler(parser, on_doctype);
        XML_SetEntityDeclHandler(parser, on_entity_decl);
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
        mode = m;
        mapped = false;
        event = &e;
        events = 0;
        error.reset();
        depth = event_depth = skip_depth = nodes = 0;
        event_start = progress = 0;
        root_seen = false;
        text.clear();
        text_is_cdata = false;
        has_children.clear();
    }

    // Feeds bytes; false once the document failed (error set).
    bool feed(const char* data, std::size_t size, bool last) {
        if (XML_Parse(parser, data, static_cast<int>(size), last ? XML_TRUE : XML_FALSE) ==
            XML_STATUS_OK) {
            return true;
        }
        if (!error) {
            error =
                core::fail(core::ErrorCode::kParse,
                           fmt::format("line {}, column {}: {}", XML_GetCurrentLineNumber(parser),
                                       XML_GetCurrentColumnNumber(parser),
                                       XML_ErrorString(XML_GetErrorCode(parser))));
        }
        return false;
    }

    // Feeds UTF-8 text, through map_controls() when it holds forbidden controls.
    bool feed_utf8(std::string_view s, bool last, std::uint64_t offset = 0) {
        if (!has_forbidden_control(s)) return feed_all(s, last);
        mapped_input.clear();
        std::size_t nul_at = 0;
        if (!map_controls(s, mapped_input, nul_at)) {
            error = core::fail(core::ErrorCode::kParse,
                               fmt::format("NUL byte at offset {}", offset + nul_at));
            return false;
        }
        mapped = true;
        return feed_all(mapped_input, last);
    }

    // Feeds a whole buffer in pieces expat's int sizes can take.
    bool feed_all(std::string_view s, bool last) {
        constexpr std::size_t kPiece = std::size_t{1} << 30;
        while (s.size() > kPiece) {
            if (!feed(s.data(), kPiece, false)) return false;
            s.remove_prefix(kPiece);
        }
        return feed(s.data(), s.size(), last);
    }
};

WindowsXmlParser::WindowsXmlParser(XmlLimits limits)
    : limits_(limits), state_(std::make_unique<State>(limits_)) {}

WindowsXmlParser::~WindowsXmlParser() = default;

core::Result<void> WindowsXmlParser::parse_event(std::string_view xml, core::Event& event) {
    State& s = *state_;
    if (s.parser == nullptr) return core::fail(core::ErrorCode::kIo, "cannot create XML parser");
    event.clear();
    if (xml.size() > limits_.max_bytes) {
        return core::fail(
            core::ErrorCode::kLimitExceeded,
            fmt::format("XML document of {} bytes, more than {}", xml.size(), limits_.max_bytes));
    }
    s.start(State::Mode::kSingle, event, "UTF-8");
    if (!s.feed_utf8(xml, true)) {
        event.clear();
        return *s.error;
    }
    if (s.events == 0) {
        event.clear();
        return core::fail(core::ErrorCode::kParse, "no <Event> element in the document");
    }
    return {};
}

core::Result<XmlReadStats> WindowsXmlParser::read_events(
    core::InputStream& input, const std::function<void(const core::Event&)>& visit) {
    State& s = *state_;
    if (s.parser == nullptr) return core::fail(core::ErrorCode::kIo, "cannot create XML parser");
    core::Event event;
    s.start(State::Mode::kStream, event, nullptr);
    s.visit = &visit;
    XmlReadStats stats;
    std::vector<std::uint8_t> block(std::size_t{64} << 10);
    std::uint64_t fed = 0;
    std::optional<RootlessStream> rootless;
    bool first = true;
    bool utf16 = false;  // mapping controls (feed_utf8) is for UTF-8 only
    // The first bytes decide the encoding and whether a root is missing: streams may give
    // them a few at a time (a decompressor's first read), so the head is gathered first.
    constexpr std::size_t kHead = 4096;
    for (;;) {
        std::size_t got = 0;
        do {
            auto n = input.read(std::span(block).subspan(got));
            if (!n) {
                s.visit = nullptr;
                return n.error();
            }
            if (*n == 0) break;
            got += *n;
        } while (first && got < kHead);
        std::string_view chunk(reinterpret_cast<const char*>(block.data()), got);
        const bool last = got == 0;
        if (first && !last) {
            first = false;
            rootless = rootless_stream(chunk);
            utf16 = chunk.size() >= 2 && (chunk[0] == '\0' || chunk[1] == '\0' ||
                                          (chunk[0] == '\xFF' && chunk[1] == '\xFE') ||
                                          (chunk[0] == '\xFE' && chunk[1] == '\xFF'));
            if (rootless) {
                if (!s.feed(chunk.data(), rootless->insert_at, false) ||
                    !s.feed(rootless->open.data(), rootless->open.size(), false)) {
                    break;
                }
                fed += rootless->insert_at + rootless->open.size();
                chunk.remove_prefix(rootless->insert_at);
            }
        }
        if (last && rootless && !s.feed(rootless->close.data(), rootless->close.size(), false)) {
            break;
        }
        const std::uint64_t offset = fed - (rootless ? rootless->open.size() : 0);
        if (!(utf16 ? s.feed(chunk.data(), chunk.size(), last)
                    : s.feed_utf8(chunk, last, offset))) {
            break;
        }
        fed += chunk.size();
        if (last) break;
        // Expat buffers an unfinished token whole; a token bigger than an event may be is
        // refused before it fills memory.
        if (fed > s.progress && fed - s.progress > limits_.max_bytes + block.size()) {
            s.stop(core::ErrorCode::kLimitExceeded,
                   fmt::format("no element or text ends within {} bytes", limits_.max_bytes));
            break;
        }
    }
    s.visit = nullptr;
    stats.events = s.events;
    if (s.error) {
        core::Error e = *s.error;
        e.location.file = input.name();
        stats.stopped = std::move(e);
    } else if (s.events == 0) {
        stats.stopped = core::fail(core::ErrorCode::kParse, "no <Event> element in the document",
                                   core::Location::in_file(input.name()));
    }
    return stats;
}

core::Result<void> WindowsXmlParser::add_user_data(std::string_view fragment, core::Event& event) {
    State& s = *state_;
    if (s.parser == nullptr) return core::fail(core::ErrorCode::kIo, "cannot create XML parser");
    if (fragment.size() > limits_.max_bytes) {
        return core::fail(
            core::ErrorCode::kLimitExceeded,
            fmt::format("UserData of {} bytes, more than {}", fragment.size(), limits_.max_bytes));
    }
    core::Event& scratch = s.scratch;
    s.start(State::Mode::kFragment, scratch, "UTF-8");
    if (!s.feed("<UserData>", 10, false) || !s.feed_utf8(fragment, false) ||
        !s.feed("</UserData>", 11, true)) {
        return *s.error;
    }
    State::index_event(scratch);
    for (const core::Field& f : scratch.fields()) {
        event.add_field(event.store(f.name),
                        f.value.kind() == core::ValueKind::kUtf8
                            ? core::Value::utf8(event.store(f.value.utf8_view()))
                            : core::Value());
    }
    return {};
}

core::Result<void> parse_windows_event_xml(std::string_view xml, core::Event& event,
                                           const XmlLimits& limits) {
    WindowsXmlParser parser(limits);
    return parser.parse_event(xml, event);
}

}  // namespace vigie::json
