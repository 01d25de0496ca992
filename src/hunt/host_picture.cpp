#include "hunt/host_picture.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

namespace vigie::hunt {
namespace {

constexpr std::array<int, kStageCount> kStageWeight = {10, 10, 20, 10, 20, 30, 40};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (c == '_') c = '-';  // older rules write attack.initial_access
    }
    return out;
}

bool absent(std::string_view v) {
    return v.empty() || v == "-" || v == "::1" || v == "127.0.0.1" || same_name(v, "localhost");
}

std::string_view first_present(const Detection& d, std::initializer_list<std::string_view> names) {
    for (const std::string_view n : names) {
        const std::string_view v = key_field(d, n);
        if (!absent(v)) return v;
    }
    return {};
}

std::string_view source_name(const Detection& d) {
    return first_present(d, {"WorkstationName", "SourceHostname", "Workstation"});
}

std::string_view source_address(const Detection& d) {
    return first_present(
        d, {"IpAddress", "SourceAddress", "SourceIp", "ClientAddress", "SourceNetworkAddress"});
}

// An account a person (or an attacker) uses: not the machine's own (HOST$, SYSTEM, services).
bool person(std::string_view account) {
    return !absent(account) && !account.ends_with('$') && !same_name(account, "SYSTEM") &&
           !same_name(account, "LocalSystem") && !account.starts_with("NT AUTHORITY\\");
}

bool is_address(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':';
    }) && s.find_first_of(".:") != std::string_view::npos;
}

// "psexec.exe \\SRV-01 -u ..." / "wmic /node:SRV-01 ..." / "Invoke-Command -ComputerName SRV-01":
// the remote host a command line names, if any.
std::string remote_host_in(std::string_view command) {
    auto name_at = [&](std::size_t pos) {
        std::size_t end = pos;
        while (end < command.size() &&
               (std::isalnum(static_cast<unsigned char>(command[end])) || command[end] == '-' ||
                command[end] == '.' || command[end] == '_')) {
            ++end;
        }
        return std::string(command.substr(pos, end - pos));
    };
    const std::string low = lower(command);
    for (std::size_t pos = low.find("\\\\"); pos != std::string::npos;
         pos = low.find("\\\\", pos + 2)) {
        // \\host\share paths of UNC file names are not remote execution; \\host followed by a
        // space or the end is (psexec, sc, reg).
        const std::string host = name_at(pos + 2);
        const std::size_t after = pos + 2 + host.size();
        if (!host.empty() && (after >= command.size() || command[after] == ' ')) return host;
    }
    for (const std::string_view marker : {"/node:", "-computername ", "-r:", "/s "}) {
        const std::size_t pos = low.find(marker);
        if (pos == std::string::npos) continue;
        std::size_t start = pos + marker.size();
        if (start < command.size() && command[start] == '"') ++start;
        if (std::string host = name_at(start); !host.empty()) return host;
    }
    return {};
}

sigma::Level max_level(sigma::Level a, sigma::Level b) {
    return a < b ? b : a;
}

double level_factor(sigma::Level l) {
    switch (l) {
        case sigma::Level::kInformational:
            return 0;
        case sigma::Level::kLow:
            return 0.5;
        case sigma::Level::kMedium:
            return 1;
        case sigma::Level::kHigh:
            return 1.5;
        case sigma::Level::kCritical:
            return 2;
    }
    return 0;
}

// A stage seen through medium or higher rules: low ones (an administrator on C$) are context.
bool sure(const StageSeen& s) {
    return s.reached && s.max_level >= sigma::Level::kMedium;
}

void widen(core::FileTimeTicks t, core::FileTimeTicks& first, core::FileTimeTicks& last) {
    if (t == 0) return;
    if (first == 0 || t < first) first = t;
    last = std::max(last, t);
}

}  // namespace

std::string host_key(std::string_view name) {
    if (is_address(name)) return std::string(name);
    std::string key(name.substr(0, name.find('.')));
    for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return key;
}

