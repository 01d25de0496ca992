// core/event.hpp - Event: one log record as a small XML-like tree plus fields by name.
//
// Every input format (EVTX, JSON exports) produces the same Event:
// - a document tree (elements with attributes, text, CDATA and processing instructions), kept
//   so that an event can be written back out faithfully (JSON in the evtx-crate shape, XML);
// - a flat list of named fields, the way detection rules address events
//   (`EventID`, `Provider_Name`, `CommandLine`, ...). Names may repeat (several unnamed `Data`);
//   field() returns the first, fields() all of them.
//
// Values are views (see value.hpp): an Event is valid as long as the buffer it was parsed from
// (for EVTX: its chunk) and the Event itself. Events are reused: clear() keeps capacity.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/arena.hpp"
#include "core/time.hpp"
#include "core/value.hpp"

namespace vigie::core {

enum class NodeKind : std::uint8_t { kElement, kText, kCData, kProcessingInstruction };

struct Attribute {
    std::string_view name;
    Value value;
};

struct Node {
    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

    NodeKind kind = NodeKind::kElement;
    std::string_view name;  ///< element name, or a processing instruction's target
    Value value;            ///< text, CDATA or processing-instruction data
    std::uint32_t parent = kNone;
    std::uint32_t first_child = kNone;
    std::uint32_t last_child = kNone;
    std::uint32_t next_sibling = kNone;
    std::uint32_t attr_begin = 0;
    std::uint32_t attr_count = 0;
};

struct Field {
    std::string_view name;
    Value value;
};

class Event {
  public:
    // ---- identity -------------------------------------------------------------------------
    std::uint64_t record_id = 0;  ///< EventRecordID (or the source's record number)
    FileTimeTicks timestamp = 0;  ///< when the event happened (System/TimeCreated), 0 if unknown
    /// Non-zero when the producer vouches that events with the same shape have the same tree
    /// apart from values: same nodes, names and nesting (EVTX: records of one template in one
    /// chunk). Lets consumers work out per-structure decisions once. 0: unknown.
    std::uint64_t shape = 0;

    // ---- building -------------------------------------------------------------------------
    void clear();

    /// Opens an element as a child of the innermost open element (or as a root).
    std::uint32_t open_element(std::string_view name);
    /// Adds an attribute to the innermost open element; call before adding its children.
    void add_attribute(std::string_view name, Value value);
    void add_text(Value value) { add_leaf(NodeKind::kText, {}, value); }
    void add_cdata(Value value) { add_leaf(NodeKind::kCData, {}, value); }
    void add_processing_instruction(std::string_view target, Value data) {
        add_leaf(NodeKind::kProcessingInstruction, target, data);
    }
    void close_element();
    /// Number of elements opened and not closed yet.
    std::size_t open_depth() const noexcept { return open_.size(); }

    /// Copies `s` into the event; the view lives as long as the event (until clear()).
    std::string_view store(std::string_view s) { return arena_.store(s); }

    void add_field(std::string_view name, Value value) { fields_.push_back({name, value}); }

    // ---- reading --------------------------------------------------------------------------
    bool empty() const noexcept { return nodes_.empty(); }
    std::span<const Node> nodes() const noexcept { return nodes_; }
    const Node& node(std::uint32_t index) const { return nodes_[index]; }
    /// The first root element, or Node::kNone.
    std::uint32_t root() const noexcept { return nodes_.empty() ? Node::kNone : 0; }
    std::span<const Attribute> attributes(const Node& n) const {
        return {attributes_.data() + n.attr_begin, n.attr_count};
    }
    /// First child element of `parent` named `name`, or Node::kNone.
    std::uint32_t child(std::uint32_t parent, std::string_view name) const;

    /// The first field called `name` (exact, case-sensitive), or nullptr.
    const Value* field(std::string_view name) const;
    std::span<const Field> fields() const noexcept { return fields_; }

  private:
    void add_leaf(NodeKind kind, std::string_view name, Value value);
    void link_child(std::uint32_t index);

    std::vector<Node> nodes_;
    std::vector<Attribute> attributes_;
    std::vector<Field> fields_;
    std::vector<std::uint32_t> open_;
    StringArena arena_;
};

}  // namespace vigie::core
