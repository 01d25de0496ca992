// evtx/json_render.hpp - an event as JSON in the shape the Rust `evtx` crate prints.
//
//   {"Event":{"#attributes":{"xmlns":"..."},"System":{"Provider":{"#attributes":{"Name":..}},
//    "EventID":4688,...},"EventData":{"SubjectUserSid":"S-1-5-18",...}}}
//
// That shape is what many tools and exports use, so vigie prints it the same way, quirks
// included: elements with attributes become {"#attributes":{..},"#text":..}; <Data Name="X">
// becomes "X"; unnamed <Data> elements gather in "Data":{"#text":[..]}; a repeated element name
// keeps its last value under the name and moves earlier ones to name_1, name_2, ...; values keep
// their types (numbers stay numbers, GUIDs, SIDs, times and hex integers become strings).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/arena.hpp"
#include "core/event.hpp"

namespace vigie::evtx {

/// A value as the Rust evtx crate writes it: integers and booleans bare, every other scalar,
/// floats included, as a JSON string.
void append_value_json(const core::Value& v, std::string& out);

class JsonRenderer {
  public:
    /// Appends `event` as one compact JSON object (no trailing newline).
    void render(const core::Event& event, std::string& out);

    /// The same output built through a general JSON tree that reproduces every quirk. render()
    /// uses it only for events the direct writer cannot prove simple; public for tests.
    void render_general(const core::Event& event, std::string& out);

  private:
    enum class Type : std::uint8_t { kNull, kObject, kArray, kValue, kString };
    struct Node {
        Type type = Type::kNull;
        core::Value value;
        std::string text;
        std::vector<std::pair<std::string_view, std::uint32_t>> members;
        std::vector<std::uint32_t> items;
    };

    std::uint32_t make(Type type);
    std::uint32_t find(std::uint32_t object, std::string_view key) const;
    /// IndexMap-style insert: replaces in place if present; returns the old node or kNone.
    std::uint32_t insert(std::uint32_t object, std::string_view key, std::uint32_t node);
    std::uint32_t current_path();
    std::uint32_t current_parent();
    void insert_plain(std::string_view name);
    void insert_with_attributes(const core::Event& event, const core::Node& element,
                                std::string_view name);
    void characters(const core::Value& value);
    void walk(const core::Event& event, std::uint32_t index, int depth);
    void write(std::uint32_t node, std::string& out) const;
    std::string_view free_slot_key(std::uint32_t object, std::string_view name);

    static bool is_json_string(const Node& n) noexcept;

    // Direct writer for the common case (distinct sibling keys, one text per element, no mixed
    // content, no unnamed <Data>): no intermediate tree.
    struct Plan {
        bool simple = false;
        std::vector<std::string> keys;  ///< per node: the escaped "key": of an element
        std::vector<char> named_data;   ///< per node: a <Data Name=..> (its attributes unused)
    };
    bool simple(const core::Event& event, std::uint32_t element, int depth);
    const Plan& plan_for(const core::Event& event);
    void write_direct(const core::Event& event, std::uint32_t element, const Plan& plan,
                      std::string& out) const;
    /// The key an element gets in its parent object, and whether it is a <Data Name=..>.
    std::string_view key_of(const core::Event& event, const core::Node& element, bool& named_data);
    std::vector<std::string_view> keys_;
    /// A hash of what simple() depends on; equal for events of one template.
    std::uint64_t shape_of(const core::Event& event);
    std::unordered_map<std::uint64_t, Plan> plans_;

    std::vector<Node> pool_;
    std::size_t used_ = 0;
    std::vector<std::string_view> stack_;
    core::StringArena arena_;
    std::string scratch_;
};

}  // namespace vigie::evtx
