// scenario/scenario.hpp - a week in a small French hospital's Windows network, with or without
// a TA505 -> Clop intrusion, written as EVTX files by vigie's own writer.
//
// The story follows what the French national agency described for Rouen, November 2019
// (CERTFR-2020-CTI-006): a phishing macro on a reception PC, days of discovery, credential theft
// and lateral movement with a stolen admin account, recovery inhibited on the file and backup
// servers, then encryption. Around it, a week of ordinary hospital activity (logons, Kerberos,
// Office, shares, updates, backups, admin work) of the kind that trips naive detectors.
//
//   scenario::ScenarioOptions options;              // seed 2019, week of 2019-11-11, attack on
//   auto manifest = scenario::write_hospital_scenario(options, "out/");
//   if (!manifest) return manifest.error();
//   // out/PC-ACCUEIL-07/Security.evtx, out/DC01/System.evtx, ...
//
// Output is deterministic: the same options give the same events and the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "evtx/windows_event.hpp"

namespace vigie::scenario {

struct ScenarioOptions {
    std::uint64_t seed = 2019;              ///< same options -> same bytes
    std::string start_date = "2019-11-11";  ///< first day (a Monday), UTC
    int days = 7;                           ///< 1..60; attack steps past the last day are left out
    bool attack = true;                     ///< false: the benign week only
    int workstations = 6;                   ///< 1..200; PC-ACCUEIL-07 is always the first
};

struct HostInfo {
    std::string name;     ///< short name, also the folder name ("PC-ACCUEIL-07")
    std::string role;     ///< "domain controller", "file server", "backup server", "workstation"
    std::string address;  ///< IPv4
    bool attacked = false;
};

struct ScenarioManifest {
    std::vector<HostInfo> hosts;
    std::vector<std::string> files;            ///< EVTX files written, in host then channel order
    core::FileTimeTicks first_attack = 0;      ///< first malicious event (0: no attack)
    core::FileTimeTicks encryption_start = 0;  ///< first encryption event (0: not reached)
    std::uint64_t events = 0;
};

/// The events of the scenario, sorted by time, with EventRecordIDs increasing per host and
/// channel. Invalid options (see validate_options) give no events. `manifest` may be null;
/// its `files` stay empty.
std::vector<evtx::WindowsEventSpec> hospital_events(const ScenarioOptions& options,
                                                    ScenarioManifest* manifest);

/// Writes `<out_dir>/<HOST>/<Channel>.evtx` (the '/' of a channel as "%4", as Windows names
/// its log files) for every host and channel with events. Errors: kInvalidArgument for bad
/// options, kIo when a folder or file cannot be written.
core::Result<ScenarioManifest> write_hospital_scenario(const ScenarioOptions& options,
                                                       const std::string& out_dir);

/// kInvalidArgument with the reason when an option is out of range.
core::Result<void> validate_options(const ScenarioOptions& options);

/// "Microsoft-Windows-Sysmon/Operational" -> "Microsoft-Windows-Sysmon%4Operational.evtx".
std::string channel_file_name(const std::string& channel);

}  // namespace vigie::scenario
