// The `vigie` binary: parses arguments into a command's options, runs it, returns its status.
// Exit status: 0 success (hunt: detections found), 1 nothing found (ransim: differences
// remain), 2 error.
#include <fmt/format.h>
#include <malloc.h>
#include <CLI/CLI.hpp>

#include <csignal>

#include "app/demo_command.hpp"
#include "app/dump_command.hpp"
#include "app/guard_command.hpp"
#include "app/hunt_command.hpp"
#include "app/ransim_command.hpp"
#include "app/restore_command.hpp"
#include "app/rules_command.hpp"
#include "app/watch_command.hpp"

namespace {

// The options every hunting command shares (`hunt`, `report`).
void add_hunting_options(CLI::App* cmd, vigie::app::HuntCommandOptions& hunt) {
    // One value per occurrence (-r A -r B): a list option would swallow the input paths.
    cmd->add_option("--rules,-r", hunt.rules, "Sigma rule file or folder (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    cmd->add_option("--filters", hunt.filters,
                    "Sigma filter file or folder, applied to the rules (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    cmd->add_option("--placeholders", hunt.placeholders,
                    "YAML file with values for %placeholders% (expand modifier)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--min-level", hunt.min_level, "Lowest rule level to report")
        ->check(CLI::IsMember({"informational", "low", "medium", "high", "critical"}))
        ->capture_default_str();
    cmd->add_option("--from", hunt.from, "Ignore events before this time (ISO 8601, UTC)");
    cmd->add_option("--to", hunt.to, "Ignore events after this time (ISO 8601, UTC)");
    cmd->add_option("--input-format", hunt.input_format, "JSON input shape")
        ->check(
            CLI::IsMember({"auto", "evtx-json", "ecs", "flat", "nxlog", "openwec", "openwec-raw"}))
        ->capture_default_str();
    cmd->add_flag("--summary", hunt.summary,
                  "Print the summary on standard error (default on a terminal)");
    cmd->add_flag("--no-summary", hunt.no_summary, "Never print the summary");
    cmd->add_flag("--stats", hunt.stats,
                  "Print per-file reading statistics on standard error (records failed, "
                  "constructs skipped)");
    cmd->add_flag("!--no-progress", hunt.progress, "No progress bar");
    cmd->add_flag("--recover", hunt.recover, "EVTX: also recover records from slack space");
    cmd->add_option("--lang", hunt.language,
                    "Language of the host picture and the report: en or fr (default: from LANG)");
    cmd->add_option("--threads", hunt.threads, "Threads (0: one per core)")->capture_default_str();
    cmd->add_option("PATH", hunt.paths, "Event log files or folders")->required();
}

int run(int argc, char** argv) {
    CLI::App app{"vigie: early warning and file protection against human-operated ransomware"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "vigie 0.1.0");

    vigie::app::DumpOptions dump;
    CLI::App* dump_cmd = app.add_subcommand("dump", "Print the events of EVTX files, one per line");
    dump_cmd->add_option("--format", dump.format, "Output format")
        ->check(CLI::IsMember({"jsonl", "xml"}))
        ->capture_default_str();
    dump_cmd->add_flag(
        "--recover", dump.recover,
        "Also recover records from chunk slack space and chunks past the header's count");
    dump_cmd->add_option("--threads", dump.threads, "Parsing threads (0: one per core)")
        ->capture_default_str();
    dump_cmd->add_flag("--stats", dump.stats, "Print per-file statistics on standard error");
    dump_cmd->add_option("FILE", dump.files, "EVTX files")->required()->check(CLI::ExistingFile);

    vigie::app::HuntCommandOptions hunt;
    CLI::App* hunt_cmd = app.add_subcommand(
        "hunt", "Run Sigma rules over event logs (EVTX, JSON/JSONL) and print a timeline");
    add_hunting_options(hunt_cmd, hunt);
    hunt_cmd->add_option("--format", hunt.format, "Timeline format")
        ->check(CLI::IsMember({"table", "csv", "jsonl"}))
        ->capture_default_str();
    hunt_cmd->add_option("-o,--output", hunt.output, "Write the timeline to FILE");
    hunt_cmd->add_flag("--hosts", hunt.hosts,
                       "Print the per-host picture (stage on the ransomware path, urgency, "
                       "lateral movement) instead of the timeline; JSON lines with --format jsonl");
    hunt_cmd->add_option("--report", hunt.report,
                         "Also write the HTML report (as `vigie report`) to FILE");

    vigie::app::HuntCommandOptions report;
    report.report_only = true;
    CLI::App* report_cmd = app.add_subcommand(
        "report",
        "Hunt event logs as `vigie hunt` does and write one self-contained HTML page: what to "
        "do now, the ransomware path per host, the lateral-movement graph, the timeline");
    add_hunting_options(report_cmd, report);
    report_cmd->add_option("-o,--output", report.report, "The HTML file to write")->required();

    vigie::app::DemoCommandOptions demo;
    CLI::App* demo_cmd = app.add_subcommand(
        "demo",
        "Generate a week of a small hospital's Windows logs with a Clop-style intrusion, hunt "
        "it with the built-in rules, print the urgent hosts and write the HTML report");
    demo_cmd->add_option("-o,--output", demo.output,
                         "Folder for the generated EVTX files (default: a new one in $TMPDIR)");
    demo_cmd->add_option("--seed", demo.seed, "Scenario seed")->capture_default_str();
    demo_cmd->add_flag("--benign-only", demo.benign_only, "The normal week alone, no intrusion");
    demo_cmd->add_option("--lang", demo.language, "en or fr (default: from LANG)");
    demo_cmd->add_option("--threads", demo.threads, "Threads (0: one per core)");
    demo_cmd->add_option(
        "--report", demo.report,
        "The HTML report of the week (default: vigie-report.html beside the logs)");

    vigie::app::RulesCheckOptions rules_check;
    CLI::App* rules_cmd = app.add_subcommand("rules", "Work with Sigma rules");
    rules_cmd->require_subcommand(1);
    CLI::App* check_cmd =
        rules_cmd->add_subcommand("check", "Load rules and report each one loaded or rejected");
    check_cmd
        ->add_option("--placeholders", rules_check.placeholders,
                     "YAML file with values for %placeholders% (expand modifier)")
        ->check(CLI::ExistingFile);
    check_cmd
        ->add_option("--filters", rules_check.filters, "Sigma filter file or folder (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
    check_cmd->add_flag("--rejected-only", rules_check.rejected_only,
                        "List only rejected rules (and the totals)");
    check_cmd->add_option("PATH", rules_check.paths, "Rule files or folders")->required();

    vigie::app::GuardCommandOptions guard;
    CLI::App* guard_cmd = app.add_subcommand(
        "guard",
        "Watch file trees (fanotify, as root) and stop any process that starts encrypting them");
    guard_cmd->add_option("--protect", guard.protect, "Directory to protect (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    guard_cmd->add_option("--journal", guard.journal,
                          "Guard's own directory (alerts; outside the protected trees)");
    guard_cmd->add_option("--config", guard.config, "YAML configuration file")
        ->check(CLI::ExistingFile);
    guard_cmd->add_option("--alerts", guard.alerts,
                          "JSON-lines alert file (default: JOURNAL/alerts.jsonl)");
    guard_cmd
        ->add_option("--allow", guard.allow, "Trusted programs: one per line, PATH [sha256:HEX]")
        ->check(CLI::ExistingFile);
    guard_cmd->add_option("--policy", guard.policy, "After suspending an actor: kill or suspend")
        ->check(CLI::IsMember({"kill", "suspend"}))
        ->capture_default_str();
    guard_cmd->add_option("--threshold", guard.threshold, "Actor score that triggers (100)");
    guard_cmd->add_flag("--dry-run", guard.dry_run, "Alert only: never signal or deny");
    guard_cmd
        ->add_option("--block-minutes", guard.block_minutes,
                     "SMB: refuse new connections from a stopped client this long (0: never)")
        ->capture_default_str();
    guard_cmd
        ->add_option("--journal-max-mb", guard.journal_max_mb,
                     "Journal size limit (blobs and deleted files)")
        ->capture_default_str();
    guard_cmd->add_option("--journal-max-hours", guard.journal_max_hours, "Journal age limit")
        ->capture_default_str();
    guard_cmd->add_flag("--decoys", guard.decoys,
                        "Plant hidden decoy files in the trees (listed in the journal)");
    guard_cmd->add_flag("!--no-syslog", guard.syslog, "Do not send alerts to syslog");
    guard_cmd->add_option("--ready-file", guard.ready_file,
                          "Write the guard's pid to FILE once it watches everything");
    guard_cmd->add_option("--record", guard.record,
                          "Also write the event stream (JSON lines) for --replay");
    guard_cmd
        ->add_option("--replay", guard.replay,
                     "Run the engine over a recorded event stream (JSON lines), dry run")
        ->check(CLI::ExistingFile);

    vigie::app::RestoreCommandOptions restore;
    CLI::App* restore_cmd = app.add_subcommand(
        "restore", "Undo what actors did to protected files, from the guard's journal");
    restore_cmd->add_option("--journal", restore.journal, "The guard's journal directory")
        ->required()
        ->check(CLI::ExistingDirectory);
    restore_cmd->add_option("--actor", restore.actors, "Actor ID from an alert (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    restore_cmd
        ->add_option("--client", restore.clients,
                     "Only what SMB sessions from this client address did (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    restore_cmd->add_option("--since", restore.since, "Only changes at or after this time (UTC)");
    restore_cmd->add_option("--path", restore.path, "Only changes under this path");
    restore_cmd->add_flag("--all", restore.all, "Everything the journal holds");
    restore_cmd->add_flag("--dry-run", restore.dry_run, "Say what would be done, do nothing");

    std::string journal_dir;
    bool journal_files = false;
    CLI::App* journal_cmd =
        app.add_subcommand("journal", "List the actors in the guard's journal and what it kept");
    journal_cmd->add_option("--journal", journal_dir, "The guard's journal directory")
        ->required()
        ->check(CLI::ExistingDirectory);
    journal_cmd->add_flag("--files", journal_files, "Also list each actor's files");

    vigie::app::RansimCommandOptions ransim;
    CLI::App* ransim_cmd = app.add_subcommand(
        "ransim",
        "A safe ransomware simulator to test the guard, confined to a corpus it generates");
    ransim_cmd->require_subcommand(1);
    CLI::App* ransim_generate = ransim_cmd->add_subcommand(
        "generate", "Generate a hospital-like test corpus (marker and manifest included)");
    ransim_generate->add_option("DIR", ransim.dir, "New or empty directory")->required();
    ransim_generate->add_option("--files", ransim.files, "Number of files")->capture_default_str();
    ransim_generate->add_option("--seed", ransim.seed, "Content seed")->capture_default_str();
    CLI::App* ransim_encrypt = ransim_cmd->add_subcommand(
        "encrypt", "Encrypt a generated corpus the way ransomware does (key saved first)");
    ransim_encrypt->add_option("DIR", ransim.dir, "Generated corpus")->required();
    ransim_encrypt->add_option("--strategy", ransim.strategy, "See `vigie ransim strategies`")
        ->required();
    ransim_encrypt->add_option("--workers", ransim.workers, "multi-process: child processes")
        ->capture_default_str();
    ransim_encrypt->add_option("--delay-ms", ransim.delay_ms,
                               "Pause after each file (default 0; slow: 2000)");
    ransim_encrypt->add_option("--limit", ransim.limit, "Stop after N files");
    ransim_encrypt->add_option("--key-dir", ransim.key_dir,
                               "Key and progress log (default DIR/.vigie-ransim; elsewhere: "
                               "outside DIR)");
    ransim_encrypt->add_option("--allow-links-in", ransim.allow_links_in,
                               "Files whose other names are all in this directory (a guard's "
                               "journal) may be written");
    CLI::App* ransim_decrypt = ransim_cmd->add_subcommand(
        "decrypt", "Undo a run: decrypt, rename back, remove copies and notes");
    ransim_decrypt->add_option("DIR", ransim.dir, "Generated corpus")->required();
    ransim_decrypt->add_option("--allow-links-in", ransim.allow_links_in, "As for encrypt");
    ransim_decrypt->add_option("--key-dir", ransim.key_dir,
                               "Where the run kept its key (default DIR/.vigie-ransim)");
    CLI::App* ransim_verify = ransim_cmd->add_subcommand(
        "verify", "Compare the corpus with its manifest (exit 1 on any difference)");
    ransim_verify->add_option("DIR", ransim.dir, "Generated corpus")->required();
    CLI::App* ransim_strategies =
        ransim_cmd->add_subcommand("strategies", "List the encryption strategies");

    vigie::app::WatchCommandOptions watch;
    CLI::App* watch_cmd = app.add_subcommand(
        "watch",
        "The live daemon: receive Windows events (JSON lines over TCP, syslog, Elasticsearch "
        "_bulk, followed folders), hunt them with the rules, keep the host picture, alert");
    watch_cmd->add_option("--rules,-r", watch.rules, "Sigma rule file or folder (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    watch_cmd
        ->add_option("--filters", watch.filters,
                     "Sigma filter file or folder, applied to the rules (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    watch_cmd
        ->add_option("--placeholders", watch.placeholders,
                     "YAML file with values for %placeholders% (expand modifier)")
        ->check(CLI::ExistingFile);
    watch_cmd->add_option("--state", watch.state,
                          "Folder for the state database (detections, positions, alerts)");
    watch_cmd
        ->add_option("--listen-json", watch.listen_json,
                     "JSON lines over TCP on ADDR:PORT (repeatable; TLS with --tls-cert)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    watch_cmd
        ->add_option("--listen-syslog", watch.listen_syslog,
                     "Syslog over TCP (RFC 6587 framing) on ADDR:PORT (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    watch_cmd
        ->add_option("--listen-http", watch.listen_http,
                     "HTTP API and Elasticsearch _bulk input on ADDR:PORT (none: off)")
        ->capture_default_str();
    watch_cmd
        ->add_option("--follow", watch.follow,
                     "Folder whose EVTX and JSON files are read as they appear and grow "
                     "(repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    watch_cmd->add_option("--alerts", watch.alerts, "JSON-lines alert file");
    watch_cmd->add_flag("--syslog", watch.syslog, "Also send alerts to syslog");
    watch_cmd->add_option("--on-alert", watch.on_alert,
                          "Command run for each alert (/bin/sh -c), the JSON on its input");
    watch_cmd->add_option("--webhook", watch.webhook, "URL that each alert is POSTed to (JSON)");
    watch_cmd->add_flag("--notify-detections", watch.notify_detections,
                        "Also run --on-alert and --webhook for each detection, not only for "
                        "host alerts");
    watch_cmd->add_option("--tls-cert", watch.tls_cert, "PEM certificate chain for TLS inputs");
    watch_cmd->add_option("--tls-key", watch.tls_key, "PEM private key for TLS inputs");
    watch_cmd->add_option("--token-file", watch.token_file,
                          "File holding the bearer token the HTTP server requires");
    watch_cmd->add_option("--config", watch.config, "YAML configuration file (same keys)")
        ->check(CLI::ExistingFile);
    watch_cmd->add_option("--min-level", watch.min_level, "Lowest rule level to alert on")
        ->check(CLI::IsMember({"informational", "low", "medium", "high", "critical"}))
        ->capture_default_str();
    watch_cmd
        ->add_option("--host-alert-min", watch.host_alert_min,
                     "Raise a host alert when its urgency rises to at least: suspicious, "
                     "compromised, emergency (none: never)")
        ->capture_default_str();
    watch_cmd
        ->add_option("--lateness", watch.lateness_seconds,
                     "Seconds of event time that correlations wait for late events")
        ->capture_default_str();
    watch_cmd
        ->add_option("--idle-release-ms", watch.idle_release_ms,
                     "Inputs idle this long: correlate what waits without more waiting")
        ->capture_default_str();
    watch_cmd->add_option("--threads", watch.threads, "Matching threads (0: one per core)");
    watch_cmd
        ->add_option("--synchronous", watch.synchronous,
                     "normal: a commit survives a killed process; full: also a power cut")
        ->capture_default_str();
    watch_cmd
        ->add_option("--max-line-bytes", watch.max_line_bytes,
                     "Longest event accepted on a TCP input")
        ->capture_default_str();
    watch_cmd->add_option("--ready-file", watch.ready_file,
                          "Write pid and ports (JSON) to FILE once every input listens");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (*dump_cmd) return vigie::app::run_dump(dump);
    if (*check_cmd) return vigie::app::run_rules_check(rules_check);
    if (*hunt_cmd) return vigie::app::run_hunt_command(hunt);
    if (*report_cmd) return vigie::app::run_hunt_command(report);
    if (*demo_cmd) return vigie::app::run_demo_command(demo);
    if (*watch_cmd) return vigie::app::run_watch_command(watch);
    if (*guard_cmd) return vigie::app::run_guard_command(guard);
    if (*restore_cmd) return vigie::app::run_restore_command(restore);
    if (*journal_cmd) return vigie::app::run_journal_command(journal_dir, journal_files);
    if (*ransim_generate) return vigie::app::run_ransim_generate(ransim);
    if (*ransim_encrypt) return vigie::app::run_ransim_encrypt(ransim);
    if (*ransim_decrypt) return vigie::app::run_ransim_decrypt(ransim);
    if (*ransim_verify) return vigie::app::run_ransim_verify(ransim);
    if (*ransim_strategies) return vigie::app::run_ransim_strategies();
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    // A closed pipe (vigie dump x | head) ends output quietly instead of killing the process.
    std::signal(SIGPIPE, SIG_IGN);
    // Output buffers of a few hundred KiB are made and freed for every batch of chunks. Above
    // glibc's default threshold each one is a fresh mmap, zero-filled page by page, which
    // doubled the cost of `vigie dump`; keep such blocks in the heap for reuse instead.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        fmt::print(stderr, "vigie: internal error: {}\n", e.what());
        return 2;
    }
}
