// Helpers for the watch engine tests: rules, events as JSON lines, what `vigie hunt` finds in
// the same files (computed in process), and waiting for the engine.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "evtx/file_reader.hpp"
#include "evtx/json_render.hpp"
#include "hunt/correlator.hpp"
#include "hunt/host_picture.hpp"
#include "hunt/host_report.hpp"
#include "hunt/hunter.hpp"
#include "hunt/input_files.hpp"
#include "hunt/timeline_sorter.hpp"
#include "sigma/rule_set.hpp"

namespace vigie::test {

/// (computer, record id, rule id): what the differential tests compare.
using DetectionKey = std::tuple<std::string, std::uint64_t, std::string>;

inline std::unique_ptr<sigma::RuleSet> load_pack() {
    auto rules = std::make_unique<sigma::RuleSet>();
    EXPECT_TRUE(rules->load_path(std::string(VIGIE_SOURCE_DIR) + "/rules"));
    rules->finalize();
    return rules;
}

/// Every event of an EVTX file as one JSON line in the evtx crate's shape.
inline std::vector<std::string> evtx_as_json_lines(const std::string& path) {
    std::vector<std::string> out;
    auto file = evtx::EvtxFile::open(path);
    EXPECT_TRUE(file) << path;
    if (!file) return out;
    evtx::ReadOptions options;
    options.threads = 1;
    evtx::JsonRenderer renderer;
    evtx::for_each_event<int>(
        *file, options,
        [&](const core::Event& e, const evtx::RecordInfo&, int&, unsigned) {
            std::string line;
            renderer.render(e, line);
            out.push_back(std::move(line));
        },
        [](int&&) {});
    return out;
}

struct HuntResult {
    std::multiset<DetectionKey> detections;
    std::string hosts_jsonl;
};

/// What `vigie hunt` shows for these paths: detections after correlation, and --hosts.
inline HuntResult hunt_in_process(const sigma::RuleSet& rules,
                                  const std::vector<std::string>& paths) {
    HuntResult result;
    const hunt::InputList inputs = hunt::collect_inputs(paths);
    hunt::HuntOptions options;
    options.threads = 1;
    hunt::TimelineSorter timeline;
    hunt::run_hunt(rules, inputs.files, options,
                   [&](hunt::Detection&& d) { EXPECT_TRUE(timeline.add(std::move(d))); });
    hunt::Correlator correlator(rules);
    hunt::HostPictureBuilder hosts;
    auto show = [&](hunt::Detection&& d) {
        hosts.add(d, rules.rule_info(d.rule), rules.correlation(d.rule) != nullptr);
        result.detections.emplace(d.computer, d.record_id, rules.rule_info(d.rule).id);
    };
    EXPECT_TRUE(timeline.finish([&](const hunt::Detection& d) {
        hosts.learn_address(d);
        correlator.add(d, show);
    }));
    result.hosts_jsonl = hunt::render_hosts_jsonl(hosts.finish());
    return result;
}

/// Polls `done` every 10 ms until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

/// A fresh folder under the temporary directory, removed at the end of the test.
class TempDir {
  public:
    explicit TempDir(const std::string& tag) {
        path_ = std::filesystem::temp_directory_path() /
                ("vigie-" + tag + "-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string str() const { return path_.string(); }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace vigie::test
