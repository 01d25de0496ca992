#include "scenario/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <system_error>

#include "evtx/writer.hpp"
#include "scenario/benign.hpp"
#include "scenario/intrusion.hpp"

namespace vigie::scenario {
namespace {

const char* role_name(Role role) {
    switch (role) {
        case Role::kDomainController:
            return "domain controller";
        case Role::kFileServer:
            return "file server";
        case Role::kBackupServer:
            return "backup server";
        case Role::kWorkstation:
            break;
    }
    return "workstation";
}

/// Channels in the order files are listed.
int channel_rank(const std::string& channel) {
    static const char* kOrder[] = {"Security",
                                   "System",
                                   "Application",
                                   "Microsoft-Windows-Sysmon/Operational",
                                   "Microsoft-Windows-PowerShell/Operational",
                                   "Microsoft-Windows-Windows Defender/Operational"};
    for (int i = 0; i < 6; ++i) {
        if (channel == kOrder[i]) return i;
    }
    return 6;
}

}  // namespace

core::Result<void> validate_options(const ScenarioOptions& options) {
    if (options.days < 1 || options.days > 60) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("days must be 1..60, not {}", options.days));
    }
    if (options.workstations < 1 || options.workstations > 200) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          fmt::format("workstations must be 1..200, not {}", options.workstations));
    }
    const auto start = core::parse_iso8601(options.start_date);
    if (!start || *start % kDay != 0) {
        return core::fail(
            core::ErrorCode::kInvalidArgument,
            "start_date must be a date (YYYY-MM-DD), not '" + options.start_date + "'");
    }
    return {};
}

std::string channel_file_name(const std::string& channel) {
    std::string name;
    for (char c : channel) {
        if (c == '/') {
            name += "%4";
        } else {
            name.push_back(c);
        }
    }
    return name + ".evtx";
}

std::vector<evtx::WindowsEventSpec> hospital_events(const ScenarioOptions& options,
                                                    ScenarioManifest* manifest) {
    std::vector<evtx::WindowsEventSpec> events;
    if (!validate_options(options)) return events;
    const Network net =
        build_network(options.workstations, *core::parse_iso8601(options.start_date), options.seed);
    Recorder recorder(net, options.seed, events);
    std::vector<ActiveSession> sessions;
    for (int day = 0; day < options.days; ++day) add_benign_day(recorder, day, sessions);
    IntrusionResult intrusion;
    if (options.attack) intrusion = add_intrusion(recorder, options.days, sessions);

    // Time order, stable so that events at the same instant keep the order they were made in;
    // then record IDs per host and channel, each log starting somewhere in its history.
    std::vector<std::size_t> order(events.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return events[a].time < events[b].time; });
    std::vector<evtx::WindowsEventSpec> sorted;
    sorted.reserve(events.size());
    for (std::size_t i : order) sorted.push_back(std::move(events[i]));
    std::map<std::string, std::uint64_t> next_id;
    Rng ids(options.seed ^ 0x7265636F7264ULL);
    for (auto& e : sorted) {
        auto [it, fresh] = next_id.try_emplace(e.computer + "|" + e.channel, 0);
        if (fresh) it->second = 1000 + ids.below(90000);
        e.record_id = it->second++;
    }

    if (manifest != nullptr) {
        *manifest = ScenarioManifest{};
        for (const Host& h : net.hosts) {
            manifest->hosts.push_back(
                {h.name, role_name(h.role), h.address, intrusion.attacked.count(h.name) > 0});
        }
        manifest->first_attack = intrusion.first_attack;
        manifest->encryption_start = intrusion.encryption_start;
        manifest->events = sorted.size();
    }
    return sorted;
}

core::Result<ScenarioManifest> write_hospital_scenario(const ScenarioOptions& options,
                                                       const std::string& out_dir) {
    if (auto ok = validate_options(options); !ok) return ok.error();
    ScenarioManifest manifest;
    const std::vector<evtx::WindowsEventSpec> events = hospital_events(options, &manifest);

    // One writer per host and channel, filled in time order.
    struct Log {
        std::string host, channel;
        std::vector<std::size_t> events;
    };
    std::map<std::pair<std::string, int>, Log> logs;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        const std::string host = e.computer.substr(0, e.computer.find('.'));
        Log& log = logs[{host, channel_rank(e.channel)}];
        log.host = host;
        log.channel = e.channel;
        log.events.push_back(i);
    }
    namespace fs = std::filesystem;
    core::Event event;
    for (const auto& [key, log] : logs) {
        const fs::path dir = fs::path(out_dir) / log.host;
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) {
            return core::fail(core::ErrorCode::kIo,
                              "cannot create " + dir.string() + ": " + ec.message());
        }
        evtx::EvtxWriter writer;
        for (std::size_t i : log.events) {
            evtx::build_windows_event(events[i], event);
            if (auto r = writer.add(event); !r) return r.error();
        }
        const std::string path = (dir / channel_file_name(log.channel)).string();
        if (auto r = writer.write_file(path); !r) return r.error();
        manifest.files.push_back(path);
    }
    return manifest;
}

}  // namespace vigie::scenario
