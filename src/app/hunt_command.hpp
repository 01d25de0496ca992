// app/hunt_command.hpp - `vigie hunt`: event logs + Sigma rules -> a timeline and a summary.
#pragma once

#include <string>
#include <vector>

namespace vigie::app {

struct HuntCommandOptions {
    std::vector<std::string> rules;    ///< rule files or folders (default: the built-in pack)
    std::vector<std::string> filters;  ///< folders or files of Sigma filters only
    std::string placeholders;          ///< YAML values for %placeholders%
    std::string min_level = "informational";
    std::string from, to;          ///< ISO 8601 times
    std::string format = "table";  ///< table | csv | jsonl
    std::string output;            ///< -o FILE (default: standard output)
    std::string input_format = "auto";
    bool summary = false;  ///< force the summary (default: when stderr is a terminal)
    bool no_summary = false;
    bool stats = false;  ///< per-file reading statistics on standard error
    bool progress = true;
    bool recover = false;
    bool hosts = false;        ///< print the per-host picture instead of the timeline
    bool hosts_brief = false;  ///< print a few lines per urgent host instead of the timeline
    std::string report;        ///< --report FILE: also write the HTML report there
    bool report_only = false;  ///< `vigie report`: the HTML report is the output
    std::string language;      ///< en | fr (default: from LANG)
    unsigned threads = 0;
    std::vector<std::string> paths;
};

/// Exit status: 0 detections found, 1 none, 2 error.
int run_hunt_command(const HuntCommandOptions& options);

/// "fr" when LC_ALL, LC_MESSAGES or LANG (the first set) asks for French, else "en".
std::string default_language();

}  // namespace vigie::app
