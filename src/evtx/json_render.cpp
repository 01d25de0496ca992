#include "evtx/json_render.hpp"

#include <algorithm>
#include <cstring>

namespace vigie::evtx {
namespace {

constexpr std::uint32_t kNone = 0xFFFFFFFFu;
constexpr int kMaxDepth = 128;

}  // namespace

void append_value_json(const core::Value& v, std::string& out) {
    const bool real = v.kind() == core::ValueKind::kReal32 || v.kind() == core::ValueKind::kReal64;
    if (!real) {
        v.append_json(out);
        return;
    }
    out.push_back('"');
    v.append_text(out);
    out.push_back('"');
}

std::uint32_t JsonRenderer::make(Type type) {
    if (used_ == pool_.size()) pool_.emplace_back();
    Node& n = pool_[used_];
    n.type = type;
    n.value = core::Value();
    n.text.clear();
    n.members.clear();
    n.items.clear();
    return static_cast<std::uint32_t>(used_++);
}

std::uint32_t JsonRenderer::find(std::uint32_t object, std::string_view key) const {
    for (const auto& [k, v] : pool_[object].members) {
        if (k == key) return v;
    }
    return kNone;
}

std::uint32_t JsonRenderer::insert(std::uint32_t object, std::string_view key, std::uint32_t node) {
    for (auto& [k, v] : pool_[object].members) {
        if (k == key) {
            const std::uint32_t old = v;
            v = node;
            return old;
        }
    }
    pool_[object].members.emplace_back(key, node);
    return kNone;
}

bool JsonRenderer::is_json_string(const Node& n) noexcept {
    if (n.type == Type::kString) return true;
    if (n.type != Type::kValue) return false;
    switch (n.value.kind()) {
        case core::ValueKind::kNull:
        case core::ValueKind::kInt:
        case core::ValueKind::kUInt:
        case core::ValueKind::kBool:
        case core::ValueKind::kArray:
            return false;
        default:
            return true;
    }
}

// Walks the key stack from the root, creating what is missing (the crate's
// get_or_create_current_path): a null on the way becomes an object, a scalar on the way is
// wrapped into an object under the next key.
std::uint32_t JsonRenderer::current_path() {
    std::uint32_t cur = 0;
    for (std::string_view key : stack_) {
        std::uint32_t next = pool_[cur].type == Type::kObject ? find(cur, key) : kNone;
        if (next == kNone) {
            if (pool_[cur].type == Type::kNull) {
                pool_[cur].type = Type::kObject;
                const std::uint32_t child = make(Type::kObject);
                pool_[cur].members.emplace_back(key, child);
                next = child;
            } else if (pool_[cur].type != Type::kObject) {
                const std::uint32_t moved = make(Type::kNull);
                std::swap(pool_[moved], pool_[cur]);
                pool_[cur].type = Type::kObject;
                pool_[cur].members.clear();
                pool_[cur].members.emplace_back(key, moved);
                next = moved;
            } else {
                const std::uint32_t child = make(Type::kObject);
                pool_[cur].members.emplace_back(key, child);
                next = child;
            }
        }
        cur = next;
    }
    return cur;
}

std::uint32_t JsonRenderer::current_parent() {
    current_path();
    std::uint32_t cur = 0;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) cur = find(cur, stack_[i]);
    return cur;
}

std::string_view JsonRenderer::free_slot_key(std::uint32_t object, std::string_view name) {
    for (std::size_t slot = 1;; ++slot) {
        scratch_.assign(name);
        scratch_.push_back('_');
        scratch_.append(std::to_string(slot));
        if (find(object, scratch_) == kNone) return arena_.store(scratch_);
    }
}

void JsonRenderer::insert_plain(std::string_view name) {
    stack_.push_back(name);
    const std::uint32_t parent = current_parent();
    if (parent == kNone || pool_[parent].type != Type::kObject) return;
    const std::uint32_t old = insert(parent, name, make(Type::kNull));
    if (old == kNone) return;
    const Node& o = pool_[old];
    if (o.type == Type::kNull || (o.type == Type::kObject && o.members.empty())) return;
    // A repeated element: the earlier value moves to the first free name_N slot.
    insert(parent, free_slot_key(parent, name), old);
}

