// The page's frame: head and Content-Security-Policy, the stage icons, the sections in order,
// the graph section, the footer, and the data block and script at the end.
#include "report/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>

#include "report/lateral_graph.hpp"
#include "report/page_sections.hpp"
#include "report/paris_time.hpp"

namespace vigie::report {

// Generated at build time from assets/ (report_assets.cpp).
extern const char kReportCss[];
extern const char kReportJs[];

namespace {

// 128 random bits for the CSP nonce: a page written before the logs were read cannot guess it.
std::string make_nonce() {
    std::random_device random;
    std::string nonce;
    for (int i = 0; i < 4; ++i) nonce += fmt::format("{:08x}", random());
    return nonce;
}

int stage_of_rule(const sigma::RuleInfo& info) {
    if (info.level == sigma::Level::kInformational) return -1;
    const std::vector<hunt::Stage> stages = hunt::stages_of(info);
    return stages.empty() ? -1 : static_cast<int>(stages.back());
}

}  // namespace

std::string stage_class(int stage) {
    return stage < 0 ? std::string("s-none") : fmt::format("s{}", stage);
}

std::string urgency_class(hunt::Urgency urgency) {
    return fmt::format("u{}", static_cast<int>(urgency));
}

std::string stage_symbols() {
    // Simple shapes that stay apart in black and white: door, play, key, magnifier, arrows,
    // broken shield, lock. m0..m6 are the timeline's marks in the same spirit.
    return R"(<svg class="defs" aria-hidden="true" width="0" height="0"><defs>
<symbol id="st0" viewBox="0 0 20 20"><rect x="5" y="2" width="10" height="16" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="12" cy="10" r="1.5" fill="currentColor"/></symbol>
<symbol id="st1" viewBox="0 0 20 20"><path d="M6 3 L16 10 L6 17 Z" fill="currentColor"/></symbol>
<symbol id="st2" viewBox="0 0 20 20"><circle cx="6" cy="10" r="4" fill="none" stroke="currentColor" stroke-width="2"/><path d="M10 10 H18 M15 10 V14 M18 10 V13" stroke="currentColor" stroke-width="2" fill="none"/></symbol>
<symbol id="st3" viewBox="0 0 20 20"><circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M12 12 L18 18" stroke="currentColor" stroke-width="3"/></symbol>
<symbol id="st4" viewBox="0 0 20 20"><path d="M2 7 H14 M10 3 L14 7 L10 11 M18 13 H6 M10 9 L6 13 L10 17" stroke="currentColor" stroke-width="2" fill="none"/></symbol>
<symbol id="st5" viewBox="0 0 20 20"><path d="M10 2 L17 5 V10 C17 14 14 17 10 18 C6 17 3 14 3 10 V5 Z" fill="none" stroke="currentColor" stroke-width="2"/><path d="M5 15 L15 5" stroke="currentColor" stroke-width="2"/></symbol>
<symbol id="st6" viewBox="0 0 20 20"><rect x="4" y="9" width="12" height="9" fill="currentColor"/><path d="M7 9 V6 A3 3 0 0 1 13 6 V9" fill="none" stroke="currentColor" stroke-width="2"/></symbol>
<symbol id="yes" viewBox="0 0 14 14"><circle cx="7" cy="7" r="6.5" fill="currentColor"/><path d="M3.5 7 L6 9.5 L10.5 4.5" stroke="#fff" stroke-width="2" fill="none"/></symbol>
<symbol id="no" viewBox="0 0 14 14"><circle cx="7" cy="7" r="5.5" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M4 7 H10" stroke="currentColor" stroke-width="1.5"/></symbol>
<symbol id="server" viewBox="0 0 14 14"><rect x="2" y="1" width="10" height="5" fill="none" stroke="currentColor" stroke-width="1.5"/><rect x="2" y="8" width="10" height="5" fill="none" stroke="currentColor" stroke-width="1.5"/><circle cx="4.5" cy="3.5" r="1" fill="currentColor"/><circle cx="4.5" cy="10.5" r="1" fill="currentColor"/></symbol>
<symbol id="m0" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="currentColor"/></symbol>
<symbol id="m1" viewBox="0 0 10 10"><path d="M1 1 L9 5 L1 9 Z" fill="currentColor"/></symbol>
<symbol id="m2" viewBox="0 0 10 10"><path d="M5 0 L10 5 L5 10 L0 5 Z" fill="currentColor"/></symbol>
<symbol id="m3" viewBox="0 0 10 10"><rect x="1" y="1" width="8" height="8" fill="currentColor"/></symbol>
<symbol id="m4" viewBox="0 0 10 10"><path d="M0 3 H5 V0 L10 5 L5 10 V7 H0 Z" fill="currentColor"/></symbol>
<symbol id="m5" viewBox="0 0 10 10"><path d="M1 1 L9 9 M9 1 L1 9" stroke="currentColor" stroke-width="3"/></symbol>
<symbol id="m6" viewBox="0 0 10 10"><path d="M5 0 L6.5 3.5 L10 4 L7.5 6.5 L8 10 L5 8 L2 10 L2.5 6.5 L0 4 L3.5 3.5 Z" fill="currentColor"/></symbol>
</defs></svg>
)";
}

