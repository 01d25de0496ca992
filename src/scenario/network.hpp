// scenario/network.hpp - the hospital's hosts and accounts, its calendar and the scenario's
// random numbers.
//
// "CHU" is a small French hospital, domain chu.local: a domain controller, a file server holding
// the shares, a backup server and N workstations named after their departments, with the staff
// who use them (nurses, doctors, admin staff), an IT admin (adm-it), service accounts and the
// machine accounts. Everything is drawn from one seeded generator, so a seed fixes the network.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vigie::scenario {

using Ticks = core::FileTimeTicks;
constexpr Ticks kSecond = core::kTicksPerSecond;
constexpr Ticks kMinute = 60 * kSecond;
constexpr Ticks kHour = 60 * kMinute;
constexpr Ticks kDay = 24 * kHour;

/// Deterministic pseudo-random numbers (SplitMix64): the same on every platform and compiler,
/// unlike std:: distributions.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    /// Uniform in [0, n); 0 when n is 0.
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
    /// Uniform in [lo, hi].
    std::int64_t between(std::int64_t lo, std::int64_t hi);
    /// True with probability `percent` / 100.
    bool chance(double percent);
    template <typename T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }
    /// Upper-case hexadecimal digits.
    std::string hex(int digits);

  private:
    std::uint64_t state_;
};

enum class Role { kDomainController, kFileServer, kBackupServer, kWorkstation };

struct Host {
    std::string name;     ///< "PC-ACCUEIL-07"
    std::string fqdn;     ///< "PC-ACCUEIL-07.chu.local"
    std::string address;  ///< "10.20.4.57"
    std::string department;
    Role role = Role::kWorkstation;
    std::string sid;          ///< machine account SID
    std::string guid_prefix;  ///< 8 hex digits Sysmon puts first in this host's GUIDs
    std::uint32_t lsass_pid = 0;
    std::uint32_t sysmon_pid = 0;
    std::uint32_t services_pid = 0;
    std::uint32_t defender_pid = 0;
    std::uint32_t powershell_pid = 0;  ///< last PowerShell host process, for 4104
    bool server() const { return role != Role::kWorkstation; }
    std::string account() const { return name + "$"; }
};

enum class AccountKind { kStaff, kItAdmin, kService };

struct User {
    std::string name;  ///< "m.durand"
    std::string full_name;
    std::string sid;
    AccountKind kind = AccountKind::kStaff;
    std::string workstation;  ///< staff: the PC they use
    int shift = 0;            ///< staff: 0 day (07-15), 1 afternoon (13-21), 2 office hours (08-17)
    bool weekend = false;     ///< staff: works on Saturday and Sunday
    bool admin() const { return kind == AccountKind::kItAdmin; }
};

/// A Kerberos service with an SPN, run by a service account.
struct ServiceAccount {
    std::string account;  ///< "svc-sql"
    std::string spn;      ///< "MSSQLSvc/SRV-SAUVEGARDE.chu.local:1433"
    std::string host;     ///< the server that asks for tickets to it in normal use
};

struct Network {
    static constexpr const char* kDomain = "CHU";
    static constexpr const char* kDnsDomain = "chu.local";
    static constexpr const char* kRealm = "CHU.LOCAL";
    std::string domain_sid;  ///< S-1-5-21-a-b-c
    std::vector<Host> hosts;
    std::vector<User> users;
    std::vector<ServiceAccount> services;
    Ticks start = 0;  ///< 00:00 UTC of the first day

    const Host* host(const std::string& name) const;
    const Host& dc() const { return hosts[0]; }
    const Host& file_server() const { return hosts[1]; }
    const Host& backup_server() const { return hosts[2]; }
    const User* user(const std::string& name) const;
    const User& it_admin() const;
    /// The workstation the IT admin works from (PC-ADMIN-01, else the last workstation).
    const Host& it_workstation() const;
    /// Staff who use `workstation`.
    std::vector<const User*> staff_of(const std::string& workstation) const;
    /// `day` (0-based) at hh:mm:ss.
    Ticks at(int day, int hour, int minute, int second = 0) const;
};

/// The network for `workstations` PCs (at least 1); the first is always PC-ACCUEIL-07,
/// 10.20.4.57. `start` is the first day at 00:00 UTC.
Network build_network(int workstations, Ticks start, std::uint64_t seed);

/// Day of the week of `day`, 0 Monday .. 6 Sunday.
int weekday(const Network& net, int day);

}  // namespace vigie::scenario