std::vector<Stage> stages_of(const sigma::RuleInfo& rule) {
    bool stage[kStageCount] = {};
    bool specific = false;  // a technique placed it on inhibit recovery or impact
    for (const std::string& tag : rule.tags) {
        const std::string t = lower(tag);
        if (!t.starts_with("attack.")) continue;
        const std::string_view name = std::string_view(t).substr(7);
        auto technique = [&](std::string_view id) {
            return name == id ||
                   (name.starts_with(id) && name.size() > id.size() && name[id.size()] == '.');
        };
        if (technique("t1490") || technique("t1489") || technique("t1562") || name == "t1070.001") {
            stage[static_cast<int>(Stage::kInhibitRecovery)] = true;
            specific = true;
        } else if (technique("t1486") || technique("t1491") || technique("t1485")) {
            stage[static_cast<int>(Stage::kImpact)] = true;
            specific = true;
        }
    }
    for (const std::string& tag : rule.tags) {
        const std::string t = lower(tag);
        if (!t.starts_with("attack.")) continue;
        const std::string_view name = std::string_view(t).substr(7);
        if (name == "initial-access") {
            stage[static_cast<int>(Stage::kInitialAccess)] = true;
        } else if (name == "execution" || name == "persistence" || name == "privilege-escalation" ||
                   name == "command-and-control" || (name == "defense-evasion" && !specific)) {
            stage[static_cast<int>(Stage::kExecution)] = true;
        } else if (name == "credential-access") {
            stage[static_cast<int>(Stage::kCredentialAccess)] = true;
        } else if (name == "discovery") {
            stage[static_cast<int>(Stage::kDiscovery)] = true;
        } else if (name == "lateral-movement") {
            stage[static_cast<int>(Stage::kLateralMovement)] = true;
        } else if (name == "impact" && !specific) {
            stage[static_cast<int>(Stage::kImpact)] = true;
        }
    }
    std::vector<Stage> out;
    for (std::size_t i = 0; i < kStageCount; ++i) {
        if (stage[i]) out.push_back(static_cast<Stage>(i));
    }
    return out;
}

std::optional<Stage> HostReport::furthest() const {
    for (std::size_t i = kStageCount; i-- > 0;) {
        if (stages[i].reached) return static_cast<Stage>(i);
    }
    return std::nullopt;
}

namespace {

// Before `b` in the order the picture is built on: earlier first, unknown times (0) last,
// then by name, so that the result is the same for any order of arrival.
bool earlier(core::FileTimeTicks ta, std::string_view a, core::FileTimeTicks tb,
             std::string_view b) {
    if (ta != tb) {
        if (ta == 0 || tb == 0) return tb == 0;
        return ta < tb;
    }
    return a < b;
}

}  // namespace

void HostPictureBuilder::EarliestNames::add(core::FileTimeTicks t, std::string_view name,
                                            std::size_t limit) {
    for (auto& [time, kept_name] : kept) {
        if (kept_name != name) continue;
        if (earlier(t, name, time, name)) time = t;
        return;
    }
    if (kept.size() < limit) {
        kept.emplace_back(t, name);
        return;
    }
    // Full: the name takes the place of the latest kept, if it comes before it.
    auto latest = kept.begin();
    for (auto it = kept.begin(); it != kept.end(); ++it) {
        if (earlier(latest->first, latest->second, it->first, it->second)) latest = it;
    }
    if (earlier(t, name, latest->first, latest->second)) *latest = {t, std::string(name)};
}

std::vector<std::string> HostPictureBuilder::EarliestNames::sorted() const {
    auto order = kept;
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return earlier(a.first, a.second, b.first, b.second);
    });
    std::vector<std::string> out;
    for (auto& [t, name] : order) out.push_back(std::move(name));
    return out;
}

HostPictureBuilder::HostState& HostPictureBuilder::host(const Detection& d) {
    const std::string name = d.computer.empty() ? "(unknown)" : d.computer;
    HostState& h = hosts_[host_key(name)];
    // The name as the earliest detection gives it ("PC-01" and "pc-01.chu.local" are one host).
    if (h.report.host.empty() || earlier(d.timestamp, name, h.name_time, h.report.host)) {
        h.report.host = name;
        h.name_time = d.timestamp;
    }
    return h;
}

