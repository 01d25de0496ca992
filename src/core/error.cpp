#include "core/error.hpp"

#include <fmt/format.h>

namespace vigie::core {

const char* error_code_name(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::kOk:
            return "ok";
        case ErrorCode::kIo:
            return "io";
        case ErrorCode::kNotFound:
            return "not_found";
        case ErrorCode::kInvalidArgument:
            return "invalid_argument";
        case ErrorCode::kBadSignature:
            return "bad_signature";
        case ErrorCode::kTruncated:
            return "truncated";
        case ErrorCode::kBadChecksum:
            return "bad_checksum";
        case ErrorCode::kCorrupt:
            return "corrupt";
        case ErrorCode::kLimitExceeded:
            return "limit_exceeded";
        case ErrorCode::kUnsupported:
            return "unsupported";
        case ErrorCode::kParse:
            return "parse";
    }
    return "unknown";
}

std::string Error::to_string() const {
    std::string out;
    if (!location.file.empty()) {
        out += location.file;
        if (location.line != 0) out += fmt::format(":{}", location.line);
        out += ": ";
    }
    if (location.offset != Location::kNone) out += fmt::format("offset 0x{:x}: ", location.offset);
    if (!location.rule.empty()) out += fmt::format("rule {}: ", location.rule);
    out += message;
    out += fmt::format(" ({})", error_code_name(code));
    return out;
}

}  // namespace vigie::core
