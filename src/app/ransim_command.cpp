#include "app/ransim_command.hpp"

#include <fmt/format.h>

#include <chrono>

#include "ransim/corpus.hpp"
#include "ransim/encrypt.hpp"
#include "ransim/recovery.hpp"
#include "ransim/strategies.hpp"

namespace vigie::app {
namespace {

int report_error(const core::Error& error) {
    fmt::print(stderr, "vigie ransim: {}\n", error.to_string());
    return 2;
}

double mebibytes(std::uint64_t bytes) {
    return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

}  // namespace

int run_ransim_generate(const RansimCommandOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    ransim::GenerateOptions generate;
    generate.files = options.files;
    generate.seed = options.seed;
    const auto report = ransim::generate(options.dir, generate);
    if (!report) return report_error(report.error());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string kinds;
    for (int k = 0; k < ransim::kFileKinds; ++k) {
        if (!kinds.empty()) kinds += ", ";
        kinds += fmt::format("{} {}", ransim::kind_extension(static_cast<ransim::FileKind>(k)),
                             report->per_kind[static_cast<std::size_t>(k)]);
    }
    fmt::print("ransim: generated {} files ({:.1f} MiB) in {} in {:.1f} s, corpus {}\n  {}\n",
               report->files, mebibytes(report->bytes), options.dir, seconds, report->corpus_id,
               kinds);
    return 0;
}

int run_ransim_encrypt(const RansimCommandOptions& options) {
    const auto strategy = ransim::parse_strategy(options.strategy);
    if (!strategy) {
        fmt::print(stderr,
                   "vigie ransim: unknown strategy '{}' (`vigie ransim strategies` lists them)\n",
                   options.strategy);
        return 2;
    }
    ransim::EncryptOptions encrypt;
    encrypt.strategy = *strategy;
    encrypt.workers = options.workers;
    if (options.delay_ms >= 0) encrypt.delay_ms = static_cast<unsigned>(options.delay_ms);
    if (options.limit >= 0) encrypt.limit = static_cast<std::uint64_t>(options.limit);
    encrypt.key_dir = options.key_dir;
    encrypt.allow_links_in = options.allow_links_in;
    const auto report = ransim::encrypt(options.dir, encrypt);
    if (!report) return report_error(report.error());
    for (const ransim::SkippedEntry& skipped : report->skipped) {
        fmt::print(stderr, "vigie ransim: skipped {}: {}\n", skipped.path, skipped.reason);
    }
    fmt::print("ransim: {} encrypted {} of {} files in {}{}; key and progress log in {}\n",
               options.strategy, report->encrypted, report->planned, options.dir,
               report->worker_pids.empty()
                   ? std::string()
                   : fmt::format(" with {} worker processes", report->worker_pids.size()),
               report->key_dir);
    return 0;
}

int run_ransim_decrypt(const RansimCommandOptions& options) {
    ransim::DecryptOptions decrypt;
    decrypt.key_dir = options.key_dir;
    decrypt.allow_links_in = options.allow_links_in;
    const auto report = ransim::decrypt(options.dir, decrypt);
    if (!report) return report_error(report.error());
    for (const ransim::SkippedEntry& lost : report->unrecoverable) {
        fmt::print(stderr, "vigie ransim: cannot restore {}: {}\n", lost.path, lost.reason);
    }
    fmt::print("ransim: {}: restored {} files, {} were intact, {} leftovers removed{}\n",
               report->strategy, report->restored, report->intact, report->leftovers_removed,
               report->unrecoverable.empty() ? std::string("; key and progress log removed")
                                             : fmt::format("; {} files NOT restored (key kept)",
                                                           report->unrecoverable.size()));
    return report->unrecoverable.empty() ? 0 : 1;
}

int run_ransim_verify(const RansimCommandOptions& options) {
    const auto report = ransim::verify(options.dir);
    if (!report) return report_error(report.error());
    for (const std::string& path : report->missing) fmt::print("missing {}\n", path);
    for (const std::string& path : report->changed) fmt::print("changed {}\n", path);
    for (const std::string& path : report->extra) fmt::print("extra {}\n", path);
    if (report->clean()) {
        fmt::print("ransim: all {} files identical to the manifest\n", report->files);
        return 0;
    }
    fmt::print("ransim: {} of {} files identical; {} missing, {} changed, {} extra entries\n",
               report->identical, report->files, report->missing.size(), report->changed.size(),
               report->extra.size());
    return 1;
}

int run_ransim_strategies() {
    for (const ransim::StrategyInfo& info : ransim::strategy_table()) {
        fmt::print("{:<26} {}\n", info.name, info.description);
    }
    return 0;
}

}  // namespace vigie::app