void JsonRenderer::insert_with_attributes(const core::Event& event, const core::Node& element,
                                          std::string_view name) {
    stack_.push_back(name);
    const std::uint32_t attrs = make(Type::kObject);
    for (const core::Attribute& a : event.attributes(element)) {
        if (a.value.is_null()) continue;
        const std::uint32_t v = make(Type::kValue);
        pool_[v].value = a.value;
        insert(attrs, a.name, v);
    }
    const std::uint32_t parent = current_parent();
    if (parent == kNone || pool_[parent].type != Type::kObject) return;
    if (pool_[attrs].members.empty()) {
        insert(parent, name, make(Type::kNull));
        return;
    }
    const std::uint32_t old = insert(parent, name, make(Type::kNull));
    if (old != kNone && pool_[old].type == Type::kObject && !pool_[old].members.empty()) {
        insert(parent, free_slot_key(parent, name), old);
    }
    const std::uint32_t obj = make(Type::kObject);
    pool_[obj].members.emplace_back("#attributes", attrs);
    insert(parent, name, obj);
}

void JsonRenderer::characters(const core::Value& value) {
    const std::uint32_t cur = current_path();
    auto value_node = [&] {
        const std::uint32_t v = make(value.is_null() ? Type::kNull : Type::kValue);
        pool_[v].value = value;
        return v;
    };
    switch (pool_[cur].type) {
        case Type::kNull:
            if (!value.is_null()) {
                pool_[cur].type = Type::kValue;
                pool_[cur].value = value;
            }
            return;
        case Type::kObject: {
            const std::uint32_t text = find(cur, "#text");
            if (text == kNone || pool_[text].type == Type::kNull) {
                insert(cur, "#text", value_node());
            } else if (pool_[text].type == Type::kArray) {
                const std::uint32_t v = value_node();
                pool_[text].items.push_back(v);
            } else {
                // A second text for the same name: the crate turns #text into an array.
                const std::uint32_t array = make(Type::kArray);
                pool_[array].items.push_back(text);
                const std::uint32_t v = value_node();
                pool_[array].items.push_back(v);
                insert(cur, "#text", array);
            }
            return;
        }
        case Type::kArray: {
            const std::uint32_t v = value_node();
            pool_[cur].items.push_back(v);
            return;
        }
        case Type::kValue:
        case Type::kString: {
            // Text following text is concatenated (numbers included, as their text).
            Node& n = pool_[cur];
            if (n.type == Type::kValue) {
                n.text = n.value.text();
                n.type = Type::kString;
            }
            value.append_text(n.text);
            return;
        }
    }
}

void JsonRenderer::walk(const core::Event& event, std::uint32_t index, int depth) {
    if (depth > kMaxDepth) return;
    const core::Node& n = event.node(index);
    switch (n.kind) {
        case core::NodeKind::kText:
        case core::NodeKind::kCData:
            characters(n.value);
            return;
        case core::NodeKind::kProcessingInstruction:
            return;
        case core::NodeKind::kElement:
            break;
    }
    const std::size_t depth_before = stack_.size();
    if (n.name == "Data") {
        const core::Attribute* name_attr = nullptr;
        for (const core::Attribute& a : event.attributes(n)) {
            if (a.name == "Name") {
                name_attr = &a;
                break;
            }
        }
        if (name_attr != nullptr) {
            scratch_.clear();
            name_attr->value.append_text(scratch_);
            insert_plain(arena_.store(scratch_));
        } else {
            stack_.push_back("Data");
        }
    } else if (n.attr_count == 0) {
        insert_plain(n.name);
    } else {
        insert_with_attributes(event, n, n.name);
    }
    for (std::uint32_t c = n.first_child; c != core::Node::kNone; c = event.node(c).next_sibling) {
        walk(event, c, depth + 1);
    }
    stack_.resize(depth_before);
}

