// evtx/chunk_context.hpp - what records of one chunk share: names, templates, interned strings.
//
// BinXML refers to element and attribute names and to template definitions by chunk offset; the
// first record that uses one usually carries it inline. The context decodes each once and keeps
// it for the chunk's lifetime. All string_views it returns stay valid until reset().
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/arena.hpp"
#include "core/result.hpp"
#include "evtx/binxml.hpp"
#include "evtx/limits.hpp"

namespace vigie::evtx {

class ChunkContext {
  public:
    explicit ChunkContext(Limits limits = {});

    /// Starts a new chunk; `chunk` must outlive every use until the next reset().
    void reset(std::span<const std::uint8_t> chunk);

    std::span<const std::uint8_t> bytes() const noexcept { return chunk_; }
    /// Changes with every reset(), and starts from a random value, so that (epoch, offset)
    /// identifies a template across all chunks a process reads.
    std::uint64_t epoch() const noexcept { return epoch_; }
    const Limits& limits() const noexcept { return limits_; }
    std::size_t offset_of(const std::uint8_t* p) const noexcept {
        return static_cast<std::size_t>(p - chunk_.data());
    }

    /// The name stored at `offset` (BinXmlName: 4 unknown bytes, hash, character count, UTF-16).
    /// While recovering, a name that is not a plausible ASCII XML name is an error.
    core::Result<std::string_view> name_at(std::uint32_t offset);
    /// Byte size of the name structure at `offset`, for skipping a name stored inline.
    core::Result<std::size_t> name_size_at(std::uint32_t offset) const;

    /// Decoded ops of the template definition at `offset` (decoded on first use).
    core::Result<const std::vector<Op>*> template_at(std::uint32_t offset);

    /// A template of this chunk whose substitutions fit `types` (the value types of an
    /// instance), for records whose own template offset is stale (recovered from slack space).
    const std::vector<Op>* find_fitting_template(std::span<const std::uint8_t> types) const;

    /// UTF-8 copy of UTF-16LE text that lives in the chunk, decoded once per chunk.
    std::string_view intern_utf16(const std::uint8_t* p, std::size_t byte_count);
    /// "a_b" for two names obtained from this context, built once per chunk.
    std::string_view intern_joined(std::string_view a, std::string_view b);
    /// A copy of `s` that lives as long as the chunk.
    std::string_view store(std::string_view s) { return arena_.store(s); }

    /// Set while reading records recovered from slack space, whose offsets may be stale.
    void set_recovering(bool on) noexcept { recovering_ = on; }
    bool recovering() const noexcept { return recovering_; }

    /// Charges `units` of work to the chunk budget; false once the budget is spent.
    bool charge(std::uint64_t units) noexcept {
        work_ += units;
        return work_ <= limits_.max_work_per_chunk;
    }
    /// Work charged so far, and the part of it spent decoding template definitions (charged
    /// once per chunk, whoever asks first). A path that gives up and hands a record to another,
    /// which charges the same work again, restores the budget with restore_work()
    /// (json_program.hpp).
    std::uint64_t work() const noexcept { return work_; }
    std::uint64_t template_work() const noexcept { return template_work_; }
    void restore_work(std::uint64_t work) noexcept { work_ = work; }
    bool budget_exhausted() const noexcept { return work_ > limits_.max_work_per_chunk; }

  private:
    core::Result<std::string_view> decode_name_at(std::uint32_t offset);

    struct PairHash {
        std::size_t operator()(const std::pair<const char*, const char*>& p) const noexcept {
            return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
        }
    };
    struct TemplateEntry {
        std::vector<Op> ops;
        bool ok = false;
        core::Error error;
    };

    Limits limits_;
    std::span<const std::uint8_t> chunk_;
    std::uint64_t work_ = 0;
    std::uint64_t template_work_ = 0;
    bool decoding_template_ = false;
    std::uint64_t epoch_ = 0;
    bool recovering_ = false;
    core::StringArena arena_;
    std::unordered_map<std::uint32_t, std::string_view> names_;
    std::unordered_map<std::uint32_t, TemplateEntry> templates_;
    std::unordered_map<std::pair<const char*, const char*>, std::string_view, PairHash> utf16_;
    std::unordered_map<std::pair<const char*, const char*>, std::string_view, PairHash> joined_;
    std::string scratch_;
};

}  // namespace vigie::evtx
