#include "evtx/windows_event.hpp"

#include <charconv>

namespace vigie::evtx {
namespace {

core::Value stored_bytes(core::Event& event, const std::vector<std::uint8_t>& bytes, bool guid) {
    std::string_view s =
        event.store(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    return guid ? core::Value::guid(p) : core::Value::sid(p, s.size());
}

void text_element(core::Event& event, std::string_view name, core::Value value) {
    event.open_element(name);
    event.add_text(value);
    event.close_element();
}

}  // namespace

std::vector<std::uint8_t> sid_from_string(std::string_view text) {
    if (text.size() < 4 || text.substr(0, 2) != "S-") return {};
    std::vector<std::uint64_t> parts;
    std::size_t pos = 2;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find('-', pos), text.size());
        std::uint64_t v = 0;
        auto r = std::from_chars(text.data() + pos, text.data() + end, v);
        if (r.ec != std::errc() || r.ptr != text.data() + end) return {};
        parts.push_back(v);
        pos = end + 1;
    }
    if (parts.size() < 2 || parts.size() > 17) return {};
    std::vector<std::uint8_t> out;
    out.push_back(static_cast<std::uint8_t>(parts[0]));
    out.push_back(static_cast<std::uint8_t>(parts.size() - 2));
    for (int shift = 40; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(parts[1] >> shift));
    for (std::size_t i = 2; i < parts.size(); ++i) {
        for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(parts[i] >> (8 * b)));
    }
    return out;
}

std::vector<std::uint8_t> guid_from_string(std::string_view text) {
    if (!text.empty() && text.front() == '{')
        text = text.substr(1, text.size() >= 2 ? text.size() - 2 : 0);
    std::string hex;
    for (char c : text) {
        if (c != '-') hex.push_back(c);
    }
    if (hex.size() != 32) return {};
    std::uint8_t b[16];
    for (int i = 0; i < 16; ++i) {
        unsigned v = 0;
        auto r = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
        if (r.ec != std::errc()) return {};
        b[i] = static_cast<std::uint8_t>(v);
    }
    // Data1-3 are stored little-endian.
    return {b[3], b[2], b[1],  b[0],  b[5],  b[4],  b[7],  b[6],
            b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]};
}

void build_windows_event(const WindowsEventSpec& spec, core::Event& event) {
    using core::Value;
    event.clear();
    event.record_id = spec.record_id;
    event.timestamp = spec.time;
    event.open_element("Event");
    event.add_attribute("xmlns",
                        Value::utf8("http://schemas.microsoft.com/win/2004/08/events/event"));
    event.open_element("System");
    event.open_element("Provider");
    event.add_attribute("Name", Value::utf8(event.store(spec.provider)));
    if (auto guid = guid_from_string(spec.provider_guid); !guid.empty()) {
        event.add_attribute("Guid", stored_bytes(event, guid, true));
    }
    event.close_element();
    event.open_element("EventID");
    if (spec.qualifiers >= 0) {
        event.add_attribute(
            "Qualifiers", Value::uint64(static_cast<std::uint16_t>(spec.qualifiers)).with_width(2));
    }
    event.add_text(Value::uint64(spec.event_id).with_width(2));
    event.close_element();
    text_element(event, "Version", Value::uint64(spec.version).with_width(1));
    text_element(event, "Level", Value::uint64(spec.level).with_width(1));
    text_element(event, "Task", Value::uint64(spec.task).with_width(2));
    text_element(event, "Opcode", Value::uint64(spec.opcode).with_width(1));
    text_element(event, "Keywords", Value::hex64(spec.keywords));
    event.open_element("TimeCreated");
    event.add_attribute("SystemTime", Value::filetime(spec.time));
    event.close_element();
    text_element(event, "EventRecordID", Value::uint64(spec.record_id).with_width(8));
    event.open_element("Correlation");
    event.close_element();
    event.open_element("Execution");
    event.add_attribute("ProcessID", Value::uint64(spec.process_id).with_width(4));
    event.add_attribute("ThreadID", Value::uint64(spec.thread_id).with_width(4));
    event.close_element();
    text_element(event, "Channel", Value::utf8(event.store(spec.channel)));
    text_element(event, "Computer", Value::utf8(event.store(spec.computer)));
    event.open_element("Security");
    if (auto sid = sid_from_string(spec.user_sid); !sid.empty()) {
        event.add_attribute("UserID", stored_bytes(event, sid, false));
    }
    event.close_element();
    event.close_element();  // System
    if (!spec.user_data.empty()) {
        event.open_element("UserData");
        event.open_element(event.store(spec.user_data));
        if (!spec.user_data_namespace.empty()) {
            event.add_attribute("xmlns", Value::utf8(event.store(spec.user_data_namespace)));
        }
        for (const auto& [name, value] : spec.data) {
            event.open_element(event.store(name));
            event.add_text(Value::utf8(event.store(value)));
            event.close_element();
        }
        event.close_element();
        event.close_element();  // UserData
        event.close_element();  // Event
        return;
    }
    event.open_element("EventData");
    for (const auto& [name, value] : spec.data) {
        event.open_element("Data");
        if (!name.empty()) event.add_attribute("Name", Value::utf8(event.store(name)));
        event.add_text(Value::utf8(event.store(value)));
        event.close_element();
    }
    event.close_element();  // EventData
    event.close_element();  // Event
}

}  // namespace vigie::evtx
