#include "core/windows_fields.hpp"

namespace vigie::core {
namespace windows_fields_detail {

void index_leaves(Event& event, std::uint32_t element, std::string& path, std::string& scratch,
                  int depth) {
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
    Value text;
    if (!has_element_child && element_text(event, n, text, scratch)) {
        event.add_field(n.name, text);
        if (depth > 0) event.add_field(event.store(path), text);
    }
    path.resize(path_size);
}

}  // namespace windows_fields_detail

namespace {

// An event read from text has no chunk: its names are copied into the event itself.
struct EventNames {
    Event& event;
    std::string scratch;
    std::string_view utf16(const std::uint8_t* p, std::size_t n) {
        scratch.clear();
        Value::utf16(p, n).append_text(scratch);
        return event.store(scratch);
    }
    std::string_view joined(std::string_view a, std::string_view b) {
        scratch.assign(a);
        scratch.push_back('_');
        scratch.append(b);
        return event.store(scratch);
    }
};

}  // namespace

void index_windows_fields(Event& event) {
    EventNames names{event, {}};
    index_windows_fields(event, names);
}

}  // namespace vigie::core