void HostPictureBuilder::add(const Detection& d, const sigma::RuleInfo& rule, bool correlation) {
    HostState& h = host(d);
    HostReport& r = h.report;
    ++r.detections;
    ++r.by_level[static_cast<std::size_t>(rule.level)];
    widen(d.timestamp, r.first, r.last);
    for (const std::string_view name :
         {"TargetUserName", "SubjectUserName", "User", "AccountName", "SamAccountName"}) {
        const std::string_view account = key_field(d, name);
        if (!person(account)) continue;
        h.accounts.add(d.timestamp, account, 8);
        break;
    }
    for (const std::string& tag : rule.tags) {
        const std::string t = lower(tag);
        if (!t.starts_with("attack.") || (t.size() > 8 && t[7] == 't' && std::isdigit(t[8]))) {
            continue;  // techniques are not tactics
        }
        const std::string tactic = t.substr(7);
        auto [it, inserted] = h.tactic_index.try_emplace(tactic, r.tactics.size());
        if (inserted) r.tactics.push_back({tactic, 0, 0, 0});
        TacticSeen& seen = r.tactics[it->second];
        ++seen.detections;
        widen(d.timestamp, seen.first, seen.last);
    }
    // Building blocks (informational) are context, not a step on the path.
    if (rule.level == sigma::Level::kInformational) return;
    const std::vector<Stage> stages = stages_of(rule);
    for (const Stage s : stages) {
        StageSeen& seen = r.stages[static_cast<std::size_t>(s)];
        seen.reached = true;
        ++seen.detections;
        seen.max_level = seen.detections == 1 ? rule.level : max_level(seen.max_level, rule.level);
        widen(d.timestamp, seen.first, seen.last);
        h.stage_rules[static_cast<std::size_t>(s)].add(d.timestamp, rule.title, 4);
    }
    if (!correlation &&
        std::find(stages.begin(), stages.end(), Stage::kLateralMovement) != stages.end()) {
        add_edge(d, rule);
    }
}

void HostPictureBuilder::add_edge(const Detection& d, const sigma::RuleInfo& rule) {
    LateralEdge e;
    const std::string_view server = key_field(d, "TargetServerName");  // 4648: logged on the source
    const std::string remote = remote_host_in(key_field(d, "CommandLine"));
    if (!absent(server) && host_key(server) != host_key(d.computer)) {
        e.source = d.computer;
        e.target = std::string(server);
    } else if (!remote.empty() && host_key(remote) != host_key(d.computer)) {
        e.source = d.computer;
        e.target = remote;
    } else {
        e.target = d.computer;
        learn_address(d);
        const std::string_view name = source_name(d);
        e.source = std::string(!name.empty() ? name : source_address(d));
    }
    for (const std::string_view name :
         {"TargetUserName", "SubjectUserName", "AccountName", "User"}) {
        const std::string_view account = key_field(d, name);
        if (person(account)) {
            e.account = std::string(account);
            break;
        }
    }
    e.method = rule.title;
    const std::string key =
        host_key(e.source) + '\x1f' + host_key(e.target) + '\x1f' + e.account + '\x1f' + e.method;
    auto [it, inserted] = edges_.try_emplace(key, e);
    LateralEdge& kept = it->second;
    // Named as the earliest detection names it, whatever the order of arrival.
    if (!inserted && (kept.first == 0 || (d.timestamp != 0 && d.timestamp < kept.first) ||
                      (d.timestamp == kept.first &&
                       std::tie(e.source, e.target) < std::tie(kept.source, kept.target)))) {
        kept.source = e.source;
        kept.target = e.target;
        kept.account = e.account;
    }
    ++kept.detections;
    widen(d.timestamp, kept.first, kept.last);
}

