// core/windows_fields.hpp - names the fields of a Windows event the way detection rules do,
// from the document tree of <Event>, whatever format the tree was read from (EVTX, XML).
//
// It adds core::Event fields:
// - System: each child by its name (EventID, Channel, Computer, EventRecordID, ...) and each
//   attribute as Element_Attribute (Provider_Name, TimeCreated_SystemTime, Execution_ProcessID,
//   Security_UserID, EventID_Qualifiers, ...);
// - EventData: <Data Name="X"> as X; unnamed <Data> as "Data" (every one) and positionally as
//   "Data[1]", "Data[2]", ...; other children (Binary) by their name;
// - UserData and any other section: every leaf element by its name and by its dotted path
//   from the section (UserData.LogFileCleared.SubjectUserName).
// It also sets Event::timestamp from TimeCreated_SystemTime when that is a FILETIME value.
//
//   core::index_windows_fields(event);         // names made here are stored in the event
//   core::index_windows_fields(event, names);  // names made here come from `names`
//
// Names made while indexing (Element_Attribute, decoded UTF-16 Data Names) need a home. An
// event read from text has none, so the one-argument form stores them in the event. Records
// of an EVTX chunk share them through the chunk (evtx/windows_fields.hpp passes a `Names`
// with `utf16(bytes, size)` and `joined(a, b)` members), which is why the naming is a template
// here: the EVTX reader's hot path keeps its inlined calls.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.hpp"

namespace vigie::core {

/// The naming; names made here are stored in `event` and live as long as it does.
void index_windows_fields(Event& event);

namespace windows_fields_detail {

// Text of an element: its only text child, or the concatenation of several; false for none.
inline bool element_text(Event& event, const Node& element, Value& out, std::string& scratch) {
    int parts = 0;
    for (std::uint32_t c = element.first_child; c != Node::kNone; c = event.node(c).next_sibling) {
        const Node& child = event.node(c);
        if (child.kind != NodeKind::kText && child.kind != NodeKind::kCData) continue;
        if (parts == 0) {
            out = child.value;
        } else {
            if (parts == 1) scratch = out.text();
            child.value.append_text(scratch);
        }
        ++parts;
    }
    if (parts > 1) out = Value::utf8(event.store(scratch));
    return parts > 0;
}

template <typename Names>
std::string_view name_of(const Value& v, Event& event, Names& names) {
    if (v.kind() == ValueKind::kUtf16) {
        auto b = v.bytes();
        return names.utf16(b.data(), b.size());
    }
    if (v.kind() == ValueKind::kUtf8) return v.utf8_view();
    return event.store(v.text());
}

/// "Data[1]", "Data[2]", ... for the unnamed Data at 0-based `position`.
inline std::string_view positional_data_name(std::size_t position, Event& event) {
    static const std::array<std::string, 32> kNames = [] {
        std::array<std::string, 32> names;
        for (std::size_t i = 0; i < names.size(); ++i)
            names[i] = "Data[" + std::to_string(i + 1) + "]";
        return names;
    }();
    if (position < kNames.size()) return kNames[position];
    return event.store("Data[" + std::to_string(position + 1) + "]");
}

/// Leaves of UserData and other sections, by their own name and by their dotted path from the
/// section, so that equal leaf names under different parents stay distinguishable.
void index_leaves(Event& event, std::uint32_t element, std::string& path, std::string& scratch,
                  int depth);

}  // namespace windows_fields_detail

/// The naming, with the names it makes kept by `names` (see above).
template <typename Names>
void index_windows_fields(Event& event, Names& names) {
    using namespace windows_fields_detail;
    const std::uint32_t root = event.root();
    if (root == Node::kNone) return;
    std::string scratch;
    for (std::uint32_t section = event.node(root).first_child; section != Node::kNone;
         section = event.node(section).next_sibling) {
        const Node& sec = event.node(section);
        if (sec.kind != NodeKind::kElement) continue;
        if (sec.name == "System") {
            for (std::uint32_t c = sec.first_child; c != Node::kNone;
                 c = event.node(c).next_sibling) {
                const Node& item = event.node(c);
                if (item.kind != NodeKind::kElement) continue;
                Value text;
                if (element_text(event, item, text, scratch)) event.add_field(item.name, text);
                for (const Attribute& a : event.attributes(item)) {
                    if (a.value.is_null()) continue;
                    event.add_field(names.joined(item.name, a.name), a.value);
                    if (item.name == "TimeCreated" && a.name == "SystemTime" &&
                        a.value.kind() == ValueKind::kFileTime) {
                        event.timestamp = a.value.as_filetime();
                    }
                }
            }
        } else if (sec.name == "EventData") {
            std::size_t position = 0;
            for (std::uint32_t c = sec.first_child; c != Node::kNone;
                 c = event.node(c).next_sibling) {
                const Node& item = event.node(c);
                if (item.kind != NodeKind::kElement) continue;
                Value text;
                const bool has_text = element_text(event, item, text, scratch);
                if (item.name != "Data") {
                    event.add_field(item.name, text);
                    continue;
                }
                const Attribute* name_attr = nullptr;
                for (const Attribute& a : event.attributes(item)) {
                    if (a.name == "Name") name_attr = &a;
                }
                if (name_attr != nullptr) {
                    event.add_field(name_of(name_attr->value, event, names),
                                    has_text ? text : Value());
                } else {
                    event.add_field("Data", text);
                    event.add_field(positional_data_name(position++, event), text);
                }
            }
        } else {
            std::string path;
            index_leaves(event, section, path, scratch, 0);
        }
    }
}

}  // namespace vigie::core
