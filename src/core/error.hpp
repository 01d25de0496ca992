// core/error.hpp - the error vocabulary shared by every vigie library.
//
// Library code never throws: it returns core::Result<T> (result.hpp) whose error side is an Error.
// ErrorCode values are stable: they may be printed, logged or stored, so a value is never
// renumbered or reused; new codes are appended.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace vigie::core {

enum class ErrorCode : std::uint16_t {
    kOk = 0,
    kIo = 1,               ///< the operating system refused a read, write or open
    kNotFound = 2,         ///< a named file, field or object does not exist
    kInvalidArgument = 3,  ///< the caller passed something unusable (an option, a path)
    kBadSignature = 10,    ///< bytes do not start with the magic the format requires
    kTruncated = 11,       ///< a structure runs past the end of its buffer
    kBadChecksum = 12,     ///< a CRC or hash does not match the data it covers
    kCorrupt = 13,         ///< a structure is inconsistent (bad token, impossible size)
    kLimitExceeded = 14,   ///< a safety budget was hit (depth, nodes, template expansions)
    kUnsupported = 15,     ///< valid input that this version cannot handle
    kParse = 20,           ///< a text format (JSON, YAML, a rule condition) failed to parse
};

/// A short stable identifier for the code ("truncated", "bad_checksum", ...).
const char* error_code_name(ErrorCode code) noexcept;

/// Where an error happened. Every member is optional; unset members are empty or kNone.
struct Location {
    static constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();
    std::string file;              ///< input file path
    std::uint64_t offset = kNone;  ///< byte offset in that file
    std::string rule;              ///< rule identifier or title
    std::uint32_t line = 0;        ///< 1-based line in a text file (YAML), 0 when unknown

    static Location in_file(std::string path) {
        Location l;
        l.file = std::move(path);
        return l;
    }
    static Location at_line(std::string path, std::uint32_t line_number) {
        Location l = in_file(std::move(path));
        l.line = line_number;
        return l;
    }
};

struct Error {
    ErrorCode code = ErrorCode::kOk;
    std::string message;
    Location location;

    /// "file:line: offset 0x..: message (code)" with the parts that are set.
    std::string to_string() const;
};

}  // namespace vigie::core
