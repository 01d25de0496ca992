#include "evtx/binxml.hpp"

#include <fmt/format.h>

#include <iterator>

#include "evtx/byte_reader.hpp"
#include "evtx/chunk_context.hpp"

namespace vigie::evtx {
namespace {

core::Error corrupt(std::size_t offset, std::string_view what) {
    return core::fail(core::ErrorCode::kCorrupt,
                      fmt::format("{} at chunk offset 0x{:x}", what, offset));
}
core::Error truncated(std::size_t offset, std::string_view what) {
    return core::fail(core::ErrorCode::kTruncated,
                      fmt::format("{} runs past its data at chunk offset 0x{:x}", what, offset));
}

// A name reference: a 4-byte chunk offset; when it points right after itself the name is
// stored inline and must be skipped.
core::Result<std::string_view> read_name_ref(ChunkContext& ctx, ByteReader& r) {
    std::uint32_t offset = 0;
    if (!r.read(offset)) return truncated(r.pos(), "name reference");
    if (offset == r.pos()) {
        auto size = ctx.name_size_at(offset);
        if (!size) return std::move(size).error();
        if (!r.skip(*size)) return truncated(r.pos(), "inline name");
    }
    return ctx.name_at(offset);
}

// Character count then UTF-16LE text.
bool read_counted_utf16(ByteReader& r, Op& op) {
    std::uint16_t chars = 0;
    if (!r.read(chars)) return false;
    const std::size_t bytes = 2 * static_cast<std::size_t>(chars);
    if (!r.can_read(bytes)) return false;
    op.data = r.ptr();
    op.size = static_cast<std::uint32_t>(bytes);
    r.skip(bytes);
    return true;
}

core::Result<void> read_template_instance(ChunkContext& ctx, ByteReader& r, Op& op) {
    const std::size_t start = r.pos();
    std::uint8_t unknown = 0;
    std::uint32_t template_id = 0, def_offset = 0;
    if (!r.read(unknown) || !r.read(template_id) || !r.read(def_offset)) {
        return truncated(start, "template instance");
    }
    // A definition stored inline follows the instance header; its offset is this position. A
    // record recovered from slack may have been written at another chunk offset, so there the
    // bytes themselves decide: a definition header followed by a BinXML fragment header.
    auto inline_definition_here = [&] {
        if (def_offset == r.pos()) return true;
        if (!ctx.recovering() || !r.can_read(28)) return false;
        const std::uint8_t* p = r.ptr();
        const std::uint32_t size = load_le<std::uint32_t>(p + 20);
        return p[24] == token::kFragmentHeader && p[25] == 1 && p[26] == 1 &&
               r.can_read(24 + std::size_t{size});
    };
    if (inline_definition_here()) {
        def_offset = static_cast<std::uint32_t>(r.pos());
        // The definition: next offset (4), GUID (16), data size (4), data.
        std::uint32_t data_size = 0;
        if (!r.skip(20) || !r.read(data_size) || !r.skip(data_size)) {
            return truncated(start, "inline template definition");
        }
    }
    // Instance data: value count, count descriptors (size u16, type u8, pad u8), then values.
    const std::uint8_t* instance = r.ptr();
    std::uint32_t count = 0;
    if (!r.read(count)) return truncated(r.pos(), "template instance data");
    if (count > ctx.limits().max_substitutions || !r.can_read(std::size_t{4} * count)) {
        return corrupt(r.pos(), "impossible substitution count");
    }
    std::size_t values_size = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        values_size += load_le<std::uint16_t>(r.ptr() + 4 * std::size_t{i});
    }
    if (!r.skip(std::size_t{4} * count) || !r.skip(values_size)) {
        return truncated(start, "substitution values");
    }
    op.code = OpCode::kTemplateInstance;
    op.offset = def_offset;
    op.data = instance;
    op.size = static_cast<std::uint32_t>(r.ptr() - instance);
    return {};
}

// What a value token of a type other than string holds.
enum class TypedValue { kRead, kTruncated, kUnsized };

// Value data of a non-string value token: fixed-size types, a SID (its sub-authority count
// gives its size) and embedded BinXML (16-bit byte count, as the Rust evtx crate reads it).
TypedValue read_typed_value(ByteReader& r, std::uint8_t type, Op& op) {
    std::size_t size = fixed_value_size(type);
    if (type == value_type::kSid) {
        if (!r.can_read(8)) return TypedValue::kTruncated;
        size = 8 + 4 * std::size_t{r.ptr()[1]};
    } else if (type == value_type::kBinXml) {
        std::uint16_t bytes = 0;
        if (!r.read(bytes)) return TypedValue::kTruncated;
        size = bytes;
    } else if (size == 0 && type != value_type::kNull) {
        return TypedValue::kUnsized;
    }
    if (!r.can_read(size)) return TypedValue::kTruncated;
    op.data = r.ptr();
    op.size = static_cast<std::uint32_t>(size);
    r.skip(size);
    return TypedValue::kRead;
}

// A construct whose size is unknown ends what can be decoded of its fragment: the ops so far
// stand, the skip is recorded for statistics, and the fragment ends there.
core::Result<void> skip_rest(std::vector<Op>& out, SkipKind kind, std::uint8_t code) {
    Op op;
    op.code = OpCode::kSkipped;
    op.index = static_cast<std::uint16_t>(kind);
    op.value_type = code;
    out.push_back(op);
    out.push_back(Op{});
    return {};
}

}  // namespace

