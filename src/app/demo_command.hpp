// app/demo_command.hpp - `vigie demo`: a week in a small hospital, an intrusion in it, and
// what vigie makes of it.
#pragma once

#include <cstdint>
#include <string>

namespace vigie::app {

struct DemoCommandOptions {
    std::string output;  ///< where the EVTX files go (default: a new folder under $TMPDIR)
    std::uint64_t seed = 2019;
    bool benign_only = false;  ///< the normal week alone: vigie should stay quiet
    std::string language;      ///< en | fr (default: from LANG)
    std::string report;        ///< the HTML report (default: vigie-report.html in the folder)
    unsigned threads = 0;
};

/// Generates the scenario, hunts it with the built-in pack as of the eve of the encryption day
/// and over the whole week, prints the urgent hosts and writes the HTML report of the week. Exit
/// status as `vigie hunt`.
int run_demo_command(const DemoCommandOptions& options);

}  // namespace vigie::app
