#include "scenario/network.hpp"

#include <fmt/format.h>

#include <array>

namespace vigie::scenario {

std::uint64_t Rng::next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
}

bool Rng::chance(double percent) {
    return static_cast<double>(next() >> 11) * 0x1.0p-53 * 100.0 < percent;
}

std::string Rng::hex(int digits) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string s;
    for (int i = 0; i < digits; ++i) s.push_back(kDigits[next() & 15]);
    return s;
}

const Host* Network::host(const std::string& name) const {
    for (const Host& h : hosts) {
        if (h.name == name) return &h;
    }
    return nullptr;
}

const User* Network::user(const std::string& name) const {
    for (const User& u : users) {
        if (u.name == name) return &u;
    }
    return nullptr;
}

const User& Network::it_admin() const {
    return *user("adm-it");
}

const Host& Network::it_workstation() const {
    if (const Host* h = host("PC-ADMIN-01")) return *h;
    return hosts.back();
}

std::vector<const User*> Network::staff_of(const std::string& workstation) const {
    std::vector<const User*> out;
    for (const User& u : users) {
        if (u.kind == AccountKind::kStaff && u.workstation == workstation) out.push_back(&u);
    }
    return out;
}

Ticks Network::at(int day, int hour, int minute, int second) const {
    return start + static_cast<Ticks>(day) * kDay + static_cast<Ticks>(hour) * kHour +
           static_cast<Ticks>(minute) * kMinute + static_cast<Ticks>(second) * kSecond;
}

int weekday(const Network& net, int day) {
    // 1601-01-01 was a Monday.
    return static_cast<int>((net.start / kDay + static_cast<Ticks>(day)) % 7);
}

namespace {

struct Seat {
    const char* name;
    int last_octet;
    const char* department;
    // Two people per PC: name, full name, shift, works weekends.
    const char* user1;
    const char* full1;
    int shift1;
    bool weekend1;
    const char* user2;
    const char* full2;
    int shift2;
    bool weekend2;
};

constexpr std::array<Seat, 10> kSeats = {{
    {"PC-ACCUEIL-07", 57, "Accueil", "m.durand", "Marie Durand", 2, false, "c.petit",
     "Claire Petit", 1, true},
    {"PC-URGENCES-02", 32, "Urgences", "s.martin", "Sophie Martin", 0, true, "t.lefebvre",
     "Dr Thomas Lefebvre", 1, true},
    {"PC-RADIO-01", 41, "Radiologie", "j.bernard", "Julien Bernard", 0, true, "h.moreau",
     "Dr Helene Moreau", 2, false},
    {"PC-PHARMA-03", 63, "Pharmacie", "l.robert", "Luc Robert", 2, false, "a.richard",
     "Anne Richard", 0, true},
    {"PC-ADMIN-01", 21, "Administration", "n.dubois", "Nathalie Dubois", 2, false, "p.roux",
     "Pierre Roux", 2, false},
    {"PC-LABO-04", 74, "Laboratoire", "e.laurent", "Emma Laurent", 0, true, "f.simon",
     "Francois Simon", 1, false},
    {"PC-CARDIO-05", 85, "Cardiologie", "i.michel", "Isabelle Michel", 0, true, "g.leroy",
     "Dr Guillaume Leroy", 2, false},
    {"PC-PEDIA-06", 96, "Pediatrie", "c.garcia", "Camille Garcia", 0, true, "b.david",
     "Dr Bruno David", 2, false},
    {"PC-BLOC-08", 108, "Bloc operatoire", "v.bertrand", "Valerie Bertrand", 0, false, "o.morel",
     "Dr Olivier Morel", 2, false},
    {"PC-MATER-09", 119, "Maternite", "r.fournier", "Rose Fournier", 0, true, "k.girard",
     "Karine Girard", 1, true},
}};

constexpr std::array<const char*, 16> kSurnames = {
    "bonnet",  "dupont", "lambert", "fontaine", "rousseau", "vincent", "muller", "faure",
    "mercier", "blanc",  "guerin",  "boyer",    "garnier",  "perrin",  "robin",  "clement"};

}  // namespace