void HostPictureBuilder::learn_address(const Detection& d) {
    const std::string_view name = source_name(d);
    const std::string_view address = source_address(d);
    // A logon naming the machine it happened on (remote desktop with NLA does) says nothing
    // about the address.
    if (name.empty() || address.empty() || is_address(name) ||
        host_key(name) == host_key(d.computer)) {
        return;
    }
    // An address seen with two names (DHCP, NAT) stays unnamed: empty marks it.
    auto [it, fresh] = address_names_.try_emplace(std::string(address), host_key(name));
    if (!fresh && it->second != host_key(name)) it->second.clear();
}

HostPicture HostPictureBuilder::finish() const {
    HostPicture picture;
    for (const auto& [key, edge] : edges_) {
        LateralEdge e = edge;
        // An address the logs elsewhere tie to a workstation name: show both.
        if (const auto name = address_names_.find(e.source);
            name != address_names_.end() && !name->second.empty()) {
            e.source = name->second + " (" + e.source + ")";
        }
        picture.edges.push_back(std::move(e));
    }
    std::stable_sort(picture.edges.begin(), picture.edges.end(),
                     [](const LateralEdge& a, const LateralEdge& b) { return a.first < b.first; });

    for (const auto& [key, state] : hosts_) {
        HostReport r = state.report;
        r.accounts = state.accounts.sorted();
        for (std::size_t i = 0; i < kStageCount; ++i)
            r.stages[i].rules = state.stage_rules[i].sorted();
        std::stable_sort(r.tactics.begin(), r.tactics.end(),
                         [](const TacticSeen& a, const TacticSeen& b) {
                             return earlier(a.first, a.tactic, b.first, b.tactic);
                         });
        double score = 0;
        for (std::size_t i = 0; i < kStageCount; ++i) {
            if (r.stages[i].reached) score += kStageWeight[i] * level_factor(r.stages[i].max_level);
        }
        r.score = static_cast<int>(score + 0.5);
        const StageSeen& credentials = r.stages[static_cast<std::size_t>(Stage::kCredentialAccess)];
        core::FileTimeTicks spread = 0;  // first move out of this host after credential access
        if (credentials.reached) {
            for (const LateralEdge& e : picture.edges) {
                const std::string source = host_key(e.source.substr(0, e.source.find(' ')));
                if (source == key && e.last >= credentials.first) {
                    const core::FileTimeTicks t = std::max(e.first, credentials.first);
                    if (spread == 0 || t < spread) spread = t;
                }
            }
        }
        const StageSeen& impact = r.stages[static_cast<std::size_t>(Stage::kImpact)];
        const StageSeen& inhibit = r.stages[static_cast<std::size_t>(Stage::kInhibitRecovery)];
        if (impact.reached) {
            r.urgency = Urgency::kImpact;
        } else if (inhibit.reached) {
            r.urgency = Urgency::kInhibitRecovery;
        } else if (spread != 0) {
            r.urgency = Urgency::kSpreading;
        } else if (sure(credentials) ||
                   sure(r.stages[static_cast<std::size_t>(Stage::kLateralMovement)]) ||
                   r.by_level[3] + r.by_level[4] > 0) {
            r.urgency = Urgency::kCompromised;
        } else if (r.by_level[2] > 0) {
            r.urgency = Urgency::kSuspicious;
        }
        if (is_emergency(r.urgency)) {
            for (const core::FileTimeTicks t :
                 {impact.reached ? impact.first : 0, inhibit.reached ? inhibit.first : 0, spread}) {
                if (t != 0 && (r.emergency_since == 0 || t < r.emergency_since)) {
                    r.emergency_since = t;
                }
            }
        }
        picture.hosts.push_back(std::move(r));
    }
    std::sort(picture.hosts.begin(), picture.hosts.end(),
              [](const HostReport& a, const HostReport& b) {
                  if (a.urgency != b.urgency) return a.urgency > b.urgency;
                  if (a.score != b.score) return a.score > b.score;
                  if (a.last != b.last) return a.last > b.last;
                  return a.host < b.host;
              });
    return picture;
}

}  // namespace vigie::hunt