void write_stage_icon(PageWriter& page, int stage, int size) {
    page.raw(
        fmt::format("<svg class=\"icon {}\" width=\"{}\" height=\"{}\" aria-hidden=\"true\">"
                    "<use href=\"#st{}\"/></svg>",
                    stage_class(stage), size, size, stage));
}

void write_stage_name(PageWriter& page, hunt::Stage stage) {
    page.both(hunt::stage_name(stage, hunt::Language::kEnglish),
              hunt::stage_name(stage, hunt::Language::kFrench));
}

void write_urgency(PageWriter& page, hunt::Urgency urgency) {
    page.both(hunt::urgency_label(urgency, hunt::Language::kEnglish),
              hunt::urgency_label(urgency, hunt::Language::kFrench));
}

void write_roles(PageWriter& page, const PageContext& context, const std::string& host) {
    const auto found = context.roles.find(hunt::host_key(host));
    if (found == context.roles.end()) return;
    for (const RoleSeen& r : found->second) {
        page.raw(
            " <span class=\"role\"><svg class=\"icon\" width=\"14\" height=\"14\" "
            "aria-hidden=\"true\"><use href=\"#server\"/></svg> ");
        switch (r.role) {
            case HostRole::kDomainController:
                page.both("domain controller", "contrôleur de domaine");
                break;
            case HostRole::kFileServer:
                page.both("file server", "serveur de fichiers");
                if (!r.evidence.empty()) page.raw(" (").log(r.evidence, 40).raw(")");
                break;
            case HostRole::kBackupServer:
                page.both("backup server (by its name)", "serveur de sauvegarde (d'après son nom)");
                break;
        }
        page.raw("</span>");
    }
}

void write_time(PageWriter& page, core::FileTimeTicks t) {
    if (t == 0) {
        page.raw("-");
        return;
    }
    page.raw("<time datetime=\"").text(core::format_iso8601_micros(t)).raw("\">");
    page.text(both_zones_text(t)).raw("</time>");
}

void write_lateral_graph(PageWriter& page, const PageContext& context) {
    const hunt::HostPicture& picture = *context.input.picture;
    page.raw("<section id=\"graph\" aria-labelledby=\"graph-title\">\n<h2 id=\"graph-title\">");
    page.both("Where the attacker went", "Où l'attaquant est allé").raw("</h2>\n");
    if (picture.edges.empty()) {
        page.raw("<p>").both("No lateral movement seen.", "Aucun déplacement latéral vu.");
        page.raw("</p>\n</section>\n");
        return;
    }
    page.raw("<p class=\"hint\">");
    page.both(
        "Left to right in the order hosts were first compromised; each arrow: accounts, "
        "method and first time (every detection is in the table below). Octagons are hosts "
        "in emergency; dashed boxes, sources with no detection of their own.",
        "De gauche à droite dans l'ordre de première compromission ; chaque flèche : "
        "comptes, méthode et première fois (chaque détection est dans le tableau dessous). "
        "Les octogones sont les machines en urgence ; les cadres en pointillés, des sources "
        "sans détection propre.");
    page.raw("</p>\n");
    for (const hunt::Language lang : {hunt::Language::kEnglish, hunt::Language::kFrench}) {
        const bool fr = lang == hunt::Language::kFrench;
        auto svg = render_lateral_graph_svg(picture, lang);
        page.raw(fr ? "<div class=\"graph l-fr\" lang=\"fr\">"
                    : "<div class=\"graph l-en\" lang=\"en\">");
        if (svg) {
            std::string drawing = std::move(*svg);
            if (fr) {
                // Two drawings in one page: keep their element ids apart.
                for (std::size_t at = drawing.find(" id=\""); at != std::string::npos;
                     at = drawing.find(" id=\"", at + 8)) {
                    drawing.insert(at + 5, "fr-");
                }
            }
            page.raw(drawing);
        } else {
            page.raw("<p>").both("The graph could not be drawn: ",
                                 "Le graphe n'a pas pu être dessiné : ");
            page.text(svg.error().message).raw("</p>");
        }
        page.raw("</div>\n");
    }
    // The same edges as a table: the accessible form of the drawing.
    page.raw("<table class=\"edges\" id=\"edges\"><caption>");
    page.both("Lateral movement", "Déplacements latéraux")
        .raw("</caption><thead><tr><th scope=\"col\">");
    page.both("From", "Depuis").raw("</th><th scope=\"col\">").both("To", "Vers");
    page.raw("</th><th scope=\"col\">").both("Account", "Compte").raw("</th><th scope=\"col\">");
    page.both("Method", "Méthode").raw("</th><th scope=\"col\">").both("First", "Première fois");
    page.raw("</th><th scope=\"col\">")
        .both("Last", "Dernière fois")
        .raw("</th><th scope=\"col\">");
    page.both("Count", "Nombre").raw("</th></tr></thead><tbody>\n");
    for (const hunt::LateralEdge& e : picture.edges) {
        page.raw("<tr><td>").log(e.source.empty() ? "?" : e.source, 80).raw("</td><td>");
        page.log(e.target, 80).raw("</td><td>").log(e.account.empty() ? "?" : e.account, 80);
        page.raw("</td><td>").log(e.method, 160).raw("</td><td>");
        write_time(page, e.first);
        page.raw("</td><td>");
        write_time(page, e.last);
        page.raw("</td><td>").text(std::to_string(e.detections)).raw("</td></tr>\n");
    }
    page.raw("</tbody></table>\n</section>\n");
}

