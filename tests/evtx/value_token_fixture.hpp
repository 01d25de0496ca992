// A Defender-like event whose values are BinXML value tokens of every type a value token can
// carry, written by EvtxWriter::set_value_tokens, with the rendering the Rust evtx crate gives
// each value. Shared by the reader's tests and the command-line tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <vector>

#include "core/event.hpp"
#include "core/time.hpp"
#include "evtx/binxml.hpp"
#include "evtx/writer.hpp"

namespace vigie::test::value_tokens {

// Windows layout: Data1 to Data3 little-endian, Data4 as stored.
// B22D8A5F-600C-45FE-88B8-AB70561B9DCD, the Detection ID of a Defender 1116 event.
constexpr std::array<std::uint8_t, 16> kGuid = {0x5F, 0x8A, 0x2D, 0xB2, 0x0C, 0x60, 0xFE, 0x45,
                                                0x88, 0xB8, 0xAB, 0x70, 0x56, 0x1B, 0x9D, 0xCD};
// S-1-5-18 and S-1-5-21-3623811015-3361044348-30300820-1013.
constexpr std::array<std::uint8_t, 12> kSystemSid = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
constexpr std::array<std::uint8_t, 28> kUserSid = {
    0x01, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x15, 0x00, 0x00, 0x00, 0xC7, 0xF7,
    0xFE, 0xD7, 0x7C, 0x77, 0x55, 0xC8, 0x94, 0x5A, 0xCE, 0x01, 0xF5, 0x03, 0x00, 0x00};
// A UInt32 value no other field holds, to find its value token in the file.
constexpr std::uint32_t kMarker = 0xA1B2C3D4;

struct Field {
    const char* name;
    core::Value value;
    const char* json;  ///< as the evtx crate writes it in JSON
    const char* xml;   ///< as it writes it in XML
};

// One field per type, with the crate's rendering: integers and booleans bare in JSON, every
// other scalar a string; GUIDs upper-case without braces; FILETIMEs with microseconds;
// hexadecimal integers 0x-prefixed lower-case.
inline std::vector<Field> fields() {
    const core::FileTimeTicks detection = *core::parse_iso8601("2020-12-11T12:28:42.885Z");
    return {
        {"Product Name", core::Value::utf8("Microsoft Defender Antivirus"),
         R"("Microsoft Defender Antivirus")", "Microsoft Defender Antivirus"},
        {"Int8", core::Value::int64(-5).with_width(1), "-5", "-5"},
        {"UInt8", core::Value::uint64(200).with_width(1), "200", "200"},
        {"Int16", core::Value::int64(-300).with_width(2), "-300", "-300"},
        {"UInt16", core::Value::uint64(60000).with_width(2), "60000", "60000"},
        {"Int32", core::Value::int64(-70000).with_width(4), "-70000", "-70000"},
        {"Marker", core::Value::uint64(kMarker).with_width(4), "2712847316", "2712847316"},
        {"Int64", core::Value::int64(-5000000000).with_width(8), "-5000000000", "-5000000000"},
        {"UInt64", core::Value::uint64(18446744073709551615ULL).with_width(8),
         "18446744073709551615", "18446744073709551615"},
        {"Real32", core::Value::real32(1.5F), R"("1.5")", "1.5"},
        {"Real64", core::Value::real64(-0.25), R"("-0.25")", "-0.25"},
        {"Bool", core::Value::boolean(true), "true", "true"},
        {"Detection ID", core::Value::guid(kGuid.data()),
         R"("B22D8A5F-600C-45FE-88B8-AB70561B9DCD")", "B22D8A5F-600C-45FE-88B8-AB70561B9DCD"},
        {"Detection Time", core::Value::filetime(detection), R"("2020-12-11T12:28:42.885000Z")",
         "2020-12-11T12:28:42.885000Z"},
        {"System SID", core::Value::sid(kSystemSid.data(), kSystemSid.size()), R"("S-1-5-18")",
         "S-1-5-18"},
        {"User SID", core::Value::sid(kUserSid.data(), kUserSid.size()),
         R"("S-1-5-21-3623811015-3361044348-30300820-1013")",
         "S-1-5-21-3623811015-3361044348-30300820-1013"},
        {"HexInt32", core::Value::hex32(0x1A2B), R"("0x1a2b")", "0x1a2b"},
        {"HexInt64", core::Value::hex64(0x8000000000000000ULL), R"("0x8000000000000000")",
         "0x8000000000000000"},
    };
}

// A Defender-like event: every <Data> value and the Execution attributes are value tokens.
inline void build_event(core::Event& e, std::uint64_t record_id) {
    e.clear();
    e.record_id = record_id;
    e.timestamp = *core::parse_iso8601("2020-12-11T12:28:44.3178756Z");
    e.open_element("Event");
    e.add_attribute("xmlns",
                    core::Value::utf8("http://schemas.microsoft.com/win/2004/08/events/event"));
    e.open_element("System");
    e.open_element("EventID");
    e.add_text(core::Value::uint64(1116).with_width(2));
    e.close_element();
    e.open_element("Execution");
    e.add_attribute("ProcessID", core::Value::uint64(4172).with_width(4));
    e.add_attribute("ThreadID", core::Value::uint64(3144).with_width(4));
    e.close_element();
    e.open_element("EventRecordID");
    e.add_text(core::Value::uint64(record_id).with_width(8));
    e.close_element();
    e.close_element();
    e.open_element("EventData");
    for (const Field& f : fields()) {
        e.open_element("Data");
        e.add_attribute("Name", core::Value::utf8(f.name));
        e.add_text(f.value);
        e.close_element();
    }
    e.close_element();
    e.close_element();
}

inline std::vector<std::uint8_t> fixture(bool value_tokens, int records = 3) {
    evtx::EvtxWriter writer;
    writer.set_value_tokens(value_tokens);
    core::Event e;
    for (int i = 1; i <= records; ++i) {
        build_event(e, static_cast<std::uint64_t>(i));
        EXPECT_TRUE(writer.add(e));
    }
    return writer.finish();
}

// Offset of the value token [0x05, type, value...] whose value bytes are `value`.
inline std::size_t find_value_token(const std::vector<std::uint8_t>& bytes, std::uint8_t type,
                                    std::span<const std::uint8_t> value) {
    std::vector<std::uint8_t> needle = {evtx::token::kValue, type};
    needle.insert(needle.end(), value.begin(), value.end());
    const auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
    EXPECT_NE(at, bytes.end());
    return static_cast<std::size_t>(at - bytes.begin());
}

inline std::size_t find_marker(const std::vector<std::uint8_t>& bytes) {
    std::array<std::uint8_t, 4> marker{};
    std::memcpy(marker.data(), &kMarker, 4);
    return find_value_token(bytes, evtx::value_type::kUInt32, marker);
}

}  // namespace vigie::test::value_tokens
