#include "hunt/host_report.hpp"

#include <fmt/format.h>

#include <array>

#include "core/value.hpp"

namespace vigie::hunt {
namespace {

// Formats one line; the format is chosen at run time (English or French), so it is checked
// by the tests rather than by the compiler.
template <typename... Args>
void line(std::string& out, std::string_view format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), fmt::runtime(format), std::forward<Args>(args)...);
    out += '\n';
}

// "2019-11-15 02:13:09 UTC", or "-".
std::string when(core::FileTimeTicks t) {
    if (t == 0) return "-";
    std::string iso = core::format_iso8601_micros(t);
    if (iso.size() < 19) return iso;
    iso[10] = ' ';
    iso.resize(19);
    return iso + " UTC";
}

// "A -> B", or "A" alone when both are the same second.
std::string span(core::FileTimeTicks first, core::FileTimeTicks last) {
    const std::string a = when(first);
    const std::string b = when(last);
    return a == b ? a : a + " -> " + b;
}

std::string iso(core::FileTimeTicks t) {
    return t == 0 ? std::string() : core::format_iso8601_micros(t);
}

bool french(Language lang) {
    return lang == Language::kFrench;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const std::string& s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

}  // namespace

// What to do now, in the words of someone who has to pull the cable.
std::string host_advice(const HostReport& h, Language lang) {
    const std::string accounts = h.accounts.empty()
                                     ? (french(lang) ? "voir ci-dessous" : "see below")
                                     : join(h.accounts, ", ");
    switch (h.urgency) {
        case Urgency::kImpact:
            return french(lang)
                       ? "Débranchez cette machine du réseau maintenant (câble, Wi-Fi) et "
                         "laissez-la "
                         "allumée pour l'enquête. Demandez à chacun de ne plus ouvrir les partages "
                         "de fichiers, mettez les sauvegardes hors ligne et alertez le CERT Santé "
                         "(cyberveille-sante.gouv.fr) et votre responsable sécurité."
                       : "Disconnect this machine from the network now (cable, Wi-Fi) and leave it "
                         "switched on for the investigation. Tell staff to stop using file "
                         "shares, take the backups offline and call your incident response "
                         "contact (in France: CERT Santé, cyberveille-sante.gouv.fr).";
        case Urgency::kInhibitRecovery:
            return french(lang)
                       ? "Le chiffrement suit en général dans les heures qui viennent. Isolez "
                         "cette "
                         "machine du réseau maintenant, laissez-la allumée, mettez à l'abri les "
                         "sauvegardes qui restent (déconnectez-les) et appelez votre contact de "
                         "réponse à incident."
                       : "Encryption usually follows within hours. Isolate this machine from the "
                         "network now, leave it switched on, put the remaining backups out of "
                         "reach (disconnect them) and call your incident response contact.";
        case Urgency::kSpreading:
            return french(lang)
                       ? "Isolez cette machine du réseau, désactivez ou changez le mot de passe "
                         "des "
                         "comptes utilisés (" +
                             accounts +
                             ") et examinez les machines qu'elle a atteintes (ci-dessous)."
                       : "Isolate this machine from the network, disable or reset the accounts it "
                         "used (" +
                             accounts + ") and examine the machines it reached (below).";
        case Urgency::kCompromised:
            return french(lang)
                       ? "Activité d'attaquant probable : à examiner aujourd'hui avec les "
                         "détections ci-dessous ; préparez l'isolement de la machine."
                       : "Likely attacker activity: examine today with the detections below; be "
                         "ready to isolate the machine.";
        case Urgency::kSuspicious:
            return french(lang) ? "À vérifier : les détections peuvent avoir une explication "
                                  "légitime (logiciel, administrateur)."
                                : "To check: the detections may have a legitimate explanation "
                                  "(software, an administrator).";
        case Urgency::kNone:
            break;
    }
    return {};
}

std::optional<Language> parse_language(std::string_view text) {
    if (text == "en" || text == "english") return Language::kEnglish;
    if (text == "fr" || text == "french" || text == "francais" || text == "français")
        return Language::kFrench;
    return std::nullopt;
}

const char* stage_name(Stage stage, Language lang) {
    static constexpr std::array<const char*, kStageCount> kEnglish = {
        "initial access",   "execution",        "credential access",  "discovery",
        "lateral movement", "inhibit recovery", "impact (encryption)"};
    static constexpr std::array<const char*, kStageCount> kFrench = {
        "accès initial",       "exécution",           "vol d'identifiants",
        "reconnaissance",      "déplacement latéral", "sabotage de la restauration",
        "impact (chiffrement)"};
    const auto i = static_cast<std::size_t>(stage);
    return french(lang) ? kFrench[i] : kEnglish[i];
}

