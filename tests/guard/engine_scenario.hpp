// The engine's test rig: a replay twin, a process control that records signals and client
// blocks instead of acting, and scripted processes.
#pragma once

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "guard/engine.hpp"
#include "guard/guard_loop.hpp"
#include "guard/replay_source.hpp"
#include "guard_test_data.hpp"

namespace vigie::guard::testing {

// A share of the kinds of documents a hospital keeps: a docx, a PDF and a CSV in turn, put
// in the replay twin.
inline std::map<std::string, Bytes> mixed_share(ReplaySource& source, int files) {
    std::map<std::string, Bytes> out;
    for (int i = 0; i < files; ++i) {
        std::string path;
        Bytes content;
        switch (i % 3) {
            case 0:
                path = "/srv/share/Compta/facture" + std::to_string(i) + ".docx";
                content = zip_document(i, 60000);
                break;
            case 1:
                path = "/srv/share/Patients/cr" + std::to_string(i) + ".pdf";
                content = pdf_document(i);
                break;
            default:
                path = "/srv/share/RH/liste" + std::to_string(i) + ".csv";
                content = text_bytes(20000, i);
                break;
        }
        source.put(path, content);
        out.emplace(path, std::move(content));
    }
    return out;
}

// Records signals instead of sending them; knows a scripted process tree.
class RecordingControl final : public ProcessControl {
  public:
    explicit RecordingControl(ReplaySource& source) : source_(source) {}
    bool signal(std::int32_t pid, int sig) override {
        signals.emplace_back(pid, sig);
        source_.stop(pid);
        return true;
    }
    bool signal_group(std::int32_t group, int sig) override {
        group_signals.emplace_back(group, sig);
        source_.stop(-group);
        return true;
    }
    std::vector<std::pair<std::int32_t, std::int32_t>> processes() override { return tree; }
    std::int32_t own_pid() override { return 1; }
    std::int32_t own_group() override { return 1; }
    std::vector<std::int32_t> own_ancestors() override { return {}; }
    vigie::core::Result<void> block_client(std::int32_t worker, const SmbClient& client,
                                           std::chrono::seconds duration) override {
        blocks.push_back({worker, client.address, duration});
        if (refuse_blocks) return vigie::core::fail(vigie::core::ErrorCode::kIo, "nft: refused");
        return {};
    }

    bool stopped(std::int32_t pid) const {
        for (const auto& [p, s] : signals)
            if (p == pid && s == SIGSTOP) return true;
        return false;
    }
    std::vector<std::pair<std::int32_t, int>> signals;
    std::vector<std::pair<std::int32_t, int>> group_signals;
    std::vector<std::pair<std::int32_t, std::int32_t>> tree;
    struct Block {
        std::int32_t worker;
        std::string address;
        std::chrono::seconds duration;
    };
    std::vector<Block> blocks;
    bool refuse_blocks = false;

  private:
    ReplaySource& source_;
};

inline ProcessInfo process(std::int32_t pid, std::int32_t group, std::uint32_t uid = 1000,
                           std::string exe = "/usr/bin/python3") {
    ProcessInfo p;
    p.pid = pid;
    p.parent = group == pid ? 100 : group;
    p.process_group = group;
    p.session = 100;
    p.uid = uid;
    p.start_ticks = 5000 + static_cast<std::uint64_t>(pid);
    p.executable = std::move(exe);
    p.command = std::filesystem::path(p.executable).filename().string();
    return p;
}

struct Scenario {
    ReplaySource source;
    RecordingControl control{source};
    MemoryAlertSink alerts;
    GuardConfig config;
    std::unique_ptr<Engine> engine;

    Scenario() { config.protected_roots = {"/srv/share"}; }
    void go(AllowList allow = {}) {
        engine = std::make_unique<Engine>(config, source, control, alerts, std::move(allow));
        run_replay(*engine, source);
    }
    std::vector<Alert> ransomware() const {
        std::vector<Alert> out;
        for (const Alert& a : alerts.alerts)
            if (a.type == "ransomware") out.push_back(a);
        return out;
    }
    // Writes that actually landed (opens allowed) among `paths`.
    int landed(const std::vector<std::string>& paths,
               const std::map<std::string, Bytes>& original) {
        int n = 0;
        for (const std::string& p : paths) {
            const Bytes* now = source.content(p);
            if (now == nullptr || *now != original.at(p)) ++n;
        }
        return n;
    }
};

}  // namespace vigie::guard::testing
