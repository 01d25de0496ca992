// evtx/windows_fields.hpp - the Windows field naming (core/windows_fields.hpp) for EVTX
// records, with the names it makes shared through the record's chunk.
//
//   index_windows_fields(event, ctx);   // names live as long as the chunk
#pragma once

#include "core/event.hpp"

namespace vigie::evtx {

class ChunkContext;

/// Names made here (Element_Attribute, decoded Data Names) live as long as the chunk.
void index_windows_fields(core::Event& event, ChunkContext& ctx);

}  // namespace vigie::evtx
