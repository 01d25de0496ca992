// evtx/limits.hpp - safety budgets for parsing hostile EVTX files.
//
// EVTX files come from compromised machines. Every loop in the parser is bounded by the bytes it
// reads, and the budgets below bound what bytes alone cannot: recursion through nested BinXML and
// templates, and the work one chunk may cause. Exceeding a record budget skips the record;
// exceeding the chunk budget skips the rest of the chunk. Real logs stay far below these values.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vigie::evtx {

struct Limits {
    /// Nesting of BinXML fragments and template instances within one record.
    int max_binxml_depth = 12;
    /// Nesting of XML elements within one record.
    std::size_t max_element_depth = 96;
    /// Nodes (elements, text, attributes) one record may produce.
    std::size_t max_nodes_per_record = 50'000;
    /// Substitution values in one template instance.
    std::uint32_t max_substitutions = 8'192;
    /// Decoded tokens plus executed operations for a whole chunk.
    std::uint64_t max_work_per_chunk = 8'000'000;
};

}  // namespace vigie::evtx