void write_footer(PageWriter& page, const PageContext& context) {
    const ReportInput& in = context.input;
    page.raw("<footer id=\"about\">\n<h2>").both("About this report", "À propos de ce rapport");
    page.raw("</h2>\n<dl>\n<dt>").both("Data read", "Données lues").raw("</dt><dd>");
    const std::size_t files = in.inputs != nullptr ? in.inputs->size() : 0;
    const std::uint64_t events = in.stats != nullptr ? in.stats->events : 0;
    page.both(fmt::format("{} file(s), {:.1f} MB, {} events", files, in.input_bytes / 1e6, events),
              fmt::format("{} fichier(s), {:.1f} Mo, {} événements", files, in.input_bytes / 1e6,
                          events));
    if (in.from != 0 || in.to != 0) {
        page.raw("; ").both("time window ", "fenêtre de temps ");
        write_time(page, in.from);
        page.raw(" &rarr; ");
        write_time(page, in.to);
    }
    if (in.inputs != nullptr && !in.inputs->empty()) {
        page.raw("<details><summary>")
            .both("Files", "Fichiers")
            .raw("</summary><ul class=\"files\">");
        for (const hunt::InputFile& f : *in.inputs) {
            page.raw("<li>").log(f.path, 300).raw("</li>");
        }
        page.raw("</ul></details>");
    }
    page.raw("</dd>\n<dt>").both("Rules", "Règles").raw("</dt><dd>");
    const sigma::LoadReport& loaded = in.rules->report();
    page.both(fmt::format("{} rules loaded from {} file(s), {} rejected, {} filter(s)",
                          loaded.loaded, loaded.files, loaded.rejected.size(), loaded.filters),
              fmt::format("{} règles chargées depuis {} fichier(s), {} refusées, {} filtre(s)",
                          loaded.loaded, loaded.files, loaded.rejected.size(), loaded.filters));
    page.raw(": ");
    for (std::size_t i = 0; i < in.rule_sources.size(); ++i) {
        if (i > 0) page.raw(", ");
        page.raw("<code>").log(in.rule_sources[i], 300).raw("</code>");
    }
    // The rules that fired, with the date each gives as its version.
    std::set<std::uint32_t> fired;
    for (const hunt::Detection& d : *in.detections) fired.insert(d.rule);
    page.raw("<details><summary>");
    page.both(fmt::format("{} rule(s) fired", fired.size()),
              fmt::format("{} règle(s) déclenchée(s)", fired.size()));
    page.raw("</summary><table class=\"rules\"><thead><tr><th scope=\"col\">");
    page.both("Title", "Titre").raw("</th><th scope=\"col\">id</th><th scope=\"col\">");
    page.both("Date", "Date").raw("</th><th scope=\"col\">").both("File", "Fichier");
    page.raw("</th></tr></thead><tbody>");
    for (const std::uint32_t r : fired) {
        const sigma::RuleInfo& info = in.rules->rule_info(r);
        page.raw("<tr><td>").log(info.title, 200).raw("</td><td><code>").log(info.id, 80);
        page.raw("</code></td><td>").log(info.date, 20).raw("</td><td><code>");
        page.log(info.file.substr(info.file.rfind('/') + 1), 120).raw("</code></td></tr>");
    }
    page.raw("</tbody></table></details></dd>\n<dt>").both("Time zones", "Fuseaux horaires");
    page.raw("</dt><dd>");
    page.both("Times are UTC, with Europe/Paris time in brackets (CET UTC+1, CEST UTC+2).",
              "Les heures sont en UTC, avec l'heure de Paris entre parenthèses (CET UTC+1, CEST "
              "UTC+2).");
    page.raw("</dd>\n<dt>").both("Generated", "Produit").raw("</dt><dd>");
    write_time(page, in.generated_at);
    page.raw(" &mdash; ").text(in.tool_version).raw("</dd>\n</dl>\n</footer>\n");
}