void JsonRenderer::write(std::uint32_t index, std::string& out) const {
    const Node& n = pool_[index];
    switch (n.type) {
        case Type::kNull:
            out.append("null");
            return;
        case Type::kValue:
            append_value_json(n.value, out);
            return;
        case Type::kString:
            core::append_json_string(out, n.text);
            return;
        case Type::kArray: {
            out.push_back('[');
            for (std::size_t i = 0; i < n.items.size(); ++i) {
                if (i) out.push_back(',');
                write(n.items[i], out);
            }
            out.push_back(']');
            return;
        }
        case Type::kObject: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, child] : n.members) {
                if (!first) out.push_back(',');
                first = false;
                core::append_json_string(out, key);
                out.push_back(':');
                write(child, out);
            }
            out.push_back('}');
            return;
        }
    }
}

std::string_view JsonRenderer::key_of(const core::Event& event, const core::Node& element,
                                      bool& named_data) {
    named_data = false;
    if (element.name != "Data") return element.name;
    for (const core::Attribute& a : event.attributes(element)) {
        if (a.name == "Name") {
            named_data = true;
            if (a.value.kind() == core::ValueKind::kUtf8) return a.value.utf8_view();
            scratch_.clear();
            a.value.append_text(scratch_);
            return arena_.store(scratch_);
        }
    }
    return element.name;  // unnamed <Data>: not simple (see simple())
}

bool JsonRenderer::simple(const core::Event& event, std::uint32_t index, int depth) {
    if (depth > kMaxDepth) return false;
    const core::Node& n = event.node(index);
    const auto attributes = event.attributes(n);
    for (std::size_t i = 1; i < attributes.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (attributes[i].name == attributes[j].name) return false;
        }
    }
    // Sibling keys must be distinct. Pairwise comparison is cheapest at these sizes (tens of
    // keys, mostly of different lengths).
    int texts = 0, elements = 0;
    const std::size_t keys_begin = keys_.size();
    for (std::uint32_t c = n.first_child; c != core::Node::kNone; c = event.node(c).next_sibling) {
        const core::Node& child = event.node(c);
        if (child.kind == core::NodeKind::kText) {
            ++texts;
            continue;
        }
        if (child.kind != core::NodeKind::kElement) return false;
        ++elements;
        bool named = false;
        const std::string_view key = key_of(event, child, named);
        if (key == "Data" && !named) return false;
        for (std::size_t k = keys_begin; k < keys_.size(); ++k) {
            if (keys_[k].size() == key.size() && keys_[k] == key) return false;
        }
        keys_.push_back(key);
        if (!simple(event, c, depth + 1)) return false;
    }
    keys_.resize(keys_begin);
    return texts <= 1 && !(texts == 1 && elements > 0);
}

namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
    h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return h * 0xFF51AFD7ED558CCDULL;
}

std::uint64_t mix_bytes(std::uint64_t h, std::string_view s) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h = mix(h, w);
    }
    std::uint64_t tail = s.size();
    for (; i < s.size(); ++i) tail = (tail << 8) | static_cast<unsigned char>(s[i]);
    return mix(h, tail);
}

}  // namespace

std::uint64_t JsonRenderer::shape_of(const core::Event& event) {
    // Everything simple() looks at: kinds, nesting, element and attribute names, and the Name
    // of <Data> elements (their keys). Values do not matter.
    std::uint64_t h = event.nodes().size();
    for (const core::Node& n : event.nodes()) {
        h = mix(h, (static_cast<std::uint64_t>(n.kind) << 32) ^ n.parent);
        if (n.kind != core::NodeKind::kElement) continue;
        h = mix_bytes(h, n.name);
        const bool data = n.name == "Data";
        for (const core::Attribute& a : event.attributes(n)) {
            h = mix_bytes(h, a.name);
            if (data && a.name == "Name") {
                if (a.value.kind() == core::ValueKind::kUtf8) {
                    h = mix_bytes(h, a.value.utf8_view());
                } else {
                    scratch_.clear();
                    a.value.append_text(scratch_);
                    h = mix_bytes(h, scratch_);
                }
            }
        }
    }
    return h;
}

