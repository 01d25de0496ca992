// evtx/record_builder.hpp - executes BinXML ops to build a core::Event tree.
//
// Template instances are expanded with their substitution values, BinXML substitution values
// are decoded and expanded in place, entity and character references become text. Every step
// is charged to the chunk budget and bounded by Limits (depth, node count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "core/result.hpp"
#include "evtx/binxml.hpp"

namespace vigie::evtx {

class ChunkContext;

class RecordBuilder {
  public:
    RecordBuilder();

    /// Appends to `event` the document held in chunk bytes [begin, end).
    ///
    /// `recovering` is set for records found in slack space: their template offsets may point
    /// at bytes since overwritten, so a template must fit the instance's value types; if it does
    /// not, a fitting template of the chunk is used, and failing that the values alone are kept
    /// as unnamed <Data> elements of <EventData>.
    core::Result<void> build(ChunkContext& ctx, std::size_t begin, std::size_t end,
                             core::Event& event, bool recovering = false);

    /// build() in two steps: decode() gives the record's top-level ops (valid until the next
    /// call), which a caller may look at (json_program.hpp) before build_decoded() runs them.
    core::Result<std::span<const Op>> decode(ChunkContext& ctx, std::size_t begin, std::size_t end);
    core::Result<void> build_decoded(ChunkContext& ctx, std::span<const Op> ops, core::Event& event,
                                     bool recovering = false);

    /// Constructs skipped while building the last record (pack_skip values, in order met).
    const std::vector<std::uint16_t>& skipped() const noexcept { return skipped_; }

  private:
    struct Substitution {
        std::uint8_t type;
        const std::uint8_t* data;
        std::uint32_t size;
    };

    core::Result<void> run_fragment(ChunkContext& ctx, std::size_t begin, std::size_t end,
                                    bool in_substitution, int depth, core::Event& event);
    core::Result<void> run_template(ChunkContext& ctx, const Op& op, int depth, core::Event& event);
    // Embedded BinXML (a value of type 0x21) expanded in place.
    core::Result<void> run_embedded(ChunkContext& ctx, const std::uint8_t* data, std::uint32_t size,
                                    bool in_attribute, int depth, core::Event& event);
    core::Result<void> run(ChunkContext& ctx, std::span<const Op> ops,
                           std::span<const Substitution> subs, int depth, core::Event& event);

    // One scratch list per nesting depth, so nested expansion never invalidates an outer list.
    std::vector<std::vector<Op>> ops_by_depth_;
    std::vector<std::vector<Substitution>> subs_by_depth_;
    std::vector<std::uint8_t> types_;
    bool recovering_ = false;
    // Whether the record is exactly one template instance whose names all come from the
    // template: then (chunk epoch, template offset) names its shape (core::Event::shape).
    bool shape_known_ = true;
    int top_templates_ = 0;
    std::uint32_t top_template_offset_ = 0;
    std::string scratch_;
    std::size_t nodes_ = 0;
    std::vector<std::uint16_t> skipped_;
};

}  // namespace vigie::evtx
