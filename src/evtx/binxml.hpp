// evtx/binxml.hpp - Binary XML tokens decoded into a flat list of operations.
//
// A BinXML byte stream (a record, a template definition, a BinXML substitution value) is decoded
// once into Ops; RecordBuilder (record_builder.hpp) then executes the ops to build a core::Event.
// Template definitions are decoded once per chunk and their ops cached (chunk_context.hpp), so a
// record that instantiates a known template only decodes its substitution values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vigie::evtx {

class ChunkContext;

enum class OpCode : std::uint8_t {
    kOpenElement,       ///< name
    kAttribute,         ///< name; the value ops that follow belong to it
    kCloseStart,        ///< end of the start tag ('>')
    kCloseEmpty,        ///< end of an empty element ('/>')
    kEndElement,        ///< '</name>'
    kText,              ///< UTF-16LE text: data, size (bytes)
    kValue,             ///< typed value token: value_type, data, size (bytes)
    kSubstitution,      ///< index, value_type (declared), optional
    kEntityRef,         ///< name ("amp", "lt", ...)
    kCharRef,           ///< index holds the UTF-16 code unit
    kCData,             ///< UTF-16LE text: data, size
    kPITarget,          ///< name
    kPIData,            ///< UTF-16LE text: data, size
    kTemplateInstance,  ///< offset: template definition; data, size: the instance data
    kSkipped,           ///< a construct the reader does not know: index (SkipKind), value_type
    kEnd,               ///< end of the fragment
};

struct Op {
    OpCode code = OpCode::kEnd;
    bool optional = false;
    std::uint8_t value_type = 0;
    std::uint16_t index = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    const std::uint8_t* data = nullptr;
    std::string_view name;
};

/// BinXML token and value type codes (libyal "Token types" and "Value types").
namespace token {
inline constexpr std::uint8_t kEof = 0x00;
inline constexpr std::uint8_t kOpenStartElement = 0x01;
inline constexpr std::uint8_t kCloseStartElement = 0x02;
inline constexpr std::uint8_t kCloseEmptyElement = 0x03;
inline constexpr std::uint8_t kEndElement = 0x04;
inline constexpr std::uint8_t kValue = 0x05;
inline constexpr std::uint8_t kAttribute = 0x06;
inline constexpr std::uint8_t kCDataSection = 0x07;
inline constexpr std::uint8_t kCharRef = 0x08;
inline constexpr std::uint8_t kEntityRef = 0x09;
inline constexpr std::uint8_t kPITarget = 0x0a;
inline constexpr std::uint8_t kPIData = 0x0b;
inline constexpr std::uint8_t kTemplateInstance = 0x0c;
inline constexpr std::uint8_t kNormalSubstitution = 0x0d;
inline constexpr std::uint8_t kOptionalSubstitution = 0x0e;
inline constexpr std::uint8_t kFragmentHeader = 0x0f;
inline constexpr std::uint8_t kHasMoreDataFlag = 0x40;
}  // namespace token

namespace value_type {
inline constexpr std::uint8_t kNull = 0x00;
inline constexpr std::uint8_t kString = 0x01;
inline constexpr std::uint8_t kAnsiString = 0x02;
inline constexpr std::uint8_t kInt8 = 0x03;
inline constexpr std::uint8_t kUInt8 = 0x04;
inline constexpr std::uint8_t kInt16 = 0x05;
inline constexpr std::uint8_t kUInt16 = 0x06;
inline constexpr std::uint8_t kInt32 = 0x07;
inline constexpr std::uint8_t kUInt32 = 0x08;
inline constexpr std::uint8_t kInt64 = 0x09;
inline constexpr std::uint8_t kUInt64 = 0x0a;
inline constexpr std::uint8_t kReal32 = 0x0b;
inline constexpr std::uint8_t kReal64 = 0x0c;
inline constexpr std::uint8_t kBool = 0x0d;
inline constexpr std::uint8_t kBinary = 0x0e;
inline constexpr std::uint8_t kGuid = 0x0f;
inline constexpr std::uint8_t kSizeT = 0x10;
inline constexpr std::uint8_t kFileTime = 0x11;
inline constexpr std::uint8_t kSysTime = 0x12;
inline constexpr std::uint8_t kSid = 0x13;
inline constexpr std::uint8_t kHexInt32 = 0x14;
inline constexpr std::uint8_t kHexInt64 = 0x15;
inline constexpr std::uint8_t kEvtHandle = 0x20;
inline constexpr std::uint8_t kBinXml = 0x21;
inline constexpr std::uint8_t kEvtXml = 0x23;
inline constexpr std::uint8_t kArrayFlag = 0x80;
}  // namespace value_type

/// Why a construct was skipped. A record keeps everything else; --stats counts each kind.
enum class SkipKind : std::uint8_t {
    /// A token byte that is not a BinXML token: its size is unknown, so the rest of its
    /// fragment is skipped with it. Code: the token byte.
    kUnknownToken,
    /// A value token whose type has no size of its own (binary, ANSI string, size_t, arrays,
    /// handles, unknown types): the format only defines strings and fixed-size values there, so
    /// its end, and the rest of its fragment, cannot be found. Code: the value type.
    kUnsizedValueToken,
    /// Embedded BinXML inside an attribute value, which cannot hold elements. Code: 0x21.
    kBinXmlInAttribute,
    /// A substitution value that cannot be read as its type (unknown type, too short for a
    /// fixed-size type, EvtHandle, EvtXml): rendered empty. Code: the value type.
    kUnreadableSubstitution,
};

/// A skipped construct packed into 16 bits (kind << 8 | code), for cheap per-record lists.
constexpr std::uint16_t pack_skip(SkipKind kind, std::uint8_t code) noexcept {
    return static_cast<std::uint16_t>((static_cast<unsigned>(kind) << 8) | code);
}
/// "value token of type 0x0e (Binary) with no size of its own", for statistics.
std::string describe_skip(std::uint16_t packed);
/// "Binary", "GUID", "array of UInt32", ... ("unknown" for undefined types).
std::string value_type_name(std::uint8_t type);

/// Byte size of a value of `type` in a value token when the type fixes it; 0 when it does not
/// (strings, SIDs and BinXML carry their own size; other variable types cannot appear).
std::size_t fixed_value_size(std::uint8_t type) noexcept;

/// Decodes the tokens in chunk bytes [begin, end) into `out` (appending), stopping after the
/// end-of-fragment token or at `end`. `in_substitution` is true for BinXML substitution values,
/// whose element starts carry no dependency identifier. Errors name the chunk offset.
core::Result<void> decode_fragment(ChunkContext& ctx, std::size_t begin, std::size_t end,
                                   bool in_substitution, std::vector<Op>& out);

/// True when every substitution of `ops` has a value in `types` whose type is the declared one
/// (or null). Used to check that a record really belongs to a template.
bool template_fits(const std::vector<Op>& ops, std::span<const std::uint8_t> types) noexcept;

}  // namespace vigie::evtx
