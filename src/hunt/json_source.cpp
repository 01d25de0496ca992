#include "hunt/json_source.hpp"

namespace vigie::hunt {

core::Result<JsonInputStats> read_json_input(
    const InputFile& input, const std::string&,
    const std::function<void(const core::Event&, std::uint64_t order)>&) {
    return core::fail(core::ErrorCode::kUnsupported, "JSON input is not available yet",
                      {input.path, core::Location::kNone, {}, 0});
}

core::Result<std::unique_ptr<core::ByteSource>> open_decompressed(const InputFile& input) {
    return core::fail(core::ErrorCode::kUnsupported, "compressed input is not available yet",
                      {input.path, core::Location::kNone, {}, 0});
}

}  // namespace vigie::hunt
