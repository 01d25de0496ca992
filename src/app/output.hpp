// app/output.hpp - buffered standard output that stops quietly on a closed pipe.
#pragma once

#include <cstdio>
#include <string_view>

namespace vigie::app {

class StdoutWriter {
  public:
    /// Writes `bytes`; false once the reader went away (EPIPE) or the write failed.
    bool write(std::string_view bytes);
    bool closed() const noexcept { return closed_; }

  private:
    bool closed_ = false;
};

}  // namespace vigie::app
