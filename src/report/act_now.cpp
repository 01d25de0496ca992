// The first screen: decisions. Hosts to isolate come first, ranked by how far the attacker got
// (emergencies first, then the furthest stage, then the latest activity), then accounts.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/page_sections.hpp"

namespace vigie::report {
namespace {

int furthest_index(const hunt::HostReport& h) {
    const auto s = h.furthest();
    return s ? static_cast<int>(*s) : -1;
}

struct AccountUse {
    std::string name;  // as first seen
    std::set<std::string> hosts;
    std::uint64_t lateral = 0;  // lateral-movement detections with it
    core::FileTimeTicks last = 0;
    bool on_emergency = false;
};

std::string account_key(std::string_view name) {
    std::string key(name);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

// The action in a few words; the full advice follows the table once per kind.
std::pair<const char*, const char*> short_action(hunt::Urgency urgency) {
    switch (urgency) {
        case hunt::Urgency::kImpact:
            return {"Disconnect now (leave it switched on)",
                    "Débrancher maintenant (la laisser allumée)"};
        case hunt::Urgency::kInhibitRecovery:
            return {"Isolate now; protect the backups",
                    "Isoler maintenant ; protéger les sauvegardes"};
        case hunt::Urgency::kSpreading:
            return {"Isolate now; disable its accounts",
                    "Isoler maintenant ; désactiver ses comptes"};
        case hunt::Urgency::kCompromised:
            return {"Examine today; be ready to isolate",
                    "Examiner aujourd'hui ; préparer l'isolement"};
        default:
            return {"Check", "Vérifier"};
    }
}

// Each distinct piece of advice once, most urgent first, with the hosts it is for.
void write_advice(PageWriter& page, const std::vector<const hunt::HostReport*>& hosts) {
    std::vector<std::pair<std::string, std::string>> seen;
    page.raw("<dl class=\"advice-list\">\n");
    for (const hunt::HostReport* h : hosts) {
        std::pair<std::string, std::string> advice{hunt::host_advice(*h, hunt::Language::kEnglish),
                                                   hunt::host_advice(*h, hunt::Language::kFrench)};
        if (advice.first.empty() || std::find(seen.begin(), seen.end(), advice) != seen.end()) {
            continue;
        }
        seen.push_back(advice);
        page.raw("<dt>");
        write_urgency(page, h->urgency);
        page.raw("</dt><dd>");
        // The advice quotes account names from the logs: made visible before it is escaped.
        page.both(visible_text(advice.first, 800), visible_text(advice.second, 800));
        page.raw("</dd>\n");
    }
    page.raw("</dl>\n");
}

// `rank`: the row's place in the list; `anchor`: the host's ladder below (host-N).
void write_host_row(PageWriter& page, const PageContext& context, const hunt::HostReport& h,
                    std::size_t rank, std::size_t anchor) {
    const int stage = furthest_index(h);
    page.raw("<tr class=\"").raw(urgency_class(h.urgency)).raw("\" data-host=\"");
    page.text(visible_text(h.host, 200));
    page.raw("\" data-stage=\"").raw(std::to_string(stage)).raw("\"><td>");
    page.text(std::to_string(rank)).raw("</td><th scope=\"row\" class=\"host-name\">");
    page.log(h.host, 80);
    write_roles(page, context, h.host);
    page.raw("</th><td class=\"urgency\">");
    if (hunt::is_emergency(h.urgency))
        page.raw("<span class=\"badge\" aria-hidden=\"true\">!</span> ");
    write_urgency(page, h.urgency);
    page.raw("</td><td class=\"stage\">");
    if (stage >= 0) {
        write_stage_icon(page, stage);
        page.raw(" ");
        write_stage_name(page, static_cast<hunt::Stage>(stage));
    }
    page.raw("</td><td>");
    write_time(page, h.last);
    page.raw("</td><td class=\"advice\">");
    const auto [en, fr] = short_action(h.urgency);
    page.both(en, fr);
    page.raw(" <a href=\"#host-").raw(std::to_string(anchor)).raw("\">");
    page.both("Path", "Chemin").raw("</a></td></tr>\n");
}

}  // namespace

void write_act_now(PageWriter& page, const PageContext& context) {
    const hunt::HostPicture& picture = *context.input.picture;
    std::vector<const hunt::HostReport*> isolate, check;
    for (const hunt::HostReport& h : picture.hosts) {
        if (h.urgency >= hunt::Urgency::kCompromised) {
            isolate.push_back(&h);
        } else if (h.urgency == hunt::Urgency::kSuspicious) {
            check.push_back(&h);
        }
    }
    auto by_need = [](const hunt::HostReport* a, const hunt::HostReport* b) {
        const bool ea = hunt::is_emergency(a->urgency), eb = hunt::is_emergency(b->urgency);
        if (ea != eb) return ea;
        const int fa = furthest_index(*a), fb = furthest_index(*b);
        if (fa != fb) return fa > fb;
        if (a->last != b->last) return a->last > b->last;
        return a->host < b->host;
    };
    std::stable_sort(isolate.begin(), isolate.end(), by_need);
    std::stable_sort(check.begin(), check.end(), by_need);

    std::size_t emergencies = 0;
    for (const auto* h : isolate) emergencies += hunt::is_emergency(h->urgency) ? 1 : 0;

    page.raw(
        "<section id=\"act-now\" aria-labelledby=\"act-now-title\">\n<h2 id=\"act-now-title\">");
    page.both("Act now", "Agir maintenant").raw("</h2>\n<p class=\"verdict\">");
    if (emergencies > 0) {
        page.raw("<span class=\"badge\" aria-hidden=\"true\">!</span> ");
        page.both(
            fmt::format("{} host(s) in pre-ransomware emergency: isolate them now.", emergencies),
            fmt::format("{} machine(s) en urgence avant rançongiciel : isolez-les maintenant.",
                        emergencies));
    } else if (!isolate.empty()) {
        page.both(fmt::format("{} host(s) likely compromised: examine them today.", isolate.size()),
                  fmt::format("{} machine(s) probablement compromise(s) : à examiner aujourd'hui.",
                              isolate.size()));
    } else {
        page.both("No host shows attacker activity at the level read.",
                  "Aucune machine ne montre d'activité d'attaquant au niveau lu.");
    }
    page.raw("</p>\n");

    page.raw("<h3>").both("Hosts to isolate", "Machines à isoler").raw("</h3>\n");
    if (isolate.empty()) {
        page.raw("<p>").both("None.", "Aucune.").raw("</p>\n");
    } else {
        page.raw(
            "<table class=\"hosts\" id=\"isolate\"><thead><tr><th scope=\"col\">#</th><th "
            "scope=\"col\">");
        page.both("Host", "Machine").raw("</th><th scope=\"col\">");
        page.both("Status", "État").raw("</th><th scope=\"col\">");
        page.both("Furthest stage", "Étape la plus avancée").raw("</th><th scope=\"col\">");
        page.both("Last activity", "Dernière activité").raw("</th><th scope=\"col\">");
        page.both("Action", "Action").raw("</th></tr></thead><tbody>\n");
        std::size_t rank = 0;
        for (const hunt::HostReport* h : isolate) {
            const std::size_t anchor = static_cast<std::size_t>(h - picture.hosts.data()) + 1;
            write_host_row(page, context, *h, ++rank, anchor);
        }
        page.raw("</tbody></table>\n");
        write_advice(page, isolate);
    }
    if (!check.empty()) {
        page.raw("<h3>")
            .both("Hosts to check", "Machines à vérifier")
            .raw("</h3>\n<ul class=\"check\">");
        for (const hunt::HostReport* h : check) {
            const std::size_t rank = static_cast<std::size_t>(h - picture.hosts.data()) + 1;
            page.raw("<li><a href=\"#host-").raw(std::to_string(rank)).raw("\">");
            page.log(h->host, 80).raw("</a> (");
            write_time(page, h->last);
            page.raw(")</li>");
        }
        page.raw("</ul>\n");
    }

    // Accounts: those used to move between hosts first, then those seen on compromised hosts.
    std::map<std::string, AccountUse> accounts;
    for (const hunt::LateralEdge& e : picture.edges) {
        if (e.account.empty()) continue;
        AccountUse& a = accounts[account_key(e.account)];
        if (a.name.empty()) a.name = e.account;
        a.hosts.insert(e.target);
        if (!e.source.empty()) a.hosts.insert(e.source);
        a.lateral += e.detections;
        a.last = std::max(a.last, e.last);
    }
    for (const hunt::HostReport* h : isolate) {
        for (const std::string& name : h->accounts) {
            AccountUse& a = accounts[account_key(name)];
            if (a.name.empty()) a.name = name;
            a.hosts.insert(h->host);
            a.last = std::max(a.last, h->last);
            a.on_emergency = a.on_emergency || hunt::is_emergency(h->urgency);
        }
    }
    std::vector<const AccountUse*> ranked;
    for (const auto& [key, a] : accounts) ranked.push_back(&a);
    std::stable_sort(ranked.begin(), ranked.end(), [](const AccountUse* a, const AccountUse* b) {
        if ((a->lateral > 0) != (b->lateral > 0)) return a->lateral > 0;
        if (a->on_emergency != b->on_emergency) return a->on_emergency;
        if (a->hosts.size() != b->hosts.size()) return a->hosts.size() > b->hosts.size();
        return a->last > b->last;
    });
    page.raw("<h3>").both("Accounts to disable or reset", "Comptes à désactiver ou réinitialiser");
    page.raw("</h3>\n");
    if (ranked.empty()) {
        page.raw("<p>").both("None named in the detections.", "Aucun nommé dans les détections.");
        page.raw("</p>\n");
    } else {
        page.raw("<table class=\"accounts\" id=\"accounts\"><thead><tr><th scope=\"col\">");
        page.both("Account", "Compte").raw("</th><th scope=\"col\">");
        page.both("Why", "Pourquoi").raw("</th><th scope=\"col\">");
        page.both("Hosts", "Machines").raw("</th><th scope=\"col\">");
        page.both("Last seen", "Vu pour la dernière fois").raw("</th></tr></thead><tbody>\n");
        for (const AccountUse* a : ranked) {
            page.raw("<tr><th scope=\"row\">").log(a->name, 80).raw("</th><td>");
            if (a->lateral > 0) {
                page.both(
                    fmt::format("used to move between hosts ({} times): disable now", a->lateral),
                    fmt::format("utilisé pour passer d'une machine à l'autre ({} fois) : "
                                "à désactiver maintenant",
                                a->lateral));
            } else if (a->on_emergency) {
                page.both("used on a host in emergency: reset its password",
                          "utilisé sur une machine en urgence : changez son mot de passe");
            } else {
                page.both("used on a likely compromised host: check it",
                          "utilisé sur une machine probablement compromise : à vérifier");
            }
            page.raw("</td><td>");
            std::size_t shown = 0;
            for (const std::string& host : a->hosts) {
                if (shown == 8) {
                    page.text(fmt::format(" (+{})", a->hosts.size() - shown));
                    break;
                }
                if (shown++ > 0) page.raw(", ");
                page.log(host, 60);
            }
            page.raw("</td><td>");
            write_time(page, a->last);
            page.raw("</td></tr>\n");
        }
        page.raw("</tbody></table>\n");
    }
    page.raw("</section>\n");
}

}  // namespace vigie::report
