// hunt/host_picture.hpp - per host, how far an intrusion has gone on the way to ransomware.
//
//   hunt::HostPictureBuilder hosts;
//   ... hosts.add(detection, rules.rule_info(detection.rule)); ...   // in any order
//   const hunt::HostPicture picture = hosts.finish();               // hosts by urgency
//
// Each detection is placed on the ransomware path by its rule's ATT&CK tags:
//
//   initial access -> execution -> credential access -> discovery -> lateral movement
//                  -> inhibit recovery -> impact
//
// Tactic tags give the stage; a few technique tags refine it (T1490 inhibit system recovery,
// T1489 service stop, T1562 impair defences and T1070.001 log clearing are "inhibit recovery";
// T1486 data encrypted and T1491 defacement are "impact"). Informational detections (building
// blocks) do not move a host along the path. Lateral-movement detections also give edges:
// source (host or address), target host, account and method, from the detection's fields.
//
// A host is a pre-ransomware emergency when it reached "inhibit recovery" or "impact", or when
// it spread (an edge from it, or its own lateral-movement detection) after credential access
// was seen on it. The score adds a weight per stage reached, scaled by the highest level seen
// there, so that an analyst can see what it is made of.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "hunt/detection.hpp"
#include "sigma/rule.hpp"

namespace vigie::hunt {

enum class Stage : unsigned char {
    kInitialAccess,
    kExecution,
    kCredentialAccess,
    kDiscovery,
    kLateralMovement,
    kInhibitRecovery,
    kImpact,
};
inline constexpr std::size_t kStageCount = 7;

/// How urgently a host needs a person, from least to most.
enum class Urgency : unsigned char {
    kNone,             ///< only low-level detections
    kSuspicious,       ///< medium detections: check
    kCompromised,      ///< high or critical detections, or credential access / lateral movement
    kSpreading,        ///< spread to other hosts after credential access: emergency
    kInhibitRecovery,  ///< backups, shadow copies, logs or defences destroyed: emergency
    kImpact,           ///< encryption or ransom notes seen: the attack is firing
};

inline bool is_emergency(Urgency u) noexcept {
    return u >= Urgency::kSpreading;
}

/// The stages a rule's tags put a detection on (several for some rules).
std::vector<Stage> stages_of(const sigma::RuleInfo& rule);

struct StageSeen {
    bool reached = false;
    core::FileTimeTicks first = 0;
    core::FileTimeTicks last = 0;
    std::uint64_t detections = 0;
    sigma::Level max_level = sigma::Level::kInformational;
    std::vector<std::string> rules;  ///< rule titles, first seen first (at most 4)
};

struct TacticSeen {
    std::string tactic;  ///< as tagged: "credential-access"
    core::FileTimeTicks first = 0;
    core::FileTimeTicks last = 0;
    std::uint64_t detections = 0;
};

struct LateralEdge {
    std::string source;   ///< host name or address; empty when the event does not say
    std::string target;   ///< host name
    std::string account;  ///< empty when the event does not say
    std::string method;   ///< the rule's title
    core::FileTimeTicks first = 0;
    core::FileTimeTicks last = 0;
    std::uint64_t detections = 0;
};

struct HostReport {
    std::string host;  ///< the name as the logs give it (first seen)
    core::FileTimeTicks first = 0;
    core::FileTimeTicks last = 0;
    std::uint64_t detections = 0;
    std::array<std::uint64_t, 5> by_level{};
    std::array<StageSeen, kStageCount> stages{};
    std::vector<TacticSeen> tactics;    ///< in order of first appearance
    std::vector<std::string> accounts;  ///< accounts named in its detections (at most 8)
    int score = 0;
    Urgency urgency = Urgency::kNone;
    /// When the host became an emergency (0: it did not).
    core::FileTimeTicks emergency_since = 0;

    /// The furthest stage reached, or nullopt.
    std::optional<Stage> furthest() const;
};

struct HostPicture {
    std::vector<HostReport> hosts;   ///< most urgent first
    std::vector<LateralEdge> edges;  ///< by first time
};

class HostPictureBuilder {
  public:
    /// `correlation`: the detection sums up others (no event of its own to take an edge from).
    void add(const Detection& d, const sigma::RuleInfo& rule, bool correlation = false);
    /// Learns which host name an address belongs to from any detection that carries both (a
    /// network logon's WorkstationName and IpAddress), shown or not, so that edges known only
    /// by address can be named.
    void learn_address(const Detection& d);
    HostPicture finish() const;

  private:
    /// The few earliest distinct names of a stream seen in any order: the picture must not
    /// depend on the order detections arrive in (a live daemon gets them shuffled).
    struct EarliestNames {
        std::vector<std::pair<core::FileTimeTicks, std::string>> kept;  // at most `limit`
        void add(core::FileTimeTicks t, std::string_view name, std::size_t limit);
        std::vector<std::string> sorted() const;
    };
    struct HostState {
        HostReport report;
        std::map<std::string, std::size_t> tactic_index;
        core::FileTimeTicks name_time = 0;  ///< time of the detection that named the host
        EarliestNames accounts;
        std::array<EarliestNames, kStageCount> stage_rules;
    };
    HostState& host(const Detection& d);
    void add_edge(const Detection& d, const sigma::RuleInfo& rule);

    std::map<std::string, HostState> hosts_;            // by host key (upper-case short name)
    std::map<std::string, LateralEdge> edges_;          // by source, target, account, method
    std::map<std::string, std::string> address_names_;  // address -> host key, from the logs
};

/// "PC-ACCUEIL-07" from "pc-accueil-07.chu.local"; addresses are kept as they are.
std::string host_key(std::string_view name);

}  // namespace vigie::hunt