const char* urgency_label(Urgency urgency, Language lang) {
    const bool fr = french(lang);
    switch (urgency) {
        case Urgency::kImpact:
            return fr ? "ATTAQUE EN COURS : chiffrement ou demande de rançon"
                      : "ATTACK FIRING: encryption or ransom notes";
            break;
        case Urgency::kInhibitRecovery:
            return fr ? "URGENCE AVANT RANÇONGICIEL : sauvegardes et restauration détruites"
                      : "PRE-RANSOMWARE EMERGENCY: backups and recovery being destroyed";
        case Urgency::kSpreading:
            return fr ? "URGENCE AVANT RANÇONGICIEL : mots de passe volés, propagation en cours"
                      : "PRE-RANSOMWARE EMERGENCY: passwords stolen, spreading to other machines";
        case Urgency::kCompromised:
            return fr ? "Compromission probable" : "Likely compromised";
        case Urgency::kSuspicious:
            return fr ? "Suspect" : "Suspicious";
        case Urgency::kNone:
            return fr ? "Détections de faible niveau" : "Low-level detections";
    }
    return "";
}

std::string render_hosts_brief(const HostPicture& picture, Language lang, std::size_t max_hosts) {
    std::string out;
    const bool fr = french(lang);
    std::array<std::size_t, 6> count{};
    for (const HostReport& h : picture.hosts) ++count[static_cast<std::size_t>(h.urgency)];
    const std::size_t emergencies = count[3] + count[4] + count[5];
    line(out,
         fr ? "machines   {} avec détections : en urgence {}, compromission probable {}, "
              "suspectes {} (score, étape, détections, première et dernière)"
            : "hosts      {} with detections: emergency {}, likely compromised {}, suspicious {} "
              "(score, stage, detections, first and last)",
         picture.hosts.size(), emergencies, count[2], count[1]);
    for (std::size_t i = 0; i < picture.hosts.size() && i < max_hosts; ++i) {
        const HostReport& h = picture.hosts[i];
        if (h.urgency == Urgency::kNone) break;
        const auto furthest = h.furthest();
        line(out, "  {:<28} {:>4}  {:<26} {:>6}  {} .. {}  {}", h.host, h.score,
             furthest ? stage_name(*furthest, lang) : "-", h.detections,
             when(h.first).substr(0, 16), when(h.last).substr(0, 16),
             urgency_label(h.urgency, lang));
    }
    return out;
}

std::string render_hosts_text(const HostPicture& picture, Language lang, std::size_t max_hosts) {
    std::string out;
    const bool fr = french(lang);
    out += render_hosts_brief(picture, lang, 0);
    out += '\n';
    std::size_t shown = 0;
    for (const HostReport& h : picture.hosts) {
        if (max_hosts != 0 && shown == max_hosts) break;
        ++shown;
        line(out, "{}. {}  [{}]", shown, h.host, urgency_label(h.urgency, lang));
        if (h.emergency_since != 0)
            line(out, fr ? "   depuis {}" : "   since {}", when(h.emergency_since));
        line(out,
             fr ? "   score {} ; {} détections (critique {}, haute {}, moyenne {}, basse {}, info "
                  "{}) ; {}"
                : "   score {}; {} detections (critical {}, high {}, medium {}, low {}, info {}); "
                  "{}",
             h.score, h.detections, h.by_level[4], h.by_level[3], h.by_level[2], h.by_level[1],
             h.by_level[0], span(h.first, h.last));
        if (const std::string a = host_advice(h, lang); !a.empty()) {
            line(out, fr ? "   Que faire : {}" : "   What to do: {}", a);
        }
        line(out, fr ? "   Chemin vers le rançongiciel :" : "   Path to ransomware:");
        for (std::size_t s = 0; s < kStageCount; ++s) {
            const StageSeen& seen = h.stages[s];
            if (!seen.reached) {
                line(out, "     [ ] {}", stage_name(static_cast<Stage>(s), lang));
                continue;
            }
            line(out, "     [x] {:<28} {}  ({}, {})  {}", stage_name(static_cast<Stage>(s), lang),
                 span(seen.first, seen.last), seen.detections, sigma::level_name(seen.max_level),
                 join(seen.rules, "; "));
        }
        if (!h.tactics.empty()) {
            std::vector<std::string> tactics;
            for (const TacticSeen& t : h.tactics) tactics.push_back(t.tactic);
            line(out, fr ? "   Tactiques ATT&CK : {}" : "   ATT&CK tactics: {}",
                 join(tactics, ", "));
        }
        if (!h.accounts.empty()) {
            line(out, fr ? "   Comptes : {}" : "   Accounts: {}", join(h.accounts, ", "));
        }
        const std::string key = host_key(h.host);
        for (const LateralEdge& e : picture.edges) {
            const bool in = host_key(e.target) == key;
            const bool from = host_key(e.source.substr(0, e.source.find(' '))) == key;
            if (!in && !from) continue;
            const std::string account =
                e.account.empty() ? std::string() : (fr ? " avec " : " as ") + e.account;
            if (in) {
                line(out,
                     fr ? "   <- depuis {}{} : {} ({} fois, {})" : "   <- from {}{}: {} ({}x, {})",
                     e.source.empty() ? "?" : e.source, account, e.method, e.detections,
                     span(e.first, e.last));
            } else {
                line(out, fr ? "   -> vers {}{} : {} ({} fois, {})" : "   -> to {}{}: {} ({}x, {})",
                     e.target, account, e.method, e.detections, span(e.first, e.last));
            }
        }
        out += '\n';
    }
    return out;
}

