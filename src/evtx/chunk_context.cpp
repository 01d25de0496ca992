#include "evtx/chunk_context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "core/utf16.hpp"
#include "evtx/byte_reader.hpp"

namespace vigie::evtx {

ChunkContext::ChunkContext(Limits limits) : limits_(limits) {
    std::random_device seed;
    epoch_ = (static_cast<std::uint64_t>(seed()) << 32) ^ seed();
}

void ChunkContext::reset(std::span<const std::uint8_t> chunk) {
    chunk_ = chunk;
    ++epoch_;
    work_ = 0;
    template_work_ = 0;
    names_.clear();
    templates_.clear();
    utf16_.clear();
    joined_.clear();
    arena_.clear();
}

core::Result<std::size_t> ChunkContext::name_size_at(std::uint32_t offset) const {
    ByteReader r(chunk_, offset, chunk_.size());
    std::uint16_t chars = 0;
    if (!r.skip(6) || !r.read(chars)) {
        return core::fail(core::ErrorCode::kTruncated,
                          fmt::format("name at 0x{:x} runs past the chunk", offset));
    }
    const std::size_t size = 8 + 2 * (static_cast<std::size_t>(chars) + 1);
    if (!ByteReader(chunk_, offset, chunk_.size()).can_read(size)) {
        return core::fail(core::ErrorCode::kTruncated,
                          fmt::format("name at 0x{:x} runs past the chunk", offset));
    }
    return size;
}

namespace {

// Element and attribute names of Windows events are ASCII XML names. A record recovered from
// slack space may point at a name offset since overwritten: what it finds there is rarely one.
bool plausible_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return !(name[0] >= '0' && name[0] <= '9');
}

}  // namespace

core::Result<std::string_view> ChunkContext::name_at(std::uint32_t offset) {
    auto name = decode_name_at(offset);
    if (name && recovering_ && !plausible_name(*name)) {
        return core::fail(core::ErrorCode::kCorrupt,
                          fmt::format("implausible name at 0x{:x}", offset));
    }
    return name;
}

core::Result<std::string_view> ChunkContext::decode_name_at(std::uint32_t offset) {
    if (auto it = names_.find(offset); it != names_.end()) return it->second;
    auto size = name_size_at(offset);
    if (!size) return std::move(size).error();
    const std::uint16_t chars = load_le<std::uint16_t>(chunk_.data() + offset + 6);
    scratch_.clear();
    core::append_utf16le(scratch_, chunk_.data() + offset + 8, 2 * static_cast<std::size_t>(chars));
    std::string_view name = arena_.store(scratch_);
    names_.emplace(offset, name);
    return name;
}

core::Result<const std::vector<Op>*> ChunkContext::template_at(std::uint32_t offset) {
    if (auto it = templates_.find(offset); it != templates_.end()) {
        if (!it->second.ok) return it->second.error;
        return &it->second.ops;
    }
    TemplateEntry& entry = templates_[offset];
    // Template definition: next definition offset (4), GUID (16), data size (4), then BinXML.
    ByteReader r(chunk_, offset, chunk_.size());
    std::uint32_t data_size = 0;
    if (!r.skip(20) || !r.read(data_size) || !r.can_read(data_size)) {
        entry.error =
            core::fail(core::ErrorCode::kTruncated,
                       fmt::format("template definition at 0x{:x} runs past the chunk", offset));
        return entry.error;
    }
    // decode_fragment may re-enter template_at for a nested definition; `entry` stays valid
    // because unordered_map never moves its elements.
    std::vector<Op> ops;
    const std::uint64_t work_before = work_;
    const bool outermost = !decoding_template_;
    decoding_template_ = true;
    auto decoded = decode_fragment(*this, r.pos(), r.pos() + data_size, false, ops);
    if (outermost) {
        decoding_template_ = false;
        template_work_ += work_ - work_before;
    }
    TemplateEntry& done = templates_[offset];
    if (!decoded) {
        done.error = std::move(decoded).error();
        return done.error;
    }
    done.ops = std::move(ops);
    done.ok = true;
    return &done.ops;
}

const std::vector<Op>* ChunkContext::find_fitting_template(
    std::span<const std::uint8_t> types) const {
    // A guessed template must use every value of the instance, so that field names are not
    // borrowed from an event of another shape. Of several, the lowest offset wins: the choice
    // must not depend on the map's iteration order, which differs between threads.
    std::vector<bool> used;
    const std::vector<Op>* best = nullptr;
    std::uint32_t best_offset = 0;
    for (const auto& [offset, entry] : templates_) {
        if (!entry.ok || (best != nullptr && offset > best_offset) ||
            !template_fits(entry.ops, types))
            continue;
        used.assign(types.size(), false);
        for (const Op& op : entry.ops) {
            if (op.code == OpCode::kSubstitution && op.index < used.size()) used[op.index] = true;
        }
        if (std::find(used.begin(), used.end(), false) == used.end()) {
            best = &entry.ops;
            best_offset = offset;
        }
    }
    return best;
}

std::string_view ChunkContext::intern_utf16(const std::uint8_t* p, std::size_t byte_count) {
    const auto key = std::make_pair(reinterpret_cast<const char*>(p),
                                    reinterpret_cast<const char*>(p + byte_count));
    if (auto it = utf16_.find(key); it != utf16_.end()) return it->second;
    scratch_.clear();
    core::append_utf16le(scratch_, p, byte_count);
    std::string_view s = arena_.store(scratch_);
    utf16_.emplace(key, s);
    return s;
}

std::string_view ChunkContext::intern_joined(std::string_view a, std::string_view b) {
    const auto key = std::make_pair(a.data(), b.data());
    if (auto it = joined_.find(key); it != joined_.end()) return it->second;
    scratch_.assign(a);
    scratch_.push_back('_');
    scratch_.append(b);
    std::string_view s = arena_.store(scratch_);
    joined_.emplace(key, s);
    return s;
}

}  // namespace vigie::evtx
