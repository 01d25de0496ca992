#include "app/output.hpp"

#include <unistd.h>

#include <cerrno>

namespace vigie::app {

bool StdoutWriter::write(std::string_view bytes) {
    while (!closed_ && !bytes.empty()) {
        const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            closed_ = true;  // EPIPE (reader closed) or a real error: either way, stop writing
            break;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return !closed_;
}

}  // namespace vigie::app