core::Result<std::string> render_html_report(const ReportInput& input) {
    if (input.rules == nullptr || input.picture == nullptr || input.detections == nullptr) {
        return core::fail(core::ErrorCode::kInvalidArgument,
                          "a report needs the rules, the host picture and the detections");
    }
    PageContext context{input, {}, infer_host_roles(*input.detections, *input.picture)};
    context.rule_stage.resize(input.rules->detection_rule_count(), -1);
    for (std::uint32_t r = 0; r < input.rules->detection_rule_count(); ++r) {
        context.rule_stage[r] = stage_of_rule(input.rules->rule_info(r));
    }
    for (const hunt::Detection& d : *input.detections) {
        if (d.rule >= context.rule_stage.size()) {
            return core::fail(core::ErrorCode::kInvalidArgument, "a detection names no rule");
        }
    }

    const bool fr = input.language == hunt::Language::kFrench;
    const std::string nonce = make_nonce();
    PageWriter page;
    page.str().reserve(512 * 1024 + input.detections->size() * 220);
    page.raw("<!DOCTYPE html>\n<html lang=\"").raw(fr ? "fr" : "en");
    page.raw("\" data-lang=\"")
        .raw(fr ? "fr" : "en")
        .raw("\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing may be fetched, framed or submitted; only this page's own style and script run.
    page.raw(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'nonce-");
    page.raw(nonce).raw("'; style-src 'nonce-").raw(nonce);
    page.raw("'; base-uri 'none'; form-action 'none'\">\n");
    page.raw("<meta name=\"referrer\" content=\"no-referrer\">\n");
    page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.raw("<title>").text(fr ? "vigie : rapport d'intrusion" : "vigie: intrusion report");
    page.raw("</title>\n<style nonce=\"").raw(nonce).raw("\">\n").raw(kReportCss);
    page.raw("</style>\n</head>\n<body>\n").raw(stage_symbols());

    page.raw("<header class=\"top\"><h1>").both("Intrusion report", "Rapport d'intrusion");
    page.raw(
        " <small>vigie</small></h1>\n<div class=\"tools no-print\" role=\"group\" "
        "aria-label=\"Language / Langue\"><button type=\"button\" id=\"to-en\" "
        "lang=\"en\">English</button> <button type=\"button\" id=\"to-fr\" "
        "lang=\"fr\">Français</button> <button type=\"button\" id=\"print\">");
    page.both("Print", "Imprimer")
        .raw("</button></div>\n<nav class=\"no-print\"><a href=\"#act-now\">");
    page.both("Act now", "Agir maintenant").raw("</a> <a href=\"#paths\">");
    page.both("Paths", "Chemins").raw("</a> <a href=\"#graph\">").both("Graph", "Graphe");
    page.raw("</a> <a href=\"#timeline\">").both("Timeline", "Chronologie");
    page.raw("</a> <a href=\"#detections\">").both("Detections", "Détections");
    page.raw("</a> <a href=\"#about\">")
        .both("About", "À propos")
        .raw("</a></nav>\n</header>\n<main>\n");

    write_act_now(page, context);
    write_host_ladders(page, context);
    write_lateral_graph(page, context);
    write_timeline(page, context);
    write_detections_table(page, context);
    page.raw("</main>\n");
    write_footer(page, context);

    page.raw(
        "<p id=\"page-check\" class=\"no-print\" hidden data-violations=\"0\" "
        "data-resources=\"0\"></p>\n");
    // A data block is not executed; its text cannot close the element (< > & are \u escapes).
    page.raw("<script type=\"application/json\" id=\"vigie-data\">");
    page.raw(detections_json(context));
    page.raw("</script>\n<script nonce=\"").raw(nonce).raw("\">\n").raw(kReportJs);
    page.raw("</script>\n</body>\n</html>\n");
    return std::move(page.str());
}

}  // namespace vigie::report
