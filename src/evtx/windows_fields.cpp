#include "evtx/windows_fields.hpp"

#include <array>
#include <string>

#include "evtx/chunk_context.hpp"

namespace vigie::evtx {
namespace {

using core::Node;
using core::NodeKind;

// Text of an element: its only text child, the concatenation of several, or nullopt-as-kind.
bool element_text(core::Event& event, const Node& element, core::Value& out, std::string& scratch) {
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
    if (parts > 1) out = core::Value::utf8(event.store(scratch));
    return parts > 0;
}

// Where names made while indexing live. Records of an EVTX chunk share their names through
// the chunk's context (decoded and joined once per chunk); an event read from text has no
// chunk, so its names are copied into the event itself and live as long as it does.
struct ChunkNames {
    ChunkContext& ctx;
    std::string_view utf16(const std::uint8_t* p, std::size_t n) { return ctx.intern_utf16(p, n); }
    std::string_view joined(std::string_view a, std::string_view b) {
        return ctx.intern_joined(a, b);
    }
};

struct EventNames {
    core::Event& event;
    std::string scratch;
    std::string_view utf16(const std::uint8_t* p, std::size_t n) {
        scratch.clear();
        core::Value::utf16(p, n).append_text(scratch);
        return event.store(scratch);
    }
    std::string_view joined(std::string_view a, std::string_view b) {
        scratch.assign(a);
        scratch.push_back('_');
        scratch.append(b);
        return event.store(scratch);
    }
};

template <typename Names>
std::string_view name_of(const core::Value& v, core::Event& event, Names& names) {
    if (v.kind() == core::ValueKind::kUtf16) {
        auto b = v.bytes();
        return names.utf16(b.data(), b.size());
    }
    if (v.kind() == core::ValueKind::kUtf8) return v.utf8_view();
    return event.store(v.text());
}

std::string_view positional_data_name(std::size_t position, core::Event& event) {
    static const std::array<std::string, 32> kNames = [] {
        std::array<std::string, 32> names;
        for (std::size_t i = 0; i < names.size(); ++i)
            names[i] = "Data[" + std::to_string(i + 1) + "]";
        return names;
    }();
    if (position < kNames.size()) return kNames[position];
    return event.store("Data[" + std::to_string(position + 1) + "]");
}

// Leaves of UserData and other sections, by their own name and by their dotted path from the
// section ("UserData.LogFileCleared.SubjectUserName"), so that equal leaf names under different
// parents stay distinguishable.
void index_leaves(core::Event& event, std::uint32_t element, std::string& path,
                  std::string& scratch, int depth) {
    if (depth > 64) return;
    const Node& n = event.node(element);
    const std::size_t path_size = path.size();
    if (!path.empty()) path.push_back('.');
    path.append(n.name);
    bool has_element_child = false;
    for (std::uint32_t c = n.first_child; c != Node::kNone; c = event.node(c).next_sibling) {
        if (event.node(c).kind == NodeKind::kElement) {
            has_element_child = true;
            index_leaves(event, c, path, scratch, depth + 1);
        }
    }
    core::Value text;
    if (!has_element_child && element_text(event, n, text, scratch)) {
        event.add_field(n.name, text);
        if (depth > 0) event.add_field(event.store(path), text);
    }
    path.resize(path_size);
}

template <typename Names>
void index_fields(core::Event& event, Names& names) {
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
                core::Value text;
                if (element_text(event, item, text, scratch)) event.add_field(item.name, text);
                for (const core::Attribute& a : event.attributes(item)) {
                    if (a.value.is_null()) continue;
                    event.add_field(names.joined(item.name, a.name), a.value);
                    if (item.name == "TimeCreated" && a.name == "SystemTime" &&
                        a.value.kind() == core::ValueKind::kFileTime) {
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
                core::Value text;
                const bool has_text = element_text(event, item, text, scratch);
                if (item.name != "Data") {
                    event.add_field(item.name, text);
                    continue;
                }
                const core::Attribute* name_attr = nullptr;
                for (const core::Attribute& a : event.attributes(item)) {
                    if (a.name == "Name") name_attr = &a;
                }
                if (name_attr != nullptr) {
                    event.add_field(name_of(name_attr->value, event, names),
                                    has_text ? text : core::Value());
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

}  // namespace

void index_windows_fields(core::Event& event, ChunkContext& ctx) {
    ChunkNames names{ctx};
    index_fields(event, names);
}

void index_windows_fields(core::Event& event) {
    EventNames names{event, {}};
    index_fields(event, names);
}

}  // namespace vigie::evtx