std::size_t fixed_value_size(std::uint8_t type) noexcept {
    namespace vt = value_type;
    switch (type) {
        case vt::kInt8:
        case vt::kUInt8:
            return 1;
        case vt::kInt16:
        case vt::kUInt16:
            return 2;
        case vt::kInt32:
        case vt::kUInt32:
        case vt::kReal32:
        case vt::kBool:
        case vt::kHexInt32:
            return 4;
        case vt::kInt64:
        case vt::kUInt64:
        case vt::kReal64:
        case vt::kFileTime:
        case vt::kHexInt64:
            return 8;
        case vt::kGuid:
        case vt::kSysTime:
            return 16;
        default:
            return 0;
    }
}

std::string value_type_name(std::uint8_t type) {
    static constexpr const char* kNames[] = {
        "Null",   "String",   "AnsiString", "Int8",   "UInt8",    "Int16",   "UInt16", "Int32",
        "UInt32", "Int64",    "UInt64",     "Real32", "Real64",   "Bool",    "Binary", "GUID",
        "SizeT",  "FileTime", "SysTime",    "SID",    "HexInt32", "HexInt64"};
    const std::uint8_t base = type & ~value_type::kArrayFlag;
    std::string name;
    if (base < std::size(kNames)) {
        name = kNames[base];
    } else if (base == value_type::kEvtHandle) {
        name = "EvtHandle";
    } else if (base == value_type::kBinXml) {
        name = "BinXml";
    } else if (base == value_type::kEvtXml) {
        name = "EvtXml";
    } else {
        return "unknown";
    }
    return (type & value_type::kArrayFlag) ? "array of " + name : name;
}

std::string describe_skip(std::uint16_t packed) {
    const auto code = static_cast<std::uint8_t>(packed & 0xFF);
    switch (static_cast<SkipKind>(packed >> 8)) {
        case SkipKind::kUnknownToken:
            return fmt::format("unknown BinXML token 0x{:02x} (rest of its fragment)", code);
        case SkipKind::kUnsizedValueToken:
            return fmt::format(
                "value token of type 0x{:02x} ({}), which has no size of its own "
                "(rest of its fragment)",
                code, value_type_name(code));
        case SkipKind::kBinXmlInAttribute:
            return "BinXML value inside an attribute";
        case SkipKind::kUnreadableSubstitution:
            return fmt::format("substitution value of type 0x{:02x} ({}) that cannot be read", code,
                               value_type_name(code));
    }
    return fmt::format("skipped construct 0x{:04x}", packed);
}

