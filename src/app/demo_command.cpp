#include "app/demo_command.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "app/hunt_command.hpp"
#include "core/time.hpp"
#include "scenario/scenario.hpp"

namespace vigie::app {
namespace {

std::string day(core::FileTimeTicks t) {
    return core::format_iso8601_micros(t).substr(0, 10);
}

std::string fresh_folder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    for (int i = 0;; ++i) {
        std::string path = fmt::format("{}/vigie-demo-{}", base, i);
        std::error_code ec;
        if (std::filesystem::create_directory(path, ec)) return path;
        if (ec || i > 10000) return {};
    }
}

}  // namespace

int run_demo_command(const DemoCommandOptions& options) {
    const std::string folder = options.output.empty() ? fresh_folder() : options.output;
    if (folder.empty()) {
        fmt::print(stderr, "vigie: cannot make a folder for the demo logs (set --output)\n");
        return 2;
    }
    scenario::ScenarioOptions scenario;
    scenario.seed = options.seed;
    scenario.attack = !options.benign_only;
    const auto manifest = scenario::write_hospital_scenario(scenario, folder);
    if (!manifest) {
        fmt::print(stderr, "vigie: {}\n", manifest.error().to_string());
        return 2;
    }
    const bool fr =
        options.language == "fr" || (options.language.empty() && default_language() == "fr");
    fmt::print(fmt::runtime(fr ? "== Une semaine au CHU : {} événements Windows sur {} machines, "
                                 "du {} ({} jours), écrits par vigie dans {}\n"
                               : "== A week at a small hospital: {} Windows events on {} hosts "
                                 "from {} ({} days), written by vigie to {}\n"),
               manifest->events, manifest->hosts.size(), scenario.start_date, scenario.days,
               folder);

    HuntCommandOptions hunt;
    hunt.paths = {folder};
    // A few lines per urgent host: the whole picture is in the report written at the end.
    hunt.hosts_brief = true;
    hunt.no_summary = true;
    hunt.progress = false;
    hunt.language = options.language;
    hunt.threads = options.threads;
    if (manifest->encryption_start != 0) {
        // What the logs said on the eve of the encryption, when there was still time.
        const core::FileTimeTicks eve = manifest->encryption_start - 1;
        hunt.to = core::format_iso8601_micros(eve);
        fmt::print(fmt::runtime(
                       fr ? "\n== Ce que vigie montrait la veille du chiffrement (jusqu'au {})\n\n"
                          : "\n== What vigie showed before the encryption day (up to {})\n\n"),
                   hunt.to);
        std::fflush(stdout);
        const int status = run_hunt_command(hunt);
        if (status == 2) return status;
        hunt.to.clear();
        fmt::print(
            fmt::runtime(fr ? "== Toute la semaine, chiffrement compris (débuté le {})\n\n"
                            : "== The whole week, encryption included (it started on {})\n\n"),
            day(manifest->encryption_start));
    } else {
        fmt::print(fmt::runtime(fr ? "\n== La semaine normale, sans attaque\n\n"
                                   : "\n== The normal week, no attack\n\n"));
    }
    std::fflush(stdout);
    hunt.report = options.report.empty() ? folder + "/vigie-report.html" : options.report;
    const int status = run_hunt_command(hunt);
    if (status != 2) {
        fmt::print(fmt::runtime(fr ? "\n== Le rapport de la semaine (à ouvrir dans un navigateur, "
                                     "hors ligne) : {}\n"
                                   : "\n== The report of the week (open it in a browser, it works "
                                     "offline): {}\n"),
                   hunt.report);
    }
    if (options.output.empty()) {
        fmt::print(
            fmt::runtime(fr ? "Journaux gardés dans {} : `vigie hunt {}` pour la chronologie.\n"
                            : "Logs kept in {}: `vigie hunt {}` for the timeline.\n"),
            folder, folder);
    }
    return status;
}

}  // namespace vigie::app
