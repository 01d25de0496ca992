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
    core::Result<void> build(ChunkContext& ctx, std::size_t begin, std::size_t end, core::Event& event);

private:
    struct Substitution {
        std::uint8_t type;
        const std::uint8_t* data;
        std::uint32_t size;
    };

    core::Result<void> run_fragment(ChunkContext& ctx, std::size_t begin, std::size_t end,
                                    bool in_substitution, int depth, core::Event& event);
    core::Result<void> run_template(ChunkContext& ctx, const Op& op, int depth, core::Event& event);
    core::Result<void> run(ChunkContext& ctx, std::span<const Op> ops,
                           std::span<const Substitution> subs, int depth, core::Event& event);

    // One scratch list per nesting depth, so nested expansion never invalidates an outer list.
    std::vector<std::vector<Op>> ops_by_depth_;
    std::vector<std::vector<Substitution>> subs_by_depth_;
    std::string scratch_;
    std::size_t nodes_ = 0;
};

}  // namespace vigie::evtx