const JsonRenderer::Plan& JsonRenderer::plan_for(const core::Event& event) {
    // Events of one template share their shape: decide and escape keys once per shape.
    const std::uint64_t shape =
        event.shape != 0 ? event.shape : shape_of(event) & ~std::uint64_t{1};
    if (auto it = plans_.find(shape); it != plans_.end()) return it->second;
    if (plans_.size() >= 256) plans_.clear();  // shapes change with every chunk: keep few
    Plan& plan = plans_[shape];
    keys_.clear();
    plan.simple = simple(event, 0, 0);
    if (plan.simple) {
        const auto nodes = event.nodes();
        plan.keys.resize(nodes.size());
        plan.named_data.assign(nodes.size(), 0);
        for (std::uint32_t i = 0; i < nodes.size(); ++i) {
            if (nodes[i].kind != core::NodeKind::kElement) continue;
            bool named = false;
            const std::string_view key = key_of(event, nodes[i], named);
            plan.named_data[i] = named;
            core::append_json_string(plan.keys[i], key);
            plan.keys[i].push_back(':');
        }
    }
    return plan;
}

void JsonRenderer::write_direct(const core::Event& event, std::uint32_t index, const Plan& plan,
                                std::string& out) const {
    const core::Node& n = event.node(index);
    bool has_attributes = false;
    if (!plan.named_data[index]) {
        for (const core::Attribute& a : event.attributes(n)) has_attributes |= !a.value.is_null();
    }
    const core::Node* text = nullptr;
    bool has_elements = false;
    for (std::uint32_t c = n.first_child; c != core::Node::kNone; c = event.node(c).next_sibling) {
        if (event.node(c).kind == core::NodeKind::kText) {
            text = &event.node(c);
        } else {
            has_elements = true;
        }
    }
    if (!has_attributes && !has_elements) {
        if (text != nullptr) {
            append_value_json(text->value, out);
        } else {
            out.append("null");
        }
        return;
    }
    out.push_back('{');
    bool first = true;
    if (has_attributes) {
        out.append("\"#attributes\":{");
        for (const core::Attribute& a : event.attributes(n)) {
            if (a.value.is_null()) continue;
            if (!first) out.push_back(',');
            first = false;
            core::append_json_string(out, a.name);
            out.push_back(':');
            append_value_json(a.value, out);
        }
        out.push_back('}');
        first = false;
    }
    for (std::uint32_t c = n.first_child; c != core::Node::kNone; c = event.node(c).next_sibling) {
        if (event.node(c).kind != core::NodeKind::kElement) continue;
        if (!first) out.push_back(',');
        first = false;
        out.append(plan.keys[c]);
        write_direct(event, c, plan, out);
    }
    if (text != nullptr) {
        if (!first) out.push_back(',');
        out.append("\"#text\":");
        append_value_json(text->value, out);
    }
    out.push_back('}');
}

void JsonRenderer::render(const core::Event& event, std::string& out) {
    arena_.clear();
    keys_.clear();
    // One root element and nothing else at the top: the shape every Windows event has.
    const auto nodes = event.nodes();
    bool one_root = !nodes.empty() && nodes[0].kind == core::NodeKind::kElement;
    for (std::size_t i = 1; one_root && i < nodes.size(); ++i)
        one_root = nodes[i].parent != core::Node::kNone;
    if (one_root) {
        const Plan& plan = plan_for(event);
        if (plan.simple) {
            out.push_back('{');
            out.append(plan.keys[0]);
            write_direct(event, 0, plan, out);
            out.push_back('}');
            return;
        }
    }
    render_general(event, out);
}

void JsonRenderer::render_general(const core::Event& event, std::string& out) {
    used_ = 0;
    arena_.clear();
    stack_.clear();
    make(Type::kObject);
    for (std::uint32_t i = 0; i < event.nodes().size(); ++i) {
        if (event.node(i).parent == core::Node::kNone) walk(event, i, 0);
    }
    write(0, out);
}

}  // namespace vigie::evtx
