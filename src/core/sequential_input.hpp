// core/sequential_input.hpp - the first names of input_stream.hpp's API, kept so that code
// written against them still builds; new code includes core/input_stream.hpp.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/input_stream.hpp"

namespace vigie::core {

using SequentialInput = InputStream;

inline Result<std::unique_ptr<InputStream>> open_sequential(const std::string& path) {
    return open_input_stream(path);
}

inline std::unique_ptr<InputStream> memory_sequential(std::string_view bytes,
                                                      std::string name = "<memory>") {
    return memory_input_stream(bytes, std::move(name));
}

inline Result<std::unique_ptr<ByteSource>> open_random_access(const std::string& path) {
    return open_decompressed_file(path);
}

}  // namespace vigie::core
