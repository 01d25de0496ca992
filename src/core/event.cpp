#include "core/event.hpp"

namespace vigie::core {

void Event::clear() {
    record_id = 0;
    shape = 0;
    timestamp = 0;
    nodes_.clear();
    attributes_.clear();
    fields_.clear();
    open_.clear();
    arena_.clear();
}

void Event::link_child(std::uint32_t index) {
    Node& n = nodes_[index];
    if (open_.empty()) return;
    n.parent = open_.back();
    Node& parent = nodes_[n.parent];
    if (parent.last_child == Node::kNone) {
        parent.first_child = index;
    } else {
        nodes_[parent.last_child].next_sibling = index;
    }
    parent.last_child = index;
}

std::uint32_t Event::open_element(std::string_view name) {
    const auto index = static_cast<std::uint32_t>(nodes_.size());
    Node& n = nodes_.emplace_back();
    n.kind = NodeKind::kElement;
    n.name = name;
    n.attr_begin = static_cast<std::uint32_t>(attributes_.size());
    link_child(index);
    open_.push_back(index);
    return index;
}

void Event::add_attribute(std::string_view name, Value value) {
    if (open_.empty()) return;
    Node& n = nodes_[open_.back()];
    // Attributes of one element are contiguous; one added after a child element was opened
    // (never produced by well-formed input) is dropped rather than corrupting another element.
    if (n.attr_begin + n.attr_count != attributes_.size()) return;
    attributes_.push_back({name, value});
    ++n.attr_count;
}

void Event::add_leaf(NodeKind kind, std::string_view name, Value value) {
    const auto index = static_cast<std::uint32_t>(nodes_.size());
    Node& n = nodes_.emplace_back();
    n.kind = kind;
    n.name = name;
    n.value = value;
    link_child(index);
}

void Event::close_element() {
    if (!open_.empty()) open_.pop_back();
}

std::uint32_t Event::child(std::uint32_t parent, std::string_view name) const {
    if (parent >= nodes_.size()) return Node::kNone;
    for (std::uint32_t c = nodes_[parent].first_child; c != Node::kNone;
         c = nodes_[c].next_sibling) {
        if (nodes_[c].kind == NodeKind::kElement && nodes_[c].name == name) return c;
    }
    return Node::kNone;
}

const Value* Event::field(std::string_view name) const {
    for (const Field& f : fields_) {
        if (f.name == name) return &f.value;
    }
    return nullptr;
}

}  // namespace vigie::core