Network build_network(int workstations, Ticks start, std::uint64_t seed) {
    Rng rng(seed ^ 0x6E6574776F726BULL);
    Network net;
    net.start = start;
    net.domain_sid =
        fmt::format("S-1-5-21-{}-{}-{}", 1000000000 + rng.below(2000000000),
                    1000000000 + rng.below(2000000000), 1000000000 + rng.below(2000000000));
    std::uint32_t next_rid = 1000;
    auto add_host = [&](std::string name, std::string address, Role role, std::string dept) {
        Host h;
        h.fqdn = name + "." + Network::kDnsDomain;
        h.name = std::move(name);
        h.address = std::move(address);
        h.role = role;
        h.department = std::move(dept);
        h.sid = fmt::format("{}-{}", net.domain_sid, next_rid++);
        h.guid_prefix = rng.hex(8);
        auto pid = [&] { return static_cast<std::uint32_t>(rng.between(100, 1200) * 4); };
        h.lsass_pid = pid();
        h.sysmon_pid = pid();
        h.services_pid = pid();
        h.defender_pid = pid();
        h.powershell_pid = pid();
        net.hosts.push_back(std::move(h));
    };
    add_host("DC01", "10.20.0.10", Role::kDomainController, "Informatique");
    add_host("SRV-FICHIERS-01", "10.20.0.20", Role::kFileServer, "Informatique");
    add_host("SRV-SAUVEGARDE", "10.20.0.30", Role::kBackupServer, "Informatique");

    next_rid = 1100;
    auto add_user = [&](std::string name, std::string full, AccountKind kind, std::string pc,
                        int shift, bool weekend) {
        User u;
        u.name = std::move(name);
        u.full_name = std::move(full);
        u.kind = kind;
        u.sid = fmt::format("{}-{}", net.domain_sid, next_rid++);
        u.workstation = std::move(pc);
        u.shift = shift;
        u.weekend = weekend;
        net.users.push_back(std::move(u));
    };
    add_user("adm-it", "Administrateur informatique", AccountKind::kItAdmin, "", 2, false);
    add_user("svc-backup", "Compte de service sauvegarde", AccountKind::kService, "", 0, true);
    add_user("svc-sql", "Compte de service SQL", AccountKind::kService, "", 0, true);
    add_user("svc-pacs", "Compte de service PACS", AccountKind::kService, "", 0, true);
    add_user("svc-dpi", "Compte de service DPI", AccountKind::kService, "", 0, true);
    net.services = {
        {"svc-sql", "MSSQLSvc/SRV-SAUVEGARDE.chu.local:1433", "SRV-SAUVEGARDE"},
        {"svc-backup", "VeeamBackup/SRV-SAUVEGARDE.chu.local", "SRV-SAUVEGARDE"},
        {"svc-pacs", "HTTP/pacs.chu.local", "PC-RADIO-01"},
        {"svc-dpi", "HTTP/dpi.chu.local", "PC-URGENCES-02"},
    };

    next_rid = 1200;
    const int count = workstations < 1 ? 1 : workstations;
    for (int i = 0; i < count; ++i) {
        if (i < static_cast<int>(kSeats.size())) {
            const Seat& s = kSeats[static_cast<std::size_t>(i)];
            add_host(s.name, fmt::format("10.20.4.{}", s.last_octet), Role::kWorkstation,
                     s.department);
            add_user(s.user1, s.full1, AccountKind::kStaff, s.name, s.shift1, s.weekend1);
            add_user(s.user2, s.full2, AccountKind::kStaff, s.name, s.shift2, s.weekend2);
            continue;
        }
        const int n = i - static_cast<int>(kSeats.size()) + 10;
        const std::string name = fmt::format("PC-SOINS-{:02}", n);
        add_host(name, fmt::format("10.20.5.{}", 10 + n - 10), Role::kWorkstation, "Soins");
        for (int k = 0; k < 2; ++k) {
            const char* surname = kSurnames[static_cast<std::size_t>((2 * n + k) % 16)];
            const std::string user =
                fmt::format("{}.{}{}", static_cast<char>('a' + (n + 7 * k) % 26), surname, n);
            add_user(user, user, AccountKind::kStaff, name, k == 0 ? 0 : 1, k == 0);
        }
    }
    return net;
}

}  // namespace vigie::scenario
