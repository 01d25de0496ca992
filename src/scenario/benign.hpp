// scenario/benign.hpp - a day of ordinary activity in the hospital.
//
// Staff log on to their PCs by shifts (nights and weekends lighter), open Office documents,
// browse, use the patient record application and the file server's shares; Kerberos tickets
// and group policy refreshes flow to the domain controller; the IT admin works on the servers
// over RDP, reads logs over C$, runs PowerShell and nltest; software updaters install services
// and scheduled tasks; Defender updates its signatures; the backup server lists and creates
// shadow copies and its nightly job reads the shares with svc-backup. Much of it looks like
// what attackers do, which is the point: a good rule pack must stay quiet on it.
#pragma once

#include <vector>

#include "scenario/events.hpp"

namespace vigie::scenario {

/// A staff or admin session open on a PC, for the intrusion to act inside.
struct ActiveSession {
    const Host* host = nullptr;
    const User* user = nullptr;
    Session session;
    Process explorer;
    Process outlook;  ///< staff only
    Ticks begin = 0;
    Ticks end = 0;
};

/// Appends day `day`'s benign events of every host to the recorder; the PC sessions it opens
/// are appended to `sessions`.
void add_benign_day(Recorder& r, int day, std::vector<ActiveSession>& sessions);

}  // namespace vigie::scenario
