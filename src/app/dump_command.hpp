// app/dump_command.hpp - `vigie dump`: EVTX files to JSONL (evtx-crate shape) or XML lines.
#pragma once

#include <string>
#include <vector>

namespace vigie::app {

struct DumpOptions {
    std::string format = "jsonl";  ///< jsonl | xml
    bool recover = false;
    unsigned threads = 0;  ///< 0: all cores
    bool stats = false;
    std::vector<std::string> files;
};

/// Returns the process exit status: 0 when every file was read, 2 when one could not be.
int run_dump(const DumpOptions& options);

}  // namespace vigie::app
