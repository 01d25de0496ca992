#include "app/restore_command.hpp"

#include <fmt/format.h>

#include "core/time.hpp"
#include "guard/restore.hpp"

namespace vigie::app {
namespace {

std::string iso_of_unix_ns(std::int64_t ns) {
    const auto ticks = static_cast<core::FileTimeTicks>(ns / 100) +
                       core::kFileTimeUnixEpochSeconds * core::kTicksPerSecond;
    return core::format_iso8601_micros(ticks);
}

}  // namespace

int run_restore_command(const RestoreCommandOptions& o) {
    guard::RestoreOptions options;
    options.journal = o.journal;
    options.actors = o.actors;
    options.clients = o.clients;
    options.path_prefix = o.path;
    options.all = o.all;
    options.dry_run = o.dry_run;
    if (!o.since.empty()) {
        const auto ticks = core::parse_iso8601(o.since);
        if (!ticks) {
            fmt::print(stderr, "vigie restore: --since: not an ISO 8601 time: {}\n", o.since);
            return 2;
        }
        const std::int64_t unix_ticks =
            static_cast<std::int64_t>(*ticks) -
            static_cast<std::int64_t>(core::kFileTimeUnixEpochSeconds * core::kTicksPerSecond);
        options.since_ns = unix_ticks * 100;
    }
    auto report = guard::restore(options);
    if (!report) {
        fmt::print(stderr, "vigie restore: {}\n", report.error().to_string());
        return 2;
    }
    for (const guard::RestoreStep& s : report->steps) {
        if (s.ok)
            fmt::print("{}: {}\n", s.path, s.action);
        else
            fmt::print("{}: {}: {}\n", s.path, s.action, s.reason);
    }
    fmt::print(stderr,
               "vigie restore: {} records selected; {} steps {}, {} failed; {} already as they "
               "were{}\n",
               report->records, report->steps.size() - report->failures(),
               o.dry_run ? "to do" : "done", report->failures(), report->unchanged,
               report->damaged_lines
                   ? fmt::format("; {} damaged journal lines ignored", report->damaged_lines)
                   : std::string());
    return report->failures() == 0 ? 0 : 1;
}

int run_journal_command(const std::string& journal, bool files) {
    std::uint64_t damaged = 0;
    auto actors = guard::summarise_journal(journal, &damaged);
    if (!actors) {
        fmt::print(stderr, "vigie journal: {}\n", actors.error().to_string());
        return 2;
    }
    fmt::print("{:<24} {:<15} {:<27} {:<27} {:>8} {:>12} {:>7} {:>7} {:>7} {:>7}\n", "actor",
               "client", "first", "last", "contents", "bytes", "creates", "renames", "deletes",
               "skipped");
    for (const guard::ActorSummary& a : *actors) {
        fmt::print("{:<24} {:<15} {:<27} {:<27} {:>8} {:>12} {:>7} {:>7} {:>7} {:>7}\n", a.actor,
                   a.client.empty() ? "-" : a.client, iso_of_unix_ns(a.first_ns),
                   iso_of_unix_ns(a.last_ns), a.contents, a.content_bytes, a.creates, a.renames,
                   a.deletes, a.skipped);
        if (files)
            for (const std::string& p : a.paths) fmt::print("    {}\n", p);
    }
    if (damaged) fmt::print(stderr, "vigie journal: {} damaged lines ignored\n", damaged);
    return 0;
}

}  // namespace vigie::app