void append_host_json(std::string& out, const HostReport& h, std::string_view trailing_members) {
    auto str = [&](std::string_view key, std::string_view value) {
        out += '"';
        out += key;
        out += "\":";
        core::append_json_string(out, value);
    };
    out += "{\"type\":\"host\",";
    str("host", h.host);
    out += ',';
    str("urgency", urgency_label(h.urgency, Language::kEnglish));
    fmt::format_to(std::back_inserter(out), ",\"urgency_rank\":{},\"emergency\":{},",
                   static_cast<int>(h.urgency), is_emergency(h.urgency));
    str("emergency_since", iso(h.emergency_since));
    fmt::format_to(std::back_inserter(out), ",\"score\":{},\"detections\":{},", h.score,
                   h.detections);
    str("first", iso(h.first));
    out += ',';
    str("last", iso(h.last));
    const auto furthest = h.furthest();
    out += ',';
    str("stage", furthest ? stage_name(*furthest, Language::kEnglish) : "");
    out += ",\"stages\":[";
    bool first = true;
    for (std::size_t s = 0; s < kStageCount; ++s) {
        const StageSeen& seen = h.stages[s];
        if (!seen.reached) continue;
        if (!first) out += ',';
        first = false;
        out += '{';
        str("stage", stage_name(static_cast<Stage>(s), Language::kEnglish));
        out += ',';
        str("first", iso(seen.first));
        out += ',';
        str("last", iso(seen.last));
        fmt::format_to(std::back_inserter(out), ",\"detections\":{},", seen.detections);
        str("max_level", sigma::level_name(seen.max_level));
        out += ",\"rules\":[";
        for (std::size_t r = 0; r < seen.rules.size(); ++r) {
            if (r > 0) out += ',';
            core::append_json_string(out, seen.rules[r]);
        }
        out += "]}";
    }
    out += "],\"tactics\":[";
    for (std::size_t t = 0; t < h.tactics.size(); ++t) {
        if (t > 0) out += ',';
        out += '{';
        str("tactic", h.tactics[t].tactic);
        out += ',';
        str("first", iso(h.tactics[t].first));
        out += ',';
        str("last", iso(h.tactics[t].last));
        fmt::format_to(std::back_inserter(out), ",\"detections\":{}}}", h.tactics[t].detections);
    }
    out += "],\"accounts\":[";
    for (std::size_t a = 0; a < h.accounts.size(); ++a) {
        if (a > 0) out += ',';
        core::append_json_string(out, h.accounts[a]);
    }
    out += ']';
    out += trailing_members;
    out += '}';
}

std::string render_hosts_jsonl(const HostPicture& picture) {
    std::string out;
    auto str = [&](std::string_view key, std::string_view value) {
        out += '"';
        out += key;
        out += "\":";
        core::append_json_string(out, value);
    };
    for (const HostReport& h : picture.hosts) {
        append_host_json(out, h);
        out += '\n';
    }
    for (const LateralEdge& e : picture.edges) {
        out += "{\"type\":\"lateral_edge\",";
        str("source", e.source);
        out += ',';
        str("target", e.target);
        out += ',';
        str("account", e.account);
        out += ',';
        str("method", e.method);
        out += ',';
        str("first", iso(e.first));
        out += ',';
        str("last", iso(e.last));
        fmt::format_to(std::back_inserter(out), ",\"detections\":{}}}\n", e.detections);
    }
    return out;
}

}  // namespace vigie::hunt
