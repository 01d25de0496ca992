// scenario/intrusion.hpp - the TA505 -> Clop intrusion, day by day.
//
// As CERT-FR described Rouen 2019 (CERTFR-2020-CTI-006), from the scenario's Monday (day 1):
//   day 2  phishing Excel macro on PC-ACCUEIL-07 (m.durand): cmd/powershell -enc, msiexec of a
//          remote MSI, an SDBbot-like loader with a Run key, a FlawedAmmyy-like service;
//   day 3  AD discovery (AdFind, net group, nltest, dsquery), a Cobalt Strike beacon pipe; the
//          IT admin connects to the PC over RDP to help, leaving adm-it's credentials in LSASS;
//   day 4  LSASS read by a Mimikatz-like tool, Kerberoasting, adm-it tried with net use;
//   day 5  PsExec with adm-it to the servers and several PCs within an hour, a remote scheduled
//          task and a DCSync on DC01;
//   day 6  recovery inhibited on the file and backup servers (shadow copies, boot recovery,
//          backup catalog, services stopped, Defender off, logs cleared), Clop services;
//   day 7  Clop runs with "runrun": ransom notes and .CIop files locally and over SMB.
// Steps on days past the scenario's last day are left out. Logs are as a collector kept them:
// the 1102/104 clearing events are there, and so is everything logged before them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "scenario/benign.hpp"

namespace vigie::scenario {

struct IntrusionResult {
    Ticks first_attack = 0;
    Ticks encryption_start = 0;
    std::set<std::string> attacked;  ///< short host names
};

/// Appends the intrusion's events for days [0, days) to the recorder. `sessions` are the PC
/// sessions of the benign activity (the victim's macro runs inside hers).
IntrusionResult add_intrusion(Recorder& r, int days, const std::vector<ActiveSession>& sessions);

/// The attack's steps, shared by intrusion.cpp (days 2-4) and spread.cpp (days 5-7).
class Intrusion {
  public:
    Intrusion(Recorder& r, const std::vector<ActiveSession>& sessions);
    IntrusionResult run(int days);

  private:
    // intrusion.cpp
    void phishing(int day);
    void discovery(int day);
    void credential_theft(int day);
    // spread.cpp
    void lateral_movement(int day);
    void inhibit_recovery(int day);
    void encryption(int day);
    void psexec(const Host& target, Ticks t, bool first);
    void rdp_in(const Host& server, Ticks t, Session& session, Process& explorer);

    /// The victim's session on `day`, or a new one if she did not log on.
    ActiveSession victim_session(int day);
    /// The machine's SYSTEM RAT (FlawedAmmyy-like) spawns a shell.
    Process rat_shell(Ticks t);
    void touched(const Host& h) { result_.attacked.insert(h.name); }

    Recorder& r_;
    const Network& net_;
    Rng& rng_;
    const std::vector<ActiveSession>& sessions_;
    const Host& pc_;  ///< PC-ACCUEIL-07, 10.20.4.57
    const User& victim_;
    Process loader_;  ///< SDBbot-like, in the victim's session
    Process rat_;     ///< FlawedAmmyy-like service, SYSTEM
    Process beacon_;  ///< Cobalt Strike
    IntrusionResult result_;
};

/// Standard base64 of `text` as UTF-16LE, the form powershell -enc takes.
std::string encode_powershell(const std::string& text);

}  // namespace vigie::scenario