core::Result<void> decode_fragment(ChunkContext& ctx, std::size_t begin, std::size_t end,
                                   bool in_substitution, std::vector<Op>& out) {
    ByteReader r(ctx.bytes(), begin, end);
    if (begin > r.limit()) return truncated(begin, "fragment");
    while (!r.at_end()) {
        if (!ctx.charge(1)) {
            return core::fail(core::ErrorCode::kLimitExceeded, "chunk work budget exhausted");
        }
        const std::size_t at = r.pos();
        std::uint8_t byte = 0;
        r.read(byte);
        const std::uint8_t tok = byte & ~token::kHasMoreDataFlag;
        Op op;
        switch (tok) {
            case token::kEof:
                out.push_back(Op{});  // kEnd
                return {};
            case token::kOpenStartElement: {
                std::uint32_t data_size = 0;
                if ((!in_substitution && !r.skip(2)) || !r.read(data_size)) {
                    return truncated(at, "element start");
                }
                auto name = read_name_ref(ctx, r);
                if (!name) return std::move(name).error();
                if ((byte & token::kHasMoreDataFlag) && !r.skip(4)) {
                    return truncated(at, "attribute list");
                }
                op.code = OpCode::kOpenElement;
                op.name = *name;
                break;
            }
            case token::kCloseStartElement:
                op.code = OpCode::kCloseStart;
                break;
            case token::kCloseEmptyElement:
                op.code = OpCode::kCloseEmpty;
                break;
            case token::kEndElement:
                op.code = OpCode::kEndElement;
                break;
            case token::kValue: {
                std::uint8_t type = 0;
                if (!r.read(type)) return truncated(at, "value");
                if (type == value_type::kString) {
                    if (!read_counted_utf16(r, op)) return truncated(at, "value text");
                    op.code = OpCode::kText;
                    break;
                }
                const TypedValue typed = read_typed_value(r, type, op);
                if (typed == TypedValue::kTruncated) return truncated(at, "value");
                if (typed == TypedValue::kUnsized) {
                    if (ctx.recovering()) return corrupt(at, "value token with no size");
                    return skip_rest(out, SkipKind::kUnsizedValueToken, type);
                }
                op.code = OpCode::kValue;
                op.value_type = type;
                break;
            }
            case token::kAttribute: {
                auto name = read_name_ref(ctx, r);
                if (!name) return std::move(name).error();
                op.code = OpCode::kAttribute;
                op.name = *name;
                break;
            }
            case token::kCDataSection:
                if (!read_counted_utf16(r, op)) return truncated(at, "CDATA section");
                op.code = OpCode::kCData;
                break;
            case token::kCharRef:
                if (!r.read(op.index)) return truncated(at, "character reference");
                op.code = OpCode::kCharRef;
                break;
            case token::kEntityRef: {
                auto name = read_name_ref(ctx, r);
                if (!name) return std::move(name).error();
                op.code = OpCode::kEntityRef;
                op.name = *name;
                break;
            }
            case token::kPITarget: {
                auto name = read_name_ref(ctx, r);
                if (!name) return std::move(name).error();
                op.code = OpCode::kPITarget;
                op.name = *name;
                break;
            }
            case token::kPIData:
                if (!read_counted_utf16(r, op)) return truncated(at, "PI data");
                op.code = OpCode::kPIData;
                break;
            case token::kTemplateInstance:
                if (auto t = read_template_instance(ctx, r, op); !t) return t;
                break;
            case token::kNormalSubstitution:
            case token::kOptionalSubstitution:
                if (!r.read(op.index) || !r.read(op.value_type))
                    return truncated(at, "substitution");
                op.code = OpCode::kSubstitution;
                op.optional = tok == token::kOptionalSubstitution;
                break;
            case token::kFragmentHeader:
                if (!r.skip(3)) return truncated(at, "fragment header");
                continue;
            default:
                // Bytes recovered from slack space must read entirely: there an unknown token
                // means the bytes are not a record.
                if (ctx.recovering()) {
                    return corrupt(at, fmt::format("unknown BinXML token 0x{:02x}", byte));
                }
                return skip_rest(out, SkipKind::kUnknownToken, byte);
        }
        out.push_back(op);
    }
    out.push_back(Op{});
    return {};
}

bool template_fits(const std::vector<Op>& ops, std::span<const std::uint8_t> types) noexcept {
    bool any = false;
    for (const Op& op : ops) {
        if (op.code != OpCode::kSubstitution) continue;
        any = true;
        if (op.index >= types.size()) return false;
        const std::uint8_t actual = types[op.index];
        if (actual == value_type::kNull || actual == op.value_type) continue;
        const bool size_t_as_hex =
            op.value_type == value_type::kSizeT &&
            (actual == value_type::kHexInt32 || actual == value_type::kHexInt64);
        if (!size_t_as_hex) return false;
    }
    return any;
}

}  // namespace vigie::evtx
