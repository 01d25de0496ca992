#include "evtx/windows_fields.hpp"

#include "core/windows_fields.hpp"
#include "evtx/chunk_context.hpp"

namespace vigie::evtx {
namespace {

// Records of an EVTX chunk share the names made while indexing through the chunk's context
// (decoded and joined once per chunk).
struct ChunkNames {
    ChunkContext& ctx;
    std::string_view utf16(const std::uint8_t* p, std::size_t n) { return ctx.intern_utf16(p, n); }
    std::string_view joined(std::string_view a, std::string_view b) {
        return ctx.intern_joined(a, b);
    }
};

}  // namespace

void index_windows_fields(core::Event& event, ChunkContext& ctx) {
    ChunkNames names{ctx};
    core::index_windows_fields(event, names);
}

}  // namespace vigie::evtx
