// evtx/json_program.hpp - records written as JSON straight from their template, without a tree.
//
// Nearly every record is one template instance: the template gives the whole document and the
// instance only the substitution values (Windows puts EventData or UserData in a BinXML value
// that holds an instance of a second template). The JSON of such a record is therefore fixed
// text with holes. A record's templates, with its value types (a NULL value drops an attribute),
// are compiled once into a program of literal JSON pieces and value slots, and each record is
// written by copying the pieces and rendering its values into the slots. Programs are kept
// across chunks, keyed by what the templates hold (names, literal text, structure) rather than
// by their offsets, within a memory bound.
//
//   JsonProgramWriter writer;
//   auto ops = builder.decode(ctx, begin, end);              // the record's top-level ops
//   auto written = writer.write(ctx, *ops, out);
//   if (written && !*written) { /* build the tree and use JsonRenderer */ }
//
// The output is byte for byte JsonRenderer's (json_render.hpp). A program is only compiled for
// the shapes JsonRenderer writes directly (distinct sibling keys, one text per element, no mixed
// content, no unnamed <Data>); BinXML values that are not one template instance, BinXML in
// attributes, template instances inside templates, entity or character references, CDATA,
// processing instructions, skipped constructs or a <Data Name=..> taken from a value are left to
// the tree, as is a record with a value that cannot be read. Work is charged to the chunk budget
// exactly as RecordBuilder charges it, and given back when a record goes to the tree after all.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "evtx/binxml.hpp"

namespace vigie::evtx {

class ChunkContext;

class JsonProgramWriter {
  public:
    /// Appends the record whose top-level ops are `ops` (RecordBuilder::decode) to `out` as one
    /// JSON object and returns true; returns false, with `out` and the chunk budget untouched,
    /// when the record needs the tree. Errors are those RecordBuilder::build would return.
    core::Result<bool> write(ChunkContext& ctx, std::span<const Op> ops, std::string& out);

    /// Programs compiled since construction, and records written by one (for tests).
    std::uint64_t compiled() const noexcept { return compiled_; }
    std::uint64_t written() const noexcept { return written_; }

    /// Bytes of programs and template keys kept across chunks at most (then they start over).
    static constexpr std::size_t kMaxCacheBytes = std::size_t{2} << 20;

    /// Marks a slot in Program::steps that copies text only.
    static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

  private:
    struct Step {
        std::uint32_t text_end;  ///< copy Program::text up to here
        std::uint32_t slot;      ///< then render this value of the record (kNoSlot: none)
    };
    struct Program {
        bool usable = false;
        std::string text;
        std::vector<Step> steps;
    };
    struct Entry {
        std::vector<std::uint8_t> signature;
        Program program;
    };
    /// A substitution of a template, in the order its ops use them.
    struct Use {
        std::uint16_t index;
        bool in_attribute;
    };
    struct Uses {
        bool supported = false;  ///< no construct the programs leave to the tree
        std::vector<Use> uses;
    };
    /// A value of the record: of the record's template instance, then of the instances its
    /// BinXML values hold, in the order the builder expands them.
    struct Slot {
        const std::uint8_t* data;
        std::uint16_t size;
        std::uint8_t type;
    };
    struct Instance {
        const std::vector<Op>* ops;
        std::uint32_t slot_base;
        std::uint32_t count;
    };

    bool expand(ChunkContext& ctx, const Op& instance, int depth);
    /// A number for the template at this offset of the current chunk, equal for templates of
    /// any chunk whose ops are the same (names, literal text and values, structure): programs
    /// are keyed by it, so that a template met again in a later chunk is not compiled again.
    std::uint32_t template_id(std::uint32_t template_offset, const std::vector<Op>& ops);
    const Uses& uses_of(std::uint32_t template_offset, const std::vector<Op>& ops);
    void compile(ChunkContext& ctx, Program& program);

    std::unordered_map<std::uint64_t, Entry> programs_;
    std::unordered_map<std::uint32_t, Uses> uses_;                // by offset, this chunk
    std::unordered_map<std::uint32_t, std::uint32_t> chunk_ids_;  // offset -> template_id
    std::unordered_map<std::string, std::uint32_t> template_ids_;
    std::string serialized_;
    std::uint64_t epoch_ = 0;
    std::vector<Slot> slots_;
    std::vector<Instance> instances_;
    std::vector<std::uint8_t> signature_;
    std::vector<Op> fragment_;
    std::size_t cache_bytes_ = 0;
    std::uint64_t compiled_ = 0;
    std::uint64_t written_ = 0;
};

}  // namespace vigie::evtx
